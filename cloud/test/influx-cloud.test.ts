import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { influxOptions, startInfluxd, type Influxd } from './influxd.ts';
import { ADMIN_TOKEN, startTestCloud, type TestCloud } from './test-cloud.ts';
import { InfluxTelemetryStore } from '../src/stores/influx-telemetry-store.ts';
import pino from 'pino';

const T0 = Date.UTC(2026, 10, 20);
const reading = (node: string, i: number, ts = T0 + i * 60_000) => ({ node, metric: 'soil_moisture', value: 20 + i, ts });

function influxEnv(url: string, database: string, raw = 'INF'): Record<string, string> {
  return { RUONG_TELEMETRY_STORE: 'influxdb', RUONG_INFLUX_URL: url, RUONG_INFLUX_DATABASE: database, RUONG_INFLUX_RAW_RETENTION: raw, RUONG_INFLUX_TIMEOUT_MS: '2000' };
}

describe('cloud configured for InfluxDB', () => {
  let influxd: Influxd;
  let cloud: TestCloud;
  let token: string;
  /** The cloud's log lines, from debug up. */
  const logs: { level: number; msg: string }[] = [];
  const post = (batch: object) =>
    fetch(`${cloud.url}/api/v1/ingest`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(batch) });

  beforeAll(async () => {
    influxd = await startInfluxd();
    cloud = await startTestCloud({ env: influxEnv(influxd.url, 'cloudtest'), log: pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) }) });
    token = await cloud.registerGateway('gw-influx');
  }, 60_000);
  afterAll(async () => {
    await cloud?.stop();
    await influxd?.dispose();
  });

  it('created its database and retention policies at start', async () => {
    const rps = await influxd.query('SHOW RETENTION POLICIES ON cloudtest');
    const rows = rps.results[0].series[0].values as [string, string, string, number, boolean][];
    expect(rows.find((r) => r[0] === 'raw')?.[4]).toBe(true);
    expect(rows.map((r) => r[0])).toContain('rollup_1h');
    expect(await (await fetch(`${cloud.url}/healthz`)).json()).toEqual({ status: 'ok', telemetryStore: { kind: 'influxdb', ok: true } });
  });

  it('stores the same batch sent twice as one set of points', async () => {
    const batch = { batchId: 'influx-twice', readings: [reading('soil-i1', 0), reading('soil-i1', 1), reading('soil-i2', 0)] };
    expect(await (await post(batch)).json()).toMatchObject({ accepted: 3, duplicate: false });
    expect(await (await post(batch)).json()).toMatchObject({ accepted: 3, duplicate: true });
    // Even past the ledger (a second cloud instance, say), the points keep their identity.
    await cloud.deps.telemetry.write(batch.readings);
    const count = await influxd.query(`SELECT count(value) FROM raw.readings WHERE node = 'soil-i1' OR node = 'soil-i2' GROUP BY node`, 'cloudtest');
    expect(count.results[0].series.map((s: { values: number[][] }) => s.values[0]![1])).toEqual([2, 1]);
    const read = await cloud.get(`/api/v1/readings?node=soil-i1&from=${T0}`);
    expect(await read.json()).toEqual({ series: [{ node: 'soil-i1', metric: 'soil_moisture', unit: '%VWC', points: [[T0, 20], [T0 + 60_000, 21]] }] });
  });

  it('stores each value as JSON reads it, however the number is written and whichever way the batch is parsed', async () => {
    // The gateway's own compact form is copied into line protocol as written; a batch with spaces takes JSON.parse.
    const values = ['25.60', '1E+2', '-0.0', '1e-7', '0.30000000000000004', '12345678901234567', '-3'];
    const bodies = [
      `{"batchId":"influx-numbers","readings":[${values.map((v, i) => `{"node":"soil-num","metric":"custom_n${i}","value":${v},"ts":${T0 + i}}`).join(',')}]}`,
      `{ "batchId": "influx-numbers-spaced", "readings": [${values.map((v, i) => `{ "ts": ${T0 + i}, "value": ${v}, "metric": "custom_n${i}", "node": "soil-num2" }`).join(', ')}] }`,
    ];
    for (const body of bodies) {
      const res = await fetch(`${cloud.url}/api/v1/ingest`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body });
      expect(await res.json()).toMatchObject({ accepted: values.length, duplicate: false });
    }
    for (const node of ['soil-num', 'soil-num2']) {
      const { series } = (await (await cloud.get(`/api/v1/readings?node=${node}&from=${T0}`)).json()) as { series: { metric: string; points: [number, number][] }[] };
      // `+ 0`: JSON has no -0 to answer with.
      expect(series.map((s) => [s.metric, s.points])).toEqual(values.map((v, i) => [`custom_n${i}`, [[T0 + i, Number(v) + 0]]]));
    }
  });

  it('stores a batch of thousands of readings whole, whichever way it is parsed, though it is written in parts', async () => {
    const readings = (node: string) => Array.from({ length: 6001 }, (_, i) => ({ node, metric: 'soil_moisture', value: i % 100, ts: T0 + i * 1000 }));
    const compact = JSON.stringify({ batchId: 'influx-many', readings: readings('soil-many') });
    const spaced = JSON.stringify({ batchId: 'influx-many-spaced', readings: readings('soil-many2') }, null, 1);
    for (const body of [compact, spaced]) {
      const res = await fetch(`${cloud.url}/api/v1/ingest`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body });
      expect(await res.json()).toMatchObject({ accepted: 6001, duplicate: false });
    }
    const count = await influxd.query(`SELECT count(value), sum(value) FROM raw.readings WHERE node = 'soil-many' OR node = 'soil-many2' GROUP BY node`, 'cloudtest');
    const sum = readings('x').reduce((n, r) => n + r.value, 0);
    expect(count.results[0].series.map((s: { values: number[][] }) => s.values[0]!.slice(1))).toEqual([[6001, sum], [6001, sum]]);
  });

  it('writes a large batch in parts while InfluxDB has nothing else to do, and whole beside another batch', async () => {
    const store = await InfluxTelemetryStore.open(influxOptions(influxd.url, 'partstest'), pino({ level: 'silent' }));
    const writeRequests = async () => {
      const [httpd] = (await influxd.query(`SHOW STATS FOR 'httpd'`)).results[0].series as { columns: string[]; values: number[][] }[];
      return httpd!.values[0]![httpd!.columns.indexOf('writeReq')]!;
    };
    const batch = (node: string) => Array.from({ length: 6001 }, (_, i) => ({ node, metric: 'soil_moisture', value: i % 100, ts: T0 + i * 1000 }));
    try {
      const before = await writeRequests();
      await store.write(batch('alone'));
      const afterAlone = await writeRequests();
      expect(afterAlone - before).toBe(3);
      await Promise.all([store.write(batch('first')), store.write(batch('beside'))]);
      expect((await writeRequests()) - afterAlone).toBe(3 + 1);
      const count = await influxd.query('SELECT count(value) FROM raw.readings GROUP BY node', 'partstest');
      expect(count.results[0].series.map((s: { tags: { node: string }; values: number[][] }) => [s.tags.node, s.values[0]![1]])).toEqual([['alone', 6001], ['beside', 6001], ['first', 6001]]);
    } finally {
      await store.close();
    }
  });

  it('answers 503 with Retry-After while InfluxDB is down, reports it in /healthz, and takes the batch once it is back', async () => {
    logs.length = 0;
    await influxd.stop();
    const batch = { batchId: 'influx-down', readings: [reading('soil-i3', 0)] };
    const refused = await post(batch);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ error: { code: 'store_unavailable' } });
    const health = await fetch(`${cloud.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'degraded', telemetryStore: { kind: 'influxdb', ok: false } });
    // Reads say the same, with when to try again, rather than "internal error".
    for (const path of ['/api/v1/nodes', `/api/v1/readings?node=soil-i3&metric=soil_moisture&from=${T0}`]) {
      const read = await fetch(`${cloud.url}${path}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(read.status).toBe(503);
      expect(read.headers.get('retry-after')).toBe('5');
      expect(((await read.json()) as { error: { code: string; message: string } }).error).toMatchObject({
        code: 'store_unavailable',
        message: expect.stringMatching(new RegExp(`^telemetry store is unavailable: InfluxDB at ${influxd.url}: .*ECONNREFUSED`)),
      });
    }

    expect((await post(batch)).status).toBe(503);
    // One warning for the outage, not one per refused batch or read; those are at debug.
    const outage = logs.filter((l) => l.msg.startsWith('telemetry store'));
    expect(outage.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(['telemetry store refused a batch; until it recovers, each failure is logged at debug']);
    expect(outage.filter((l) => l.level === 20)).toHaveLength(3);

    await influxd.start();
    const accepted = await post(batch);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ accepted: 1, duplicate: false });
    expect(logs.filter((l) => l.msg === 'telemetry store answers again')).toHaveLength(1);
    expect(await (await fetch(`${cloud.url}/healthz`)).json()).toMatchObject({ status: 'ok' });
  });

  it('answers 503 within its timeout while InfluxDB hangs, and a batch InfluxDB took meanwhile, sent again, stays one set of points', async () => {
    const batch = { batchId: 'influx-hung', readings: [reading('soil-hung', 0), reading('soil-hung', 1)] };
    // Frozen, influxd still accepts connections (the kernel does) but answers nothing: a slow server at its worst.
    process.kill(influxd.pid()!, 'SIGSTOP');
    try {
      const sent = Date.now();
      const refused = await post(batch);
      expect(refused.status).toBe(503);
      expect(Date.now() - sent).toBeLessThan(4_500); // RUONG_INFLUX_TIMEOUT_MS is 2 s
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('store_unavailable');
    } finally {
      process.kill(influxd.pid()!, 'SIGCONT');
    }
    // Thawed, influxd may still store the write it had received; the gateway sends the batch again all the same.
    expect(await (await post(batch)).json()).toMatchObject({ accepted: 2, duplicate: false });
    const count = await influxd.query(`SELECT count(value) FROM raw.readings WHERE node = 'soil-hung'`, 'cloudtest');
    expect(count.results[0].series[0].values[0][1]).toBe(2);
  });

  it('stores the good points of a batch InfluxDB partly refuses, and does not ask for it again', async () => {
    const shortCloud = await startTestCloud({ env: { ...influxEnv(influxd.url, 'shortraw', '1h'), RUONG_INFLUX_ROLLUP_RETENTION: '1h' } });
    const shortToken = await shortCloud.registerGateway('gw-short');
    const now = Date.now();
    const res = await fetch(`${shortCloud.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${shortToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ batchId: 'partly', readings: [reading('soil-p', 0, now - 30 * 86_400_000), reading('soil-p', 1, now)] }),
    });
    expect(res.status).toBe(200);
    const stored = await influxd.query(`SELECT value FROM raw.readings WHERE node = 'soil-p'`, 'shortraw');
    expect((stored as { results: { series: { values: unknown }[] }[] }).results[0]!.series[0]!.values).toEqual([[now, 21]]);
    expect((shortCloud.deps.telemetry as InfluxTelemetryStore).refusedWrites).toBe(1);
    await shortCloud.stop();
  });
});

describe('cloud started before InfluxDB', () => {
  it('runs meanwhile, answering 503, and prepares the database once InfluxDB answers', async () => {
    const influxd = await startInfluxd();
    await influxd.stop();
    const cloud = await startTestCloud({ env: influxEnv(influxd.url, 'latecomer') });
    try {
      const token = await cloud.registerGateway('gw-late');
      const post = () =>
        fetch(`${cloud.url}/api/v1/ingest`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ batchId: 'late-1', readings: [reading('soil-late', 0)] }),
        });
      const refused = await post();
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      // The gateway reached the cloud even though its readings wait: it is in contact, not offline.
      const gateways = (await (await fetch(`${cloud.url}/api/v1/gateways`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { gateways: { id: string; lastContact: number | null }[] };
      expect(gateways.gateways.find((g) => g.id === 'gw-late')!.lastContact).toBeGreaterThan(0);
      // A heartbeat (no readings) still reaches the cloud: the gateway is in contact, only storage waits.
      const heartbeat = await fetch(`${cloud.url}/api/v1/ingest`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ batchId: 'late-heartbeat', readings: [] }),
      });
      expect(heartbeat.status).toBe(200);
      const health = (await (await fetch(`${cloud.url}/healthz`)).json()) as { telemetryStore: { error: string } };
      expect(health.telemetryStore.error).toMatch(/^InfluxDB does not answer, so database "latecomer" cannot be prepared yet: .*ECONNREFUSED/);

      await influxd.start();
      // Prepared within one retry (5 s) of InfluxDB answering.
      let health2 = 0;
      for (const deadline = Date.now() + 15_000; Date.now() < deadline && health2 !== 200; ) {
        health2 = (await fetch(`${cloud.url}/healthz`)).status;
        if (health2 !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(health2).toBe(200);
      expect((await post()).status).toBe(200);
      const stored = await influxd.query(`SELECT value FROM raw.readings WHERE node = 'soil-late'`, 'latecomer');
      expect((stored as { results: { series: { values: unknown }[] }[] }).results[0]!.series[0]!.values).toEqual([[T0, 20]]);
    } finally {
      await cloud.stop();
      await influxd.dispose();
    }
  }, 40_000);
});

describe('alerts while InfluxDB is down', () => {
  it('still raises what needs no readings, and keeps the alerts made from readings as they were', async () => {
    const influxd = await startInfluxd();
    const cloud = await startTestCloud({ env: { ...influxEnv(influxd.url, 'alerting'), RUONG_ALERT_CHECK_SEC: '3600', RUONG_ALERT_OFFLINE_MIN: '10' } });
    const admin = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
    const put = async (path: string, body: object) => expect((await fetch(`${cloud.url}${path}`, { method: 'PUT', headers: admin, body: JSON.stringify(body) })).status).toBe(200);
    const active = async () =>
      ((await (await cloud.get('/api/v1/alerts')).json()) as { alerts: { kind: string; subject: string; state: string }[] }).alerts
        .filter((a) => a.state !== 'cleared')
        .map((a) => `${a.kind} ${a.subject}`)
        .sort();
    try {
      await put('/api/v1/cooperatives/htx', { name: 'HTX' });
      await put('/api/v1/farms/f1', { name: 'F1', cooperativeId: 'htx' });
      await put('/api/v1/fields/f1-field', { farmId: 'f1', name: 'F1' });
      await put('/api/v1/zones/f1-zone', { fieldId: 'f1-field', name: 'F1', sensors: ['f1-soil'] });
      const token = await cloud.registerGateway('gw-alerting');
      const now = Date.now();
      const res = await fetch(`${cloud.url}/api/v1/ingest`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ batchId: 'alerting-1', readings: [{ node: 'f1-soil', metric: 'battery_voltage', value: 3.3, ts: now }] }),
      });
      expect(res.status).toBe(200);
      await cloud.monitor.check(now + 1000);
      expect(await active()).toEqual(['battery_low f1-soil']);

      await influxd.stop();
      // Eleven minutes on, nothing heard: the gateway is offline, and the low battery is not known to be fixed.
      await cloud.monitor.check(now + 11 * 60_000);
      expect(await active()).toEqual(['battery_low f1-soil', 'gateway_offline gw-alerting']);
    } finally {
      await cloud.stop();
      await influxd.dispose();
    }
  }, 40_000);
});

describe('InfluxDB permissions', () => {
  let influxd: Influxd;
  beforeAll(async () => {
    influxd = await startInfluxd({ auth: true });
    await influxd.query("CREATE USER admin WITH PASSWORD 'admin-pass' WITH ALL PRIVILEGES");
    await influxd.query("CREATE USER farmer WITH PASSWORD 'farmer-pass'", undefined, 'admin:admin-pass');
  }, 60_000);
  afterAll(async () => influxd?.dispose());

  it('says exactly what is missing when the user may not create the database', async () => {
    const options = { ...influxOptions(influxd.url, 'locked'), username: 'farmer', password: 'farmer-pass' };
    await expect(InfluxTelemetryStore.open(options, pino({ level: 'silent' }))).rejects.toThrow(
      /user "farmer" may not manage database "locked" .*grant it admin rights, or run these yourself and set RUONG_INFLUX_MANAGE_SCHEMA=false: CREATE DATABASE "locked"; CREATE RETENTION POLICY "raw" ON "locked" DURATION INF REPLICATION 1 DEFAULT; CREATE RETENTION POLICY "rollup_1h" ON "locked" DURATION INF REPLICATION 1$/,
    );
  });

  it('reports credentials InfluxDB refuses, and a user without read rights, as the store being down', async () => {
    const admin = await InfluxTelemetryStore.open({ ...influxOptions(influxd.url, 'guarded'), username: 'admin', password: 'admin-pass' }, pino({ level: 'silent' }));
    await expect(admin.ping()).resolves.toBeUndefined();
    await admin.close();
    // /ping itself answers anyone: these were reported healthy while every batch was refused.
    const as = async (username: string, password: string) => {
      const store = await InfluxTelemetryStore.open({ ...influxOptions(influxd.url, 'guarded'), manageSchema: false, username, password }, pino({ level: 'silent' }));
      const pinged = await store.ping().then(() => 'ok', (err: Error) => err.message);
      await store.close();
      return pinged;
    };
    expect(await as('admin', 'wrong-pass')).toBe(`InfluxDB at ${influxd.url} answers, but will not let the cloud read "guarded"."raw": 401: authorization failed`);
    expect(await as('farmer', 'farmer-pass')).toMatch(/will not let the cloud read "guarded"\."raw": 403: .*requires READ on guarded$/);
  });

  it('reports InfluxDB refusing writes while it still answers reads, until a batch is stored again', async () => {
    const admin = await InfluxTelemetryStore.open({ ...influxOptions(influxd.url, 'readonly'), username: 'admin', password: 'admin-pass' }, pino({ level: 'silent' }));
    await admin.close();
    await influxd.query("CREATE USER reader WITH PASSWORD 'reader-pass'", undefined, 'admin:admin-pass');
    await influxd.query('GRANT READ ON "readonly" TO "reader"', undefined, 'admin:admin-pass');
    const logs: { level: number; msg: string }[] = [];
    const env = { ...influxEnv(influxd.url, 'readonly'), RUONG_INFLUX_USERNAME: 'reader', RUONG_INFLUX_PASSWORD: 'reader-pass', RUONG_INFLUX_MANAGE_SCHEMA: 'false' };
    const cloud = await startTestCloud({ env, log: pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) }) });
    try {
      const token = await cloud.registerGateway('gw-reader');
      const post = () =>
        fetch(`${cloud.url}/api/v1/ingest`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ batchId: 'b1', readings: [reading('soil-r', 0)] }) });
      const health = async () => {
        const res = await fetch(`${cloud.url}/healthz`);
        return { status: res.status, error: ((await res.json()) as { telemetryStore: { error?: string } }).telemetryStore.error };
      };
      expect(await health()).toEqual({ status: 200 });

      expect((await post()).status).toBe(503);
      // Reads and /ping still work, so this was reported healthy, and each probe logged the store as back.
      const refused = `InfluxDB at ${influxd.url} answers, but refused the last batch written: 403: "reader" user is not authorized to write to database "readonly"`;
      expect(await health()).toEqual({ status: 503, error: refused });
      expect(await health()).toEqual({ status: 503, error: refused });
      expect(logs.filter((l) => l.msg === 'telemetry store answers again')).toEqual([]);

      // In 1.x a grant replaces the one before: ALL is read and write.
      await influxd.query('GRANT ALL ON "readonly" TO "reader"', undefined, 'admin:admin-pass');
      expect((await post()).status).toBe(200);
      expect(await health()).toEqual({ status: 200 });
      expect(logs.filter((l) => l.level >= 30 && l.msg.startsWith('telemetry store')).map((l) => l.msg)).toEqual([
        'telemetry store refused a batch; until it recovers, each failure is logged at debug',
        'telemetry store answers again',
      ]);
    } finally {
      await cloud.stop();
    }
  }, 30_000);

  it('works with a user that has the rights', async () => {
    const store = await InfluxTelemetryStore.open({ ...influxOptions(influxd.url, 'open'), username: 'admin', password: 'admin-pass' }, pino({ level: 'silent' }));
    await store.write([reading('soil-a', 0)]);
    expect((await store.latest(['soil-a']))[0]).toMatchObject({ value: 20 });
    await store.close();
  });
});
