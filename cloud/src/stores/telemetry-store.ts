import type { Aggregate, Reading, Series } from '@ruong/shared';

export type SeriesQuery = {
  nodes?: string[] | undefined;
  metrics?: string[] | undefined;
  from: number;
  /** Exclusive end, epoch ms. */
  to: number;
  /** Bucket width in ms; buckets start at multiples of it since the epoch. */
  every?: number | undefined;
  agg?: Aggregate | undefined;
};

export type LatestValue = { node: string; metric: string; value: number; ts: number };

/**
 * Where telemetry lives. Writing is idempotent by (node, metric, ts): the same reading written twice
 * is one point, the later value winning, exactly as InfluxDB treats series + timestamp.
 */
export interface TelemetryStore {
  readonly kind: string;
  write(readings: readonly Reading[]): Promise<void>;
  /** Series sorted by node then metric, points by time; bucket points carry the bucket's start. */
  query(q: SeriesQuery): Promise<Series[]>;
  latest(nodes?: readonly string[]): Promise<LatestValue[]>;
  /** Resolves when the store can take writes; rejects with the reason when it cannot. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
