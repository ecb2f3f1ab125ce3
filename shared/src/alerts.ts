import { z } from 'zod';
import { metricName } from './metrics.ts';

/** What needs someone's attention in the field. */
export const AlertKind = z.enum(['sensor_silent', 'battery_low', 'out_of_range', 'gateway_offline', 'gateway_card', 'valve_unconfirmed']);
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
  /** What the check found, in English (`alertText` of `n`). */
  detail: z.string(),
  /** The same as numbers and names, for `alertText` in the person's language. */
  n: z.record(z.string(), z.union([z.number(), z.string()])).default({}),
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

type Facts = Record<string, number | string>;

const EN: Record<AlertKind, (n: Facts) => string> = {
  sensor_silent: (n) => `no reading for ${n.min} min (more than ${n.limit} min)`,
  battery_low: (n) => `battery ${n.volts} V (below ${n.limit} V)`,
  out_of_range: (n) => `${metricName(String(n.metric), 'en')} ${n.value} is ${n.min !== undefined ? `below ${n.min}` : `above ${n.max}`}`,
  gateway_offline: (n) => (n.min === undefined ? 'never made contact' : `last contact ${n.min} min ago`),
  gateway_card: (n) => `cannot write to its card for ${n.min} min (${n.error}); holding ${n.held} readings in memory`,
  valve_unconfirmed: (n) => `${n.action} ${n.state}${n.detail ? `: ${n.detail}` : ''}`,
};

const VI_ACTION: Record<string, string> = { 'valve.open': 'lệnh mở van', 'valve.close': 'lệnh đóng van' };
const VI_STATE: Record<string, string> = { failed: 'thất bại', expired: 'quá hạn, van chưa nhận' };

const VI: Record<AlertKind, (n: Facts) => string> = {
  sensor_silent: (n) => `không có số đo ${n.min} phút (quá ${n.limit} phút)`,
  battery_low: (n) => `pin ${n.volts} V (dưới ${n.limit} V)`,
  out_of_range: (n) => `${metricName(String(n.metric), 'vi')} ${n.value} ${n.min !== undefined ? `dưới ${n.min}` : `trên ${n.max}`}`,
  gateway_offline: (n) => (n.min === undefined ? 'chưa từng liên lạc' : `liên lạc lần cuối ${n.min} phút trước`),
  gateway_card: (n) => `không ghi được thẻ nhớ ${n.min} phút nay (${n.error}); đang giữ ${n.held} số đo trong bộ nhớ`,
  valve_unconfirmed: (n) => `${VI_ACTION[n.action!] ?? n.action} ${VI_STATE[n.state!] ?? n.state}${n.detail ? `: ${n.detail}` : ''}`,
};

/** What an alert found, in `lang`; in English this is its `detail`. */
export function alertText(kind: AlertKind, n: Facts, lang: 'en' | 'vi' = 'en'): string {
  return (lang === 'vi' ? VI : EN)[kind](n);
}
