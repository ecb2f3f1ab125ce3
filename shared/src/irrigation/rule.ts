import { z } from 'zod';

const Minutes = z.number().positive().max(24 * 60);
const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day like 05:30');

/** When the rule may start watering, in the farm's local time; a window may run past midnight. */
export const TimeWindow = z.object({ start: ClockTime, end: ClockTime });
export type TimeWindow = z.infer<typeof TimeWindow>;

const ThresholdMode = z
  .object({
    type: z.literal('threshold'),
    /** Start when the mean soil moisture of the zone's sensors over `windowMin` is below this (% VWC). */
    startBelow: z.number().min(0).max(100),
    /** Stop when it reaches this (hysteresis); without it, stop after `runMin`. */
    stopAbove: z.number().min(0).max(100).optional(),
    windowMin: Minutes.default(15),
    /** How long one run lasts when there is no stop threshold, or at most when there is. */
    runMin: Minutes.optional(),
  })
  .refine((m) => m.stopAbove === undefined || m.stopAbove > m.startBelow, { path: ['stopAbove'], message: 'must be above startBelow' })
  .refine((m) => m.stopAbove !== undefined || m.runMin !== undefined, { path: ['runMin'], message: 'is needed when there is no stopAbove' });

const WaterBalanceMode = z.object({
  type: z.literal('water_balance'),
  /** Latitude of the field in degrees, for extraterrestrial radiation in Hargreaves' ET0. */
  latitude: z.number().min(-66).max(66),
  /** Crop coefficient: crop ET = kc × ET0 (flooded rice mid-season ≈ 1.2). */
  kc: z.number().positive().max(2).default(1),
  /** Water when the soil water deficit reaches this many mm. */
  allowedDepletionMm: z.number().positive().max(500),
  /** mm of water the zone's irrigation applies per hour, to turn a deficit into a run time. */
  applicationMmPerHour: z.number().positive().max(500),
  /** Soil moisture at field capacity (% VWC) and root depth, to correct the deficit from sensors. */
  fieldCapacity: z.number().min(1).max(100).optional(),
  rootDepthMm: z.number().positive().max(2000).optional(),
});

/** How a rule is named in URLs: lower-case letters, digits, `-` and `_`. */
export const RuleId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, - and _, at most 64');

export const IrrigationRule = z.object({
  id: z.string().min(1).max(64),
  zoneId: z.string().min(1).max(64),
  version: z.number().int().min(1).default(1),
  enabled: z.boolean().default(true),
  mode: z.discriminatedUnion('type', [ThresholdMode, WaterBalanceMode]),
  /** Start only inside one of these (empty: any time). */
  windows: z.array(TimeWindow).max(8).default([]),
  timeZone: z.string().default('Asia/Ho_Chi_Minh'),
  /** Do not start when at least `mm` of rain fell in the last `hours`. */
  rainSkip: z.object({ hours: z.number().positive().max(168), mm: z.number().nonnegative() }).optional(),
  cooldownMin: z.number().nonnegative().max(7 * 24 * 60).default(60),
  /** No run lasts longer than this, whatever else the rule says. */
  maxRunMin: Minutes.default(60),
  /** Water allowed per local day, in minutes of valve time and/or litres. */
  dailyBudget: z.object({ minutes: Minutes.optional(), litres: z.number().positive().optional() }).optional(),
  /** Readings older than this are not evidence of anything. */
  staleAfterMin: Minutes.default(30),
});
export type IrrigationRule = z.infer<typeof IrrigationRule>;
export type IrrigationRuleInput = z.input<typeof IrrigationRule>;
