import type { Reading } from '@ruong/shared';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxTelemetryStore } from '../src/stores/influx-telemetry-store.ts';
import { waitUntil } from '../../gateway/test/helpers.ts';
import { influxOptions, startInfluxd, type Influxd } from './influxd.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 1);

describe('InfluxDB hourly rollups', () => {
  let influxd: Influxd;
  let store: InfluxTelemetryStore;
  beforeAll(async () => {
    influxd = await startInfluxd();
    store = await InfluxTelemetryStore.open(influxOptions(influxd.url, 'rollups'), pino({ level: 'silent' }));
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await influxd?.dispose();
  });

  it('answer a 30-day hourly query from rollups with the results raw data gives', async () => {
    // A month of one-minute soil moisture from two nodes, written as a gateway would: batches, out of order.
    const readings: Reading[] = [];
    for (let i = 0; i < 30 * 1440; i++) {
      for (const node of ['soil-r1', 'soil-r2']) {
        readings.push({ node, metric: 'soil_moisture', value: Math.round((30 + 8 * Math.sin(i / 700) + (node === 'soil-r2' ? 5 : 0)) * 100) / 100, ts: T0 + i * MIN });
      }
    }
    const batches: Reading[][] = [];
    for (let i = 0; i < readings.length; i += 5000) batches.push(readings.slice(i, i + 5000));
    for (const b of batches.reverse()) await store.write(b);

    const range = { nodes: ['soil-r1', 'soil-r2'], metrics: ['soil_moisture'], from: T0, to: T0 + 30 * DAY };
    for (const agg of ['mean', 'min', 'max', 'sum', 'last'] as const) {
      const fromRollups = await store.query({ ...range, every: 3_600_000, agg });
      const fn = { mean: 'mean', min: 'min', max: 'max', sum: 'sum', last: 'last' }[agg];
      const raw = await influxd.query(
        `SELECT ${fn}(value) FROM raw.readings WHERE time >= ${T0}ms AND time < ${T0 + 30 * DAY}ms GROUP BY time(1h), node, metric fill(none)`,
        'rollups',
      );
      const expected = (raw.results[0].series as { tags: { node: string }; values: [number, number][] }[]).map((s) => [s.tags.node, s.values]);
      expect(fromRollups.map((s) => s.points.length)).toEqual([720, 720]);
      fromRollups.forEach((s, i) => {
        expect(s.node).toBe(expected[i]![0]);
        const want = expected[i]![1] as [number, number][];
        s.points.forEach(([t, v], j) => {
          expect(t).toBe(want[j]![0]);
          expect(v).toBeCloseTo(want[j]![1], 6);
        });
      });
    }
    // Coarser buckets come from the same rollups: a daily mean weighs every reading equally.
    const daily = await store.query({ ...range, nodes: ['soil-r1'], every: DAY, agg: 'mean' });
    const rawDaily = await influxd.query(`SELECT mean(value) FROM raw.readings WHERE node = 'soil-r1' AND time >= ${T0}ms AND time < ${T0 + 30 * DAY}ms GROUP BY time(1d) fill(none)`, 'rollups');
    daily[0]!.points.forEach(([, v], j) => expect(v).toBeCloseTo(rawDaily.results[0].series[0].values[j][1], 6));

    // Proof that the hourly query reads the rollups: with raw data gone, it answers the same.
    const before = await store.query({ ...range, every: 3_600_000, agg: 'mean' });
    await influxd.query('DROP SERIES FROM "readings"', 'rollups');
    expect(await store.query({ ...range, from: T0, to: T0 + DAY })).toEqual([]);
    expect(await store.query({ ...range, every: 3_600_000, agg: 'mean' })).toEqual(before);
  });

  it('recompute an hour when late readings arrive for it', async () => {
    const hour = T0 + 40 * DAY;
    await store.write([{ node: 'late-r', metric: 'rainfall', value: 1, ts: hour + MIN }]);
    expect((await store.query({ nodes: ['late-r'], from: hour, to: hour + 3_600_000, every: 3_600_000, agg: 'sum' }))[0]!.points).toEqual([[hour, 1]]);
    await store.write([{ node: 'late-r', metric: 'rainfall', value: 2.5, ts: hour + 30 * MIN }]);
    expect((await store.query({ nodes: ['late-r'], from: hour, to: hour + 3_600_000, every: 3_600_000, agg: 'sum' }))[0]!.points).toEqual([[hour, 3.5]]);
  });
});

describe('InfluxDB hourly rollups of a cloud started before InfluxDB', () => {
  it('heal the last day once InfluxDB answers', async () => {
    const influxd = await startInfluxd();
    const options = influxOptions(influxd.url, 'healing');
    try {
      await (await InfluxTelemetryStore.open(options, pino({ level: 'silent' }))).close();
      // Readings of the last hour in raw data without their rollups, as a crash between the two leaves them.
      const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
      const lines = Array.from({ length: 6 }, (_, i) => `readings,metric=soil_moisture,node=soil-heal value=${30 + i} ${hour + i * MIN}`).join('\n');
      expect((await fetch(`${influxd.url}/write?db=healing&rp=raw&precision=ms`, { method: 'POST', body: lines })).status).toBe(204);
      await influxd.stop();

      const logs: { level: number; msg: string }[] = [];
      const store = await InfluxTelemetryStore.open(options, pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) }));
      try {
        // Every minute's pass fails meanwhile; the log says so once.
        await expect(store.rollups.flush(-Infinity, Infinity)).rejects.toThrow();
        await expect(store.rollups.flush(-Infinity, Infinity)).rejects.toThrow();
        expect(logs.filter((l) => l.msg.startsWith('hourly rollups')).map((l) => [l.level, l.msg])).toEqual([[40, 'hourly rollups failed; until it recovers, each failure is logged at debug']]);
        await influxd.start();
        await waitUntil('the store has prepared InfluxDB', () => store.ping().then(() => true, () => false), { timeoutMs: 15_000, pollMs: 200 });
        await store.rollups.flush(-Infinity, Infinity);
        const rollup = await influxd.query(`SELECT "count", "mean" FROM rollup_1h.readings_1h WHERE node = 'soil-heal'`, 'healing');
        expect(rollup.results[0].series[0].values).toEqual([[hour, 6, 32.5]]);
        expect(logs.filter((l) => l.msg === 'hourly rollups are computed again')).toHaveLength(1);
      } finally {
        await store.close();
      }
    } finally {
      await influxd.dispose();
    }
  }, 40_000);
});
