/**
 * `ruong-cloud copy-telemetry`, run as an operator moving a cloud from the embedded store to InfluxDB
 * would: the embedded store's history, and its hourly rollups, in a real influxd.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteTelemetryStore } from '../src/stores/sqlite-telemetry-store.ts';
import { ruongCloud as cli } from './cloud-cli.ts';
import { startInfluxd, type Influxd } from './influxd.ts';

const T0 = Date.UTC(2026, 5, 1);
const STEP = 10 * 60_000;
/** Per node and metric: more readings in all than one page of the copy holds. */
const EACH = 1000;

describe('ruong-cloud copy-telemetry', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ruong-copy-'));
  let influxd: Influxd;
  let env: Record<string, string>;
  const series = ['soil-a', 'soil-b', 'soil-c'].flatMap((node) => ['soil_moisture', 'soil_temperature'].map((metric) => ({ node, metric })));
  const valueOf = (s: number, i: number) => 10 + s + (i % 37) / 4;

  beforeAll(async () => {
    const store = new SqliteTelemetryStore(join(dataDir, 'telemetry.db'));
    await store.write(series.flatMap((s, k) => Array.from({ length: EACH }, (_, i) => ({ ...s, value: valueOf(k, i), ts: T0 + i * STEP }))));
    await store.close();
    influxd = await startInfluxd();
    env = { RUONG_DATA_DIR: dataDir, RUONG_TELEMETRY_STORE: 'influxdb', RUONG_INFLUX_URL: influxd.url, RUONG_INFLUX_DATABASE: 'moved', RUONG_INFLUX_RAW_RETENTION: 'INF' };
  }, 60_000);
  afterAll(async () => {
    await influxd?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const counts = async () => {
    const res = await influxd.query('SELECT count(value) FROM raw.readings GROUP BY node, metric', 'moved');
    return Object.fromEntries((res.results[0].series ?? []).map((s: { tags: { node: string; metric: string }; values: number[][] }) => [`${s.tags.node}/${s.tags.metric}`, s.values[0]![1]]));
  };

  it('copies every reading, with the hourly rollups of the hours it copied, and copies them once however often it runs', async () => {
    const all = series.length * EACH;
    for (let pass = 0; pass < 2; pass++) {
      const { code, stdout } = await cli(env, 'copy-telemetry');
      expect(code).toBe(0);
      expect(stdout).toBe(`copied ${all} readings from ${join(dataDir, 'telemetry.db')} to InfluxDB ${influxd.url}, database "moved"\n`);
      expect(await counts()).toEqual(Object.fromEntries(series.map((s) => [`${s.node}/${s.metric}`, EACH])));
    }
    const one = await influxd.query(`SELECT value FROM raw.readings WHERE node = 'soil-b' AND metric = 'soil_temperature' AND time = ${T0 + 500 * STEP}ms`, 'moved');
    expect(one.results[0].series[0].values).toEqual([[T0 + 500 * STEP, valueOf(3, 500)]]);
    // Each hour holds six readings of a series; every one of them is in a rollup.
    const rollups = await influxd.query(`SELECT sum("count"), count("count") FROM rollup_1h.readings_1h WHERE node = 'soil-c' AND metric = 'soil_moisture'`, 'moved');
    expect(rollups.results[0].series[0].values[0].slice(1)).toEqual([EACH, Math.ceil(EACH / 6)]);
  }, 60_000);

  it('says what to set when the cloud is not configured for InfluxDB, and copies nothing', async () => {
    const { code, stderr } = await cli({ RUONG_DATA_DIR: dataDir, RUONG_TELEMETRY_STORE: 'sqlite' }, 'copy-telemetry');
    expect(code).toBe(2);
    expect(stderr).toBe('ruong-cloud: copy-telemetry copies the embedded store into InfluxDB: set RUONG_TELEMETRY_STORE=influxdb and the RUONG_INFLUX_* settings (docs/deployment.md)\n');
  });

  it('says in one line what the InfluxDB user may not do, as the cloud would', async () => {
    const locked = await startInfluxd({ auth: true });
    try {
      await locked.query("CREATE USER admin WITH PASSWORD 'admin-pass' WITH ALL PRIVILEGES");
      await locked.query("CREATE USER farmer WITH PASSWORD 'farmer-pass'", undefined, 'admin:admin-pass');
      const { code, stdout, stderr } = await cli({ ...env, RUONG_INFLUX_URL: locked.url, RUONG_INFLUX_USERNAME: 'farmer', RUONG_INFLUX_PASSWORD: 'farmer-pass' }, 'copy-telemetry');
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^ruong-cloud: InfluxDB user "farmer" may not manage database "moved" .*run these yourself and set RUONG_INFLUX_MANAGE_SCHEMA=false: CREATE DATABASE "moved"; CREATE RETENTION POLICY "raw" ON "moved" DURATION INF REPLICATION 1 DEFAULT; CREATE RETENTION POLICY "rollup_1h" ON "moved" DURATION INF REPLICATION 1\n$/);
      expect(stderr.split('\n')).toHaveLength(2);
    } finally {
      await locked.dispose();
    }
  }, 60_000);

  it('says so, and how to go on, when InfluxDB does not answer', async () => {
    await influxd.stop();
    try {
      const { code, stderr } = await cli({ ...env, RUONG_INFLUX_TIMEOUT_MS: '1000' }, 'copy-telemetry');
      expect(code).toBe(2);
      expect(stderr).toMatch(/^ruong-cloud: copy stopped after 0 of 6000 readings: .*; run it again once InfluxDB answers/m);
    } finally {
      await influxd.start();
    }
  }, 30_000);
});
