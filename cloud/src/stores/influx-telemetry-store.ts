import { HttpError } from '@influxdata/influxdb-client';
import type { Reading, ReadingSource, Series } from '@ruong/shared';
import { metricUnit } from '@ruong/shared';
import type { Logger } from 'pino';
import { InfluxHttp, InfluxPartialWrite, errorText, quote, type InfluxConnection, type QueryResult } from './influx-http.ts';
import { readingsToLineProtocol, sourceToLineProtocol } from './influx-line-protocol.ts';
import { InfluxRollups, HOUR, hoursTouched, ROLLUP_MEASUREMENT, type HoursTouched } from './influx-rollups.ts';
import { InfluxSchemaKeeper } from './influx-schema-keeper.ts';
import type { RetentionPlan } from './influx-schema.ts';
import { StoreUnavailable, type LatestValue, type SeriesQuery, type TelemetryStore } from './telemetry-store.ts';

export const MEASUREMENT = 'readings';
/**
 * Readings per /write request while no other batch is being written. InfluxDB parses a request on one
 * core, so a large batch written in parts at once gets more of them: about 12% more readings/s from
 * one gateway on two cores. Each part costs InfluxDB about 15% more CPU per point, though, which only
 * pays while its cores would otherwise idle.
 */
const PART_READINGS = 2500;

export type InfluxStoreOptions = InfluxConnection & {
  retention: RetentionPlan;
  /** Create the database and retention policies at start (needs admin rights on 1.x). */
  manageSchema: boolean;
};

const RAW_AGG = { mean: 'mean(value)', min: 'min(value)', max: 'max(value)', sum: 'sum(value)', last: 'last(value)' } as const;
const ROLLUP_AGG = { mean: 'sum("sum") / sum("count")', min: 'min("min")', max: 'max("max")', sum: 'sum("sum")', last: 'last("last")' } as const;

/**
 * Telemetry in InfluxDB. One measurement, `readings`, tagged by `node` and `metric` (series
 * cardinality = nodes × metrics, bounded by the registry) with one float field `value`, time in ms. A
 * reading written again lands on the same series and time, so it stays one point. Hourly rollups
 * (mean, min, max, sum, last, count) live in a second retention policy and answer hour-or-coarser
 * bucket queries, so long ranges stay fast after raw data has expired.
 */
export class InfluxTelemetryStore implements TelemetryStore {
  readonly kind = 'influxdb';
  readonly #http: InfluxHttp;
  readonly #options: InfluxStoreOptions;
  readonly #log: Logger;
  readonly rollups: InfluxRollups;
  #batchesInFlight = 0;
  /** Present when the cloud manages the database and retention policies. */
  readonly #schema: InfluxSchemaKeeper | undefined;
  /** Points InfluxDB refused for good (type conflicts, beyond retention): logged and counted, not retried. */
  refusedWrites = 0;
  /**
   * Why InfluxDB refused the last batch written, when it answered with an error (a full disk, write
   * rights taken away): reads and /ping still work then, so only this tells that no batch gets stored.
   */
  #writesRefused: string | undefined;

  private constructor(options: InfluxStoreOptions, log: Logger) {
    this.#options = options;
    this.#http = new InfluxHttp(options);
    this.#log = log;
    this.rollups = new InfluxRollups(this.#http, options.retention, log);
    if (options.manageSchema) this.#schema = new InfluxSchemaKeeper(this.#http, options.retention, options.username, log);
  }

  /** Opens the store, preparing the database when it manages it (see InfluxSchemaKeeper). */
  static async open(options: InfluxStoreOptions, log: Logger): Promise<InfluxTelemetryStore> {
    const store = new InfluxTelemetryStore(options, log);
    await store.#schema?.start();
    store.rollups.start();
    return store;
  }

  async write(readings: readonly Reading[], source?: ReadingSource): Promise<void> {
    // A gateway's heartbeat (acks and health, no readings) goes through while InfluxDB is away.
    if (readings.length === 0) return;
    this.#schema?.check();
    // Beside other batches in flight InfluxDB's cores are busy already: parts would only cost it more.
    const parts = this.#batchesInFlight > 0 ? 1 : Math.ceil(readings.length / PART_READINGS);
    this.#batchesInFlight++;
    try {
      this.rollups.touched(await this.#writeParts(readings, source, parts));
      this.#writesRefused = undefined;
    } catch (err) {
      // A server that does not answer is for ping() to find; one that answers and refuses, only a write finds.
      this.#writesRefused = err instanceof HttpError ? errorText(err) : undefined;
      throw err;
    } finally {
      this.#batchesInFlight--;
    }
  }

  /** Writes the readings in `parts` requests; returns the hours they touched, worked out meanwhile. */
  async #writeParts(readings: readonly Reading[], source: ReadingSource | undefined, parts: number): Promise<HoursTouched> {
    const size = Math.ceil(readings.length / parts);
    const writes: Promise<void>[] = [];
    for (let from = 0; from < readings.length; from += size) {
      const to = Math.min(from + size, readings.length);
      // Timestamps go over the wire in the precision we write with (ms), never as a Date.
      const lines = source ? sourceToLineProtocol(MEASUREMENT, source, from, to) : readingsToLineProtocol(MEASUREMENT, readings.slice(from, to));
      const written = this.#writePart(lines, to - from);
      written.catch(() => {}); // answered by Promise.all below; this only stops Node calling it unhandled meanwhile
      writes.push(written);
      // The HTTP client sends on the next tick: let this part leave, so InfluxDB works on it while the next is built.
      await new Promise<void>((resolve) => process.nextTick(resolve));
    }
    const hours = hoursTouched(readings);
    // Acknowledged only when every part is stored; a batch sent again rewrites the same points.
    await Promise.all(writes);
    return hours;
  }

  async #writePart(lines: string | Uint8Array, readings: number): Promise<void> {
    try {
      await this.#http.write(lines, this.#options.retention.raw.name);
    } catch (err) {
      if (!(err instanceof InfluxPartialWrite)) throw err;
      // The good points are stored; the rest would be refused forever, so the batch must not be retried.
      this.refusedWrites++;
      this.#log.error({ err: err.message, readings }, 'InfluxDB refused some points of a batch; the rest are stored');
    }
  }

  async query(q: SeriesQuery): Promise<Series[]> {
    return this.#reading(() => this.#query(q));
  }

  async #query(q: SeriesQuery): Promise<Series[]> {
    const where = [`time >= ${Math.trunc(q.from)}ms`, `time < ${Math.trunc(q.to)}ms`];
    if (q.nodes?.length) where.push(`(${q.nodes.map((n) => `node = ${quote(n)}`).join(' OR ')})`);
    if (q.metrics?.length) where.push(`(${q.metrics.map((m) => `metric = ${quote(m)}`).join(' OR ')})`);
    const db = `"${this.#http.database}"`;
    let sql: string;
    if (q.every && q.every % HOUR === 0) {
      await this.rollups.flush(q.from, q.to);
      const rp = `"${this.#options.retention.rollup.name}"`;
      sql = `SELECT ${ROLLUP_AGG[q.agg ?? 'mean']} AS value FROM ${db}.${rp}."${ROLLUP_MEASUREMENT}" WHERE ${where.join(' AND ')} GROUP BY time(${q.every}ms), node, metric fill(none)`;
    } else if (q.every) {
      sql = `SELECT ${RAW_AGG[q.agg ?? 'mean']} AS value FROM ${db}.${this.#rawPolicy()}."${MEASUREMENT}" WHERE ${where.join(' AND ')} GROUP BY time(${q.every}ms), node, metric fill(none)`;
    } else {
      sql = `SELECT value FROM ${db}.${this.#rawPolicy()}."${MEASUREMENT}" WHERE ${where.join(' AND ')} GROUP BY node, metric`;
    }
    return toSeries(await this.#http.query(sql));
  }

  async latest(nodes?: readonly string[]): Promise<LatestValue[]> {
    return this.#reading(() => this.#latest(nodes));
  }

  async #latest(nodes?: readonly string[]): Promise<LatestValue[]> {
    const filter = nodes?.length ? `WHERE (${nodes.map((n) => `node = ${quote(n)}`).join(' OR ')})` : '';
    const [result] = await this.#http.query(`SELECT last(value) AS value FROM ${this.#rawPolicy()}."${MEASUREMENT}" ${filter} GROUP BY node, metric`);
    return toSeries([result ?? {}]).map((s) => ({ node: s.node, metric: s.metric, ts: s.points[0]![0], value: s.points[0]![1] }));
  }

  async ping(): Promise<void> {
    this.#schema?.check();
    try {
      await this.#http.ping();
    } catch (err) {
      throw new Error(`InfluxDB at ${this.#options.url} does not answer: ${errorText(err)}`);
    }
    // /ping asks for no credentials. Reading the last second of raw data checks them, the database and
    // its retention policy the way every read does; a changed password then shows here, not only as 503s.
    const from = `"${this.#http.database}".${this.#rawPolicy()}`;
    try {
      await this.#http.query(`SELECT value FROM ${from}."${MEASUREMENT}" WHERE time > now() - 1s LIMIT 1`);
    } catch (err) {
      throw new Error(`InfluxDB at ${this.#options.url} answers, but will not let the cloud read ${from}: ${errorText(err)}`);
    }
    if (this.#writesRefused) throw new Error(`InfluxDB at ${this.#options.url} answers, but refused the last batch written: ${this.#writesRefused}`);
  }

  async close(): Promise<void> {
    this.#schema?.stop();
    await this.rollups.stop();
  }

  /**
   * Runs a read; a failure is the store being unavailable (503), except a query InfluxDB answers 400:
   * one it cannot run is the cloud's own fault.
   */
  async #reading<T>(read: () => Promise<T>): Promise<T> {
    this.#schema?.check();
    try {
      return await read();
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 400) throw err;
      throw new StoreUnavailable(`InfluxDB at ${this.#options.url}: ${errorText(err)}`, { cause: err });
    }
  }

  #rawPolicy(): string {
    return `"${this.#options.retention.raw.name}"`;
  }
}

/** InfluxQL results to series sorted by node then metric, as every store returns them. */
function toSeries(results: QueryResult[]): Series[] {
  const series: Series[] = [];
  for (const s of results[0]?.series ?? []) {
    const node = s.tags?.node ?? '';
    const metric = s.tags?.metric ?? '';
    const points = s.values.filter((v) => v[1] !== null).map((v) => [Number(v[0]), Number(v[1])] as [number, number]);
    if (points.length) series.push({ node, metric, unit: metricUnit(metric), points });
  }
  return series.sort((a, b) => (a.node === b.node ? (a.metric < b.metric ? -1 : 1) : a.node < b.node ? -1 : 1));
}
