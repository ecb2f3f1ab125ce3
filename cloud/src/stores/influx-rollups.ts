import { Point } from '@influxdata/influxdb-client';
import type { Reading } from '@ruong/shared';
import type { Logger } from 'pino';
import { OutageLog } from '../outage-log.ts';
import { errorText, quote, type InfluxHttp } from './influx-http.ts';
import type { RetentionPlan } from './influx-schema.ts';

export const HOUR = 3_600_000;
export const ROLLUP_MEASUREMENT = 'readings_1h';
/**
 * Background recompute pace. A query flushes the hours it reads first, so this only bounds the dirty set;
 * each pass re-reads the still-filling hour whole, so a faster pace costs InfluxDB more for nothing.
 */
const FLUSH_EVERY_MS = 60_000;
/** Hours recomputed by one query, so a week-old backlog does not become one huge query. */
const HOURS_PER_QUERY = 24;
/** On start, hours recomputed for every node: rollups a crash left stale heal themselves. */
const HEAL_HOURS = 24;

/** Hour → the nodes with readings in it. */
export type HoursTouched = Map<number, Set<string>>;

/** The hours readings fall in, by node: worked out while InfluxDB stores them, marked once it has. */
export function hoursTouched(readings: readonly Reading[]): HoursTouched {
  const hours: HoursTouched = new Map();
  let hour = NaN;
  let nodes: Set<string> | undefined;
  for (const r of readings) {
    // A batch mostly spans an hour or two: look the hour up only when it changes.
    if (!(r.ts >= hour && r.ts < hour + HOUR)) {
      hour = Math.floor(r.ts / HOUR) * HOUR;
      nodes = hours.get(hour);
      if (!nodes) hours.set(hour, (nodes = new Set()));
    }
    nodes!.add(r.node);
  }
  return hours;
}

/**
 * Keeps the hourly rollups in step with raw data. Writes mark (hour, node) dirty; a background pass
 * recomputes dirty hours from raw data with InfluxQL and writes the results as points, which works on
 * every InfluxDB generation (no continuous queries or tasks needed). Because a gateway uploads hours
 * or days late after an outage, rollups are recomputed whenever their hour is touched, not only for
 * "now" as a continuous query would. A query over rollups flushes the dirty hours it covers first.
 */
export class InfluxRollups {
  readonly #http: InfluxHttp;
  readonly #plan: RetentionPlan;
  readonly #log: Logger;
  readonly #outage: OutageLog;
  readonly #dirty = new Map<number, Set<string>>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #heal: { from: number; to: number } | undefined;

  constructor(http: InfluxHttp, plan: RetentionPlan, log: Logger) {
    this.#http = http;
    this.#plan = plan;
    this.#log = log;
    this.#outage = new OutageLog(log, 'hourly rollups are computed again');
  }

  start(): void {
    const now = Date.now();
    this.#heal = { from: Math.floor(now / HOUR) * HOUR - HEAL_HOURS * HOUR, to: now + HOUR };
    this.#timer = setInterval(() => void this.flush(-Infinity, Infinity).catch(() => {}), FLUSH_EVERY_MS);
    this.#timer.unref();
  }

  /** Stops after one last pass, so hours written just before a stop (a backlog, a copy) are not left stale. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush(-Infinity, Infinity).catch(() => {
      this.#log.warn({ hours: this.#dirty.size }, 'hourly rollups left stale at stop; each is recomputed when its hour is next written');
    });
  }

  /**
   * Marks the hours of stored readings dirty. Only once they are stored: a recompute between would
   * read the hour without them and clear its mark.
   */
  touched(hours: HoursTouched): void {
    for (const [hour, nodes] of hours) {
      const dirty = this.#dirty.get(hour);
      if (!dirty) this.#dirty.set(hour, nodes);
      else for (const node of nodes) dirty.add(node);
    }
  }

  /** Recomputes every dirty hour overlapping [from, to); one pass at a time. */
  flush(from: number, to: number): Promise<void> {
    const next = this.#running.catch(() => {}).then(() => this.#recompute(from, to));
    this.#running = next;
    return next;
  }

  async #recompute(from: number, to: number): Promise<void> {
    try {
      await this.#recomputeDirty(from, to);
    } catch (err) {
      // The pass runs again every minute until InfluxDB answers.
      this.#outage.failed({ err: errorText(err) }, 'hourly rollups failed');
      throw err;
    }
    this.#outage.recovered();
  }

  async #recomputeDirty(from: number, to: number): Promise<void> {
    // Cleared only once done: a cloud started before InfluxDB heals as soon as InfluxDB answers.
    if (this.#heal) {
      await this.#rollUp(this.#heal.from, this.#heal.to, undefined);
      this.#heal = undefined;
    }
    const hours = [...this.#dirty.keys()].filter((h) => h + HOUR > from && h < to).sort((a, b) => a - b);
    for (let i = 0; i < hours.length; i += HOURS_PER_QUERY) {
      const chunk = hours.slice(i, i + HOURS_PER_QUERY);
      const nodes = new Set<string>();
      for (const h of chunk) {
        for (const n of this.#dirty.get(h)!) nodes.add(n);
        this.#dirty.delete(h);
      }
      try {
        await this.#rollUp(chunk[0]!, chunk.at(-1)! + HOUR, [...nodes]);
      } catch (err) {
        // Put them back: the next pass tries again.
        for (const h of chunk) {
          const set = this.#dirty.get(h) ?? new Set<string>();
          for (const n of nodes) set.add(n);
          this.#dirty.set(h, set);
        }
        throw err;
      }
    }
  }

  /** Recomputes the hourly rollups of [from, to) for these nodes (all when undefined) from raw data. */
  async #rollUp(from: number, to: number, nodes: string[] | undefined): Promise<void> {
    const db = `"${this.#http.database}"`;
    const where = [`time >= ${from}ms`, `time < ${to}ms`];
    if (nodes?.length) where.push(`(${nodes.map((n) => `node = ${quote(n)}`).join(' OR ')})`);
    const [result] = await this.#http.query(
      `SELECT mean(value), min(value), max(value), sum(value), last(value), count(value) FROM ${db}."${this.#plan.raw.name}"."readings" ` +
        `WHERE ${where.join(' AND ')} GROUP BY time(1h), node, metric fill(none)`,
    );
    const lines: string[] = [];
    for (const s of result?.series ?? []) {
      for (const [t, mean, min, max, sum, last, count] of s.values as number[][]) {
        if (count === null || count === undefined) continue;
        const p = new Point(ROLLUP_MEASUREMENT).tag('node', s.tags!.node!).tag('metric', s.tags!.metric!);
        p.floatField('mean', mean!).floatField('min', min!).floatField('max', max!).floatField('sum', sum!).floatField('last', last!).floatField('count', count);
        lines.push(p.timestamp(String(t)).toLineProtocol()!);
      }
    }
    if (lines.length) await this.#http.write(lines.join('\n'), this.#plan.rollup.name);
  }
}
