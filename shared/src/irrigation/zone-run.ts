import type { Decision } from './zone-snapshot.ts';

const MIN = 60_000;

/** What whoever runs a rule (the cloud, or a gateway offline) remembers of a zone between evaluations. */
export type ZoneRun = {
  valveOpen: boolean;
  since?: number;
  lastRunEnd?: number;
  /** The local day `usedMin` counts for. */
  day?: string;
  usedMin: number;
  lastReason?: string;
  /** The last command sent for the zone's valve. */
  command?: string;
};

export function localDay(t: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(t);
}

/** The run state at `asOf`: the daily budget starts again on a new local day. */
export function runOnDay(run: ZoneRun, asOf: number, timeZone: string): ZoneRun {
  const day = localDay(asOf, timeZone);
  return run.day === day ? { ...run } : { ...run, day, usedMin: 0 };
}

/** The run state after a decision was carried out at `asOf`. */
export function runAfter(run: ZoneRun, decision: Decision, asOf: number): ZoneRun {
  if (decision.action === 'open') return { ...run, valveOpen: true, since: asOf };
  if (decision.action === 'close') return { ...run, valveOpen: false, usedMin: run.usedMin + (asOf - (run.since ?? asOf)) / MIN, lastRunEnd: asOf };
  return run;
}

/** A decision worth a record: it did something, or why the rule holds back changed. */
export function worthRecording(decision: Decision, run: ZoneRun): boolean {
  if (decision.action !== 'none') return true;
  if (decision.reason.endsWith('no need') || decision.reason.startsWith('running')) return false;
  return decision.reason !== run.lastReason;
}
