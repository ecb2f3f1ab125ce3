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
  /** The kind of the last recorded reason (`reasonKind`). */
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

/** What kind of reason a decision gives, without its numbers: "no need" at 31% and at 32% are one kind. */
export function reasonKind(decision: Decision): string {
  return decision.why.map((w) => w.code).join(' ');
}

/**
 * A decision worth a record: it did something, or the kind of reason the rule holds back for changed
 * (a new number is not news: a cooldown counting down would otherwise fill the log). A running valve
 * is already on record by the decision that opened it.
 */
export function worthRecording(decision: Decision, run: ZoneRun): boolean {
  if (decision.action !== 'none') return true;
  if (decision.why[0]?.code === 'running') return false;
  return reasonKind(decision) !== run.lastReason;
}

/** Epoch ms of the local midnight that starts the day of `t`. */
export function localDayStart(t: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(t);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Math.floor(t / 1000) * 1000 - (get('hour') * 3600 + get('minute') * 60 + get('second')) * 1000;
}

/** Litres a flow meter measured: each reading (L/min) holds until the next one, up to `to`. */
export function litresFromFlow(points: readonly (readonly [number, number])[], to: number): number {
  let litres = 0;
  for (let i = 0; i < points.length; i++) {
    const [t, lpm] = points[i]!;
    const until = Math.min(points[i + 1]?.[0] ?? to, to);
    if (until > t) litres += (lpm * (until - t)) / MIN;
  }
  return litres;
}
