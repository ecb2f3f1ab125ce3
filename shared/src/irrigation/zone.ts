import { z } from 'zod';
import { NodeId } from '../reading.ts';
import { IrrigationRule } from './rule.ts';
import { Why } from './why.ts';

/** An irrigation zone: which nodes measure it and which valve waters it. */
export const ZoneConfig = z.object({
  name: z.string().min(1).max(200),
  /** The field the zone is part of. */
  fieldId: z.string().min(1).optional(),
  /** Soil moisture sensors whose mean the rules use. */
  sensors: z.array(NodeId).max(50).default([]),
  /** Weather nodes whose `rainfall` counts for this zone, and whose air temperature feeds the water balance. */
  weather: z.array(NodeId).max(10).default([]),
  /** The MQTT valve node (or relay node) that waters the zone. */
  valve: NodeId.optional(),
  /** A node reporting `water_flow` (L/min) for the zone: litre budgets count what it measured. */
  flowMeter: NodeId.optional(),
  /** Litres a minute the valve delivers, for litre budgets when there is no flow meter. */
  flowLpm: z.number().positive().max(100_000).optional(),
});
export type ZoneConfig = z.infer<typeof ZoneConfig>;
export const Zone = ZoneConfig.extend({ id: z.string() });
export type Zone = z.infer<typeof Zone>;

/** Every node a zone names: its sensors, weather nodes, valve and flow meter. */
export function zoneNodes(zone: ZoneConfig): string[] {
  return [...zone.sensors, ...zone.weather, ...(zone.valve ? [zone.valve] : []), ...(zone.flowMeter ? [zone.flowMeter] : [])];
}

/** A decision record: what a rule saw, what it did and why. */
export const DecisionRecord = z.object({
  id: z.number(),
  zone: z.string(),
  rule: z.string(),
  ruleVersion: z.number(),
  at: z.number(),
  action: z.enum(['open', 'close', 'none']),
  durationMin: z.number().optional(),
  reason: z.string(),
  /** The reason as phrases, for people who read another language (absent on older records). */
  why: z.array(Why).max(20).optional(),
  saw: z.record(z.string(), z.number()),
  command: z.string().optional(),
  /** Who decided: the cloud, or a gateway running the rule itself while the cloud was unreachable. */
  origin: z.enum(['cloud', 'gateway']).default('cloud'),
});
export type DecisionRecord = z.infer<typeof DecisionRecord>;

/** A decision a gateway made offline, as it travels up with a batch. */
export const DecisionUp = DecisionRecord.omit({ id: true, origin: true });
export type DecisionUp = z.infer<typeof DecisionUp>;

/** The rules a gateway keeps for when the cloud is unreachable: its zones and their enabled rules. */
export const GatewayRules = z.object({
  /** Changes whenever any of these zones or rules changes. */
  version: z.string(),
  zones: z.array(z.object({ zone: Zone, rule: IrrigationRule })),
});
export type GatewayRules = z.infer<typeof GatewayRules>;

/** A farm of the cooperative: where its fields are and which clock its people live by. */
export const FarmConfig = z.object({
  name: z.string().min(1).max(200),
  /** The cooperative that runs the farm; staff may leave it out (their own is used). */
  cooperativeId: z.string().min(1).optional(),
  timeZone: z.string().default('Asia/Ho_Chi_Minh'),
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
});
export const Farm = FarmConfig.extend({ id: z.string(), cooperativeId: z.string() });
export type Farm = z.infer<typeof Farm>;

/** A field of a farm; zones belong to fields. */
export const FieldConfig = z.object({ farmId: z.string().min(1), name: z.string().min(1).max(200), areaHa: z.number().positive().optional() });
export const Field = FieldConfig.extend({ id: z.string() });
export type Field = z.infer<typeof Field>;
