import type { Aggregate, Reading, ReadingSource, Series } from '@ruong/shared';

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

/** The store is down, too slow, or refuses the cloud: the same request may well succeed later (503). */
export class StoreUnavailable extends Error {}

/** How long to wait before trying an unavailable store again: the Retry-After clients get. */
export const STORE_RETRY_AFTER_SEC = 5;

/**
 * Where telemetry lives. Writing is idempotent by (node, metric, ts): the same reading written twice
 * is one point, the later value winning, exactly as InfluxDB treats series + timestamp.
 */
export interface TelemetryStore {
  readonly kind: string;
  /**
   * `source`, when given, is where these readings sit in the JSON they arrived in: a store may copy
   * their text from it instead of formatting the readings again.
   */
  write(readings: readonly Reading[], source?: ReadingSource): Promise<void>;
  /** Series sorted by node then metric, points by time; bucket points carry the bucket's start. */
  query(q: SeriesQuery): Promise<Series[]>;
  latest(nodes?: readonly string[]): Promise<LatestValue[]>;
  /** Resolves when the store can take writes; rejects with the reason when it cannot. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
