import { z } from 'zod';

/** What needs someone's attention in the field. */
export const AlertKind = z.enum(['sensor_silent', 'battery_low', 'out_of_range', 'gateway_offline', 'valve_unconfirmed']);
export type AlertKind = z.infer<typeof AlertKind>;

/** open → acknowledged (someone is on it) → cleared (the condition is gone; it clears by itself). */
export const AlertState = z.enum(['open', 'acknowledged', 'cleared']);
export type AlertState = z.infer<typeof AlertState>;

export const Alert = z.object({
  id: z.number(),
  kind: AlertKind,
  farmId: z.string(),
  /** The node or gateway the alert is about. */
  subject: z.string(),
  detail: z.string(),
  /** The measured value behind the alert, when there is one. */
  value: z.number().optional(),
  state: AlertState,
  openedAt: z.number(),
  acknowledgedAt: z.number().optional(),
  acknowledgedBy: z.string().optional(),
  clearedAt: z.number().optional(),
});
export type Alert = z.infer<typeof Alert>;

/**
 * Agronomic limits: a reading inside the sensor's range but outside these wants a look (a dry or
 * waterlogged zone, heat stress). Rice paddies sit near saturation, so the wet limit is high.
 */
export const ALERT_LIMITS: Record<string, { min?: number; max?: number }> = {
  soil_moisture: { min: 12, max: 70 },
  soil_temperature: { max: 40 },
  air_temperature: { max: 42 },
};

/** A node battery below this many volts (one Li-ion cell) needs changing soon. */
export const LOW_BATTERY_V = 3.5;
