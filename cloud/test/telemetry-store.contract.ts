import type { Reading } from '@ruong/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelemetryStore } from '../src/stores/telemetry-store.ts';

const T0 = Date.UTC(2026, 10, 1); // 2026-11-01, a bucket boundary for every width used here
const MIN = 60_000;
const HOUR = 60 * MIN;

function r(node: string, metric: string, minute: number, value: number): Reading {
  return { node, metric, ts: T0 + minute * MIN, value };
}

/**
 * The behaviour every telemetry store adapter must have. Each adapter's test file calls this with a
 * factory for a fresh, empty store; nothing here knows which adapter it talks to.
 */
export function telemetryStoreContract(name: string, open: () => Promise<TelemetryStore>): void {
  describe(`TelemetryStore contract: ${name}`, () => {
    let store: TelemetryStore;
    beforeAll(async () => {
      store = await open();
      await store.write([
        r('soil-01', 'soil_moisture', 0, 30),
        r('soil-01', 'soil_moisture', 10, 32),
        r('soil-01', 'soil_moisture', 70, 20),
        r('soil-01', 'soil_moisture', 130, 25.5),
        r('soil-01', 'battery_voltage', 5, 3.7),
        r('soil-02', 'soil_moisture', 20, 40),
        r('weather-1', 'rainfall', 1, 1.5),
        r('weather-1', 'rainfall', 2, 2.5),
        r('weather-1', 'rainfall', 65, 0.25),
      ]);
    });
    afterAll(async () => store.close());

    it('answers ping when it can take writes', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('reads raw points of one series in time order, with its unit', async () => {
      const series = await store.query({ nodes: ['soil-01'], metrics: ['soil_moisture'], from: T0, to: T0 + 3 * HOUR });
      expect(series).toEqual([
        {
          node: 'soil-01',
          metric: 'soil_moisture',
          unit: '%VWC',
          points: [
            [T0, 30],
            [T0 + 10 * MIN, 32],
            [T0 + 70 * MIN, 20],
            [T0 + 130 * MIN, 25.5],
          ],
        },
      ]);
    });

    it('treats from as inclusive and to as exclusive', async () => {
      const series = await store.query({ nodes: ['soil-01'], metrics: ['soil_moisture'], from: T0 + 10 * MIN, to: T0 + 70 * MIN });
      expect(series[0]?.points).toEqual([[T0 + 10 * MIN, 32]]);
    });

    it('filters by several nodes and metrics, sorted by node then metric', async () => {
      const all = await store.query({ from: T0, to: T0 + 3 * HOUR });
      expect(all.map((s) => `${s.node}/${s.metric}`)).toEqual([
        'soil-01/battery_voltage',
        'soil-01/soil_moisture',
        'soil-02/soil_moisture',
        'weather-1/rainfall',
      ]);
      const some = await store.query({ nodes: ['soil-02', 'weather-1'], metrics: ['soil_moisture'], from: T0, to: T0 + 3 * HOUR });
      expect(some.map((s) => s.node)).toEqual(['soil-02']);
      expect(await store.query({ nodes: ['nobody'], from: T0, to: T0 + HOUR })).toEqual([]);
    });

    it.each([
      ['mean', [[T0, 31], [T0 + HOUR, 20], [T0 + 2 * HOUR, 25.5]]],
      ['min', [[T0, 30], [T0 + HOUR, 20], [T0 + 2 * HOUR, 25.5]]],
      ['max', [[T0, 32], [T0 + HOUR, 20], [T0 + 2 * HOUR, 25.5]]],
      ['last', [[T0, 32], [T0 + HOUR, 20], [T0 + 2 * HOUR, 25.5]]],
      ['sum', [[T0, 62], [T0 + HOUR, 20], [T0 + 2 * HOUR, 25.5]]],
    ] as const)('aggregates into hourly buckets with %s', async (agg, points) => {
      const series = await store.query({ nodes: ['soil-01'], metrics: ['soil_moisture'], from: T0, to: T0 + 3 * HOUR, every: HOUR, agg });
      expect(series).toHaveLength(1);
      expect(series[0]!.points).toEqual(points);
    });

    it('sums rain per day', async () => {
      const series = await store.query({ nodes: ['weather-1'], metrics: ['rainfall'], from: T0, to: T0 + 24 * HOUR, every: 24 * HOUR, agg: 'sum' });
      expect(series[0]!.points).toEqual([[T0, 4.25]]);
    });

    it('keeps one point when the same reading is written again', async () => {
      await store.write([r('dup-1', 'rssi', 0, -70), r('dup-1', 'rssi', 1, -71)]);
      await store.write([r('dup-1', 'rssi', 0, -70), r('dup-1', 'rssi', 1, -71)]);
      const series = await store.query({ nodes: ['dup-1'], from: T0, to: T0 + HOUR });
      expect(series[0]!.points).toEqual([[T0, -70], [T0 + MIN, -71]]);
    });

    it('knows the latest value of every node and metric, whatever order writes came in', async () => {
      await store.write([r('late-1', 'soil_moisture', 50, 11), r('late-1', 'soil_moisture', 40, 12)]);
      await store.write([r('late-1', 'soil_moisture', 45, 13)]);
      const latest = await store.latest(['late-1', 'soil-01']);
      expect(latest).toEqual([
        { node: 'late-1', metric: 'soil_moisture', value: 11, ts: T0 + 50 * MIN },
        { node: 'soil-01', metric: 'battery_voltage', value: 3.7, ts: T0 + 5 * MIN },
        { node: 'soil-01', metric: 'soil_moisture', value: 25.5, ts: T0 + 130 * MIN },
      ]);
      const everyone = await store.latest();
      expect(everyone.map((l) => l.node)).toContain('weather-1');
    });
  });
}
