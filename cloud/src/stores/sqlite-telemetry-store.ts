import type { Reading, Series } from '@ruong/shared';
import { metricUnit } from '@ruong/shared';
import type { StatementSync } from 'node:sqlite';
import { SqliteStore, transaction } from './sqlite.ts';
import type { LatestValue, SeriesQuery, TelemetryStore } from './telemetry-store.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS readings (
  node TEXT NOT NULL, metric TEXT NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL,
  PRIMARY KEY (node, metric, ts)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS latest (
  node TEXT NOT NULL, metric TEXT NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL,
  PRIMARY KEY (node, metric)
) WITHOUT ROWID;
`;

const AGG_SQL = { mean: 'avg(value)', min: 'min(value)', max: 'max(value)', sum: 'sum(value)', last: 'value' } as const;

type Row = { node: string; metric: string; t: number; value: number };

/** The embedded telemetry store: one SQLite file, no server to run. */
export class SqliteTelemetryStore extends SqliteStore implements TelemetryStore {
  readonly kind = 'sqlite';
  readonly #insert: StatementSync;
  readonly #upsertLatest: StatementSync;
  /** Why the last batch written failed (a full disk, say), which a read cannot show: until one is stored again. */
  #writesRefused: string | undefined;

  constructor(file: string) {
    super(file, SCHEMA);
    this.#insert = this.sql(
      'INSERT INTO readings (node, metric, ts, value) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value',
    );
    this.#upsertLatest = this.sql(
      `INSERT INTO latest (node, metric, ts, value) VALUES (?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET ts = excluded.ts, value = excluded.value WHERE excluded.ts >= latest.ts`,
    );
  }

  async write(readings: readonly Reading[]): Promise<void> {
    // Only the newest reading of each series in the batch can move `latest`. Node, then metric: a key
    // made of both would be a new string to build and hash for every reading.
    const newest = new Map<string, Map<string, Reading>>();
    for (const r of readings) {
      let byMetric = newest.get(r.node);
      if (!byMetric) newest.set(r.node, (byMetric = new Map()));
      const seen = byMetric.get(r.metric);
      if (!seen || r.ts >= seen.ts) byMetric.set(r.metric, r);
    }
    try {
      transaction(this.db, () => {
        for (const r of readings) this.#insert.run(r.node, r.metric, r.ts, r.value);
        for (const byMetric of newest.values()) for (const r of byMetric.values()) this.#upsertLatest.run(r.node, r.metric, r.ts, r.value);
      });
    } catch (err) {
      this.#writesRefused = (err as Error).message;
      throw err;
    }
    this.#writesRefused = undefined;
  }

  async query(q: SeriesQuery): Promise<Series[]> {
    const where = ['ts >= ?', 'ts < ?'];
    const params: (string | number)[] = [q.from, q.to];
    if (q.nodes?.length) {
      where.push(`node IN (${q.nodes.map(() => '?').join(',')})`);
      params.push(...q.nodes);
    }
    if (q.metrics?.length) {
      where.push(`metric IN (${q.metrics.map(() => '?').join(',')})`);
      params.push(...q.metrics);
    }
    let sql: string;
    if (q.every) {
      const every = Math.trunc(q.every);
      const agg = q.agg ?? 'mean';
      // For `last`, SQLite returns the bare `value` column from the row holding max(ts).
      const lastTs = agg === 'last' ? ', max(ts) AS lastTs' : '';
      sql = `SELECT node, metric, (ts / ${every}) * ${every} AS t, ${AGG_SQL[agg]} AS value${lastTs}
             FROM readings WHERE ${where.join(' AND ')} GROUP BY node, metric, t ORDER BY node, metric, t`;
    } else {
      sql = `SELECT node, metric, ts AS t, value FROM readings WHERE ${where.join(' AND ')} ORDER BY node, metric, ts`;
    }
    const rows = this.sql(sql).all(...params) as Row[];
    const series: Series[] = [];
    let current: Series | undefined;
    for (const row of rows) {
      if (!current || current.node !== row.node || current.metric !== row.metric) {
        current = { node: row.node, metric: row.metric, unit: metricUnit(row.metric), points: [] };
        series.push(current);
      }
      current.points.push([row.t, row.value]);
    }
    return series;
  }

  async latest(nodes?: readonly string[]): Promise<LatestValue[]> {
    const filter = nodes?.length ? `WHERE node IN (${nodes.map(() => '?').join(',')})` : '';
    const sql = `SELECT node, metric, ts, value FROM latest ${filter} ORDER BY node, metric`;
    return this.sql(sql).all(...(nodes ?? [])) as LatestValue[];
  }

  /** Readings in key order (node, metric, time), `limit` of them from just after `after`: the store a page at a time. */
  readingsAfter(after: Pick<Reading, 'node' | 'metric' | 'ts'> | undefined, limit: number): Reading[] {
    const rows = after
      ? this.sql('SELECT node, metric, value, ts FROM readings WHERE (node, metric, ts) > (?, ?, ?) ORDER BY node, metric, ts LIMIT ?').all(after.node, after.metric, after.ts, limit)
      : this.sql('SELECT node, metric, value, ts FROM readings ORDER BY node, metric, ts LIMIT ?').all(limit);
    return rows as Reading[];
  }

  count(): number {
    return Number((this.sql('SELECT count(*) AS n FROM readings').get() as { n: number }).n);
  }

  async ping(): Promise<void> {
    this.sql('SELECT 1').get();
    if (this.#writesRefused) throw new Error(`SQLite refused the last batch written: ${this.#writesRefused}`);
  }

  override async close(): Promise<void> {
    super.close();
  }
}
