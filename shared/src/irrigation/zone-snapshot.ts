import type { Why } from './why.ts';
/** What the engine sees of a zone at one moment; the caller (cloud or gateway) gathers it. */
export type ZoneSnapshot = {
  now: number;
  /** Soil moisture readings of the zone's sensors, newest last; older than the rule's window is fine. */
  moisture: readonly { node: string; ts: number; value: number }[];
  /** How many soil moisture sensors the zone has. */
  sensorCount: number;
  /** Rainfall reports (mm since the previous report) from the zone's weather sources. */
  rain: readonly { ts: number; mm: number }[];
  valve: { open: boolean; since?: number | undefined };
  /** When the last run ended, if any. */
  lastRunEnd?: number | undefined;
  /** Water used so far in the farm's local day. */
  usedToday: { minutes: number; litres: number };
  /** Water-balance mode: the soil water deficit in mm from `accumulateDeficit`. */
  deficitMm?: number | undefined;
};

export type Decision = {
  action: 'open' | 'close' | 'none';
  /** For open: how long the gateway keeps the valve open at most. */
  durationMin?: number;
  /** Why, in one English line a person can read. */
  reason: string;
  /** The same, as phrases any language can render (`whyText`). */
  why: Why[];
  saw: {
    moistureMean?: number;
    freshSensors: number;
    rainMm?: number;
    deficitMm?: number;
    budgetLeftMin?: number;
    runMin?: number;
  };
};
