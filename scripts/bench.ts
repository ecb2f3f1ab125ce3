#!/usr/bin/env node
/**
 * `npm run bench`: measures what PRODUCT.md sets figures for, each beside a bare baseline measured
 * in the same run on the same machine, and prints one table. Not a test: it asserts nothing.
 */
import { Aedes } from 'aedes';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Reading } from '@ruong/shared';
import { startInfluxd } from '../cloud/test/influxd.ts';
import { readingToValveLatency } from './bench/latency.ts';
import { ADMIN, BATCH_READINGS, gatewayToken, ingestRateOf, startCloud } from './bench/cloud.ts';
import { influxIngestRates } from './bench/influx-ingest.ts';
import { cpuMs, freePort, rssBytes, runPublishers, start, writeJson, type Proc } from './bench/processes.ts';

const gzipAsync = promisify(gzip);
const NODES = 4;
const MESSAGES = Number(process.env.RUONG_BENCH_MESSAGES ?? 10_000); // per node, 4 readings each
const OUTAGE_MESSAGES = Number(process.env.RUONG_BENCH_OUTAGE_MESSAGES ?? 25_000);
const READINGS_PER_MESSAGE = 4;
/** The paced part of the outage: messages a second (4 readings each) and for how long. */
const PACED_PER_SECOND = 250;
const PACED_SECONDS = Number(process.env.RUONG_BENCH_OUTAGE_SECONDS ?? 30);
const dir = mkdtempSync(join(tmpdir(), 'ruong-bench-'));
const rows: [string, string, string, string, string][] = [];
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const MB = 1024 * 1024;
/** The memory settings of the systemd unit in docs/deployment.md, so the gateway is measured as it runs on a Pi. */
const GATEWAY_ENV = { MALLOC_ARENA_MAX: '2', NODE_OPTIONS: '--max-semi-space-size=2' + (process.env.RUONG_BENCH_PROF ? ' --cpu-prof --cpu-prof-dir=' + process.env.RUONG_BENCH_PROF : '') };

type Cloud = Awaited<ReturnType<typeof startCloud>>;

const nodes = Array.from({ length: NODES }, (_, i) => ({ id: `bench-${i}`, secret: `bench-secret-${i}` }));

async function metricsCount(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(text.match(/^ruong_ingest_readings_total (\d+)/m)?.[1] ?? 0);
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function startGateway(name: string, cloudUrl: string, token: string): Promise<{ proc: Proc; mqttUrl: string; dataDir: string }> {
  const mqttPort = await freePort();
  const dataDir = join(dir, name);
  const config = writeJson(join(dir, `${name}.json`), {
    gatewayId: name,
    dataDir,
    logLevel: 'warn',
    // Uploads as deployed (the defaults), but for short retries: the outage phase times the drain, not a backoff.
    cloud: { url: cloudUrl, token, retryMinMs: 200, retryMaxMs: 1000 },
    mqtt: { mode: 'embedded', host: '127.0.0.1', port: mqttPort },
    nodes: Object.fromEntries(nodes.map((n) => [n.id, { secret: n.secret }])),
  });
  // Measured as deployed: the bundle from `npm run build`.
  const proc = start('gateway/dist/cli.js', ['--config', config], { RUONG_LOG_LEVEL: 'info', ...GATEWAY_ENV });
  await proc.log('gateway started');
  return { proc, mqttUrl: `mqtt://127.0.0.1:${mqttPort}`, dataDir };
}

async function bareBrokerRate(total: number): Promise<number> {
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  let received = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((r) => (done = r));
  broker.on('publish', (_p, client) => {
    if (client && ++received === total) done();
  });
  const t0 = performance.now();
  await Promise.all([runPublishers(`mqtt://127.0.0.1:${port}`, nodes, MESSAGES, Date.UTC(2026, 0, 1)), all]);
  const seconds = (performance.now() - t0) / 1000;
  await new Promise<void>((r) => broker.close(() => r()));
  server.close();
  return total / seconds;
}

/** Loads 30 days of one-minute soil moisture for one node, then times the hourly chart query. */
async function chartQueryMs(url: string): Promise<number> {
  const from = Date.UTC(2026, 5, 1);
  const token = await gatewayToken(url, `gw-chart`);
  const all = Array.from({ length: 30 * 1440 }, (_, i) => ({ node: 'chart-1', metric: 'soil_moisture', value: 30 + Math.sin(i / 500) * 5, ts: from + i * 60_000 }));
  for (let i = 0; i < all.length; i += 5000) {
    const res = await fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ batchId: `chart-${i}`, readings: all.slice(i, i + 5000) }),
    });
    if (res.status !== 200) throw new Error(`chart load answered ${res.status}`);
  }
  const q = `${url}/api/v1/readings?node=chart-1&metric=soil_moisture&from=${from}&to=${from + 30 * 86_400_000}&every=1h&agg=mean`;
  const times: number[] = [];
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    const res = await fetch(q, { headers: { Authorization: `Bearer ${ADMIN}` } });
    const body = (await res.json()) as { series: { points: unknown[] }[] };
    if (body.series[0]?.points.length !== 720) throw new Error(`chart query gave ${body.series[0]?.points.length} points`);
    if (i > 0) times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const phase = (name: string) => console.error(`bench: ${name}…`);

/** 1. Gateway throughput against a bare aedes broker receiving the same messages. */
async function gatewayPhase(cloud: Cloud): Promise<void> {
  phase('gateway throughput');
  const messages = NODES * MESSAGES;
  const readings = messages * READINGS_PER_MESSAGE;
  const bare = await bareBrokerRate(messages);
  const gw = await startGateway('gw-bench', cloud.url, await gatewayToken(cloud.url, 'gw-bench'));
  const pid = gw.proc.child.pid!;
  await new Promise((r) => setTimeout(r, 1000)); // let start-up settle before reading idle RSS
  const idleRss = rssBytes(pid);
  let peakRss = idleRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssBytes(pid))), 100);
  const cpu0 = cpuMs(pid);
  const t0 = performance.now();
  await runPublishers(gw.mqttUrl, nodes, MESSAGES, Date.UTC(2026, 0, 2));
  await until(async () => (await metricsCount(cloud.url)) >= readings, 120_000, 'the cloud to acknowledge every reading');
  const seconds = (performance.now() - t0) / 1000;
  const cpuPerReadingUs = ((cpuMs(pid) - cpu0) * 1000) / readings;
  clearInterval(sampler);
  await gw.proc.stop();
  const gwRate = readings / seconds;
  rows.push(['Gateway: MQTT in → outbox → cloud ack', `${fmt(gwRate)} readings/s`, `${fmt(bare * READINGS_PER_MESSAGE)} readings/s (bare aedes)`, `${fmt(gwRate / (bare * READINGS_PER_MESSAGE), 2)}×`, '≥ 0.5×']);
  rows.push(['Gateway: CPU per reading', `${fmt(cpuPerReadingUs, 1)} µs`, '', '', '≤ 20 µs']);
  rows.push(['Gateway: RSS idle / peak under load', `${fmt(idleRss / MB, 1)} / ${fmt(peakRss / MB, 1)} MB`, '', '', 'idle < 80 MB']);
}

/** 2. Outage: the cloud unreachable while readings pile up on disk; then it comes back (a new cloud, returned). */
async function outagePhase(cloud: Cloud, cloudDir: string): Promise<Cloud> {
  phase('outage');
  const outagePort = await freePort();
  const outageToken = await gatewayToken(cloud.url, 'gw-outage');
  const og = await startGateway('gw-outage', `http://127.0.0.1:${outagePort}`, outageToken);
  const opid = og.proc.child.pid!;
  await new Promise((r) => setTimeout(r, 1000));
  // A flood first (the backlog grows as fast as it can), then a long outage at a field's pace: memory
  // must stay flat while the backlog grows on disk.
  await runPublishers(og.mqttUrl, nodes, OUTAGE_MESSAGES, Date.UTC(2026, 1, 1));
  const floodRss = rssBytes(opid);
  const paced = PACED_SECONDS * PACED_PER_SECOND;
  const warmUp = Math.ceil(paced / NODES / 2);
  await runPublishers(og.mqttUrl, nodes, warmUp, Date.UTC(2026, 1, 2), { perSecond: PACED_PER_SECOND, firstSeq: OUTAGE_MESSAGES });
  const rssBefore = rssBytes(opid);
  let outagePeak = rssBefore;
  const outageSampler = setInterval(() => (outagePeak = Math.max(outagePeak, rssBytes(opid))), 100);
  await runPublishers(og.mqttUrl, nodes, Math.ceil(paced / NODES), Date.UTC(2026, 1, 3), { perSecond: PACED_PER_SECOND, firstSeq: OUTAGE_MESSAGES + warmUp });
  clearInterval(outageSampler);
  const backlog = NODES * (OUTAGE_MESSAGES + warmUp + Math.ceil(paced / NODES)) * READINGS_PER_MESSAGE;
  const file = join(og.dataDir, 'outbox.db');
  const wal = (() => { try { return statSync(`${file}-wal`).size; } catch { return 0; } })();
  const bytesPerReading = (statSync(file).size + wal) / backlog;
  const weekBytes = bytesPerReading * 7 * 86_400 * 100;
  await cloud.proc.stop();
  cloud = await startCloud(cloudDir, outagePort);
  const d0 = performance.now();
  await until(async () => (await metricsCount(cloud.url)) >= backlog, 300_000, 'the backlog to drain');
  const drainRate = backlog / ((performance.now() - d0) / 1000);
  await og.proc.stop();
  rows.push([
    'Outage: RSS growth while the backlog grows on disk',
    `+${fmt((outagePeak - rssBefore) / MB, 1)} MB over ${PACED_SECONDS} s at ${fmt(PACED_PER_SECOND * READINGS_PER_MESSAGE)} readings/s`,
    `${fmt(rssBefore / MB, 1)} MB before; ${fmt(floodRss / MB, 1)} MB after a ${fmt(NODES * OUTAGE_MESSAGES * READINGS_PER_MESSAGE)}-reading flood`,
    '',
    '≤ +10 MB',
  ]);
  rows.push(['Outage: outbox size, 7 days × 100 readings/s', `${fmt(weekBytes / 1024 ** 3, 2)} GiB (${fmt(bytesPerReading, 1)} B/reading)`, '', '', '≤ 4 GiB']);
  rows.push(['Outage: drain after the link returns', `${fmt(drainRate)} readings/s (${fmt(drainRate / 100, 0)}× real time)`, '100 readings/s real time', '', '≥ 10×']);

  return cloud;
}

/** 3. Cloud ingest into the embedded store against bare SQLite inserts of the same rows; charts; reading to valve. */
async function cloudPhase(cloud: Cloud, data: Reading[][]): Promise<void> {
  phase('cloud ingest, charts, reading to valve');
  const db = new DatabaseSync(join(dir, 'bare.db'));
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  db.exec('CREATE TABLE readings (node TEXT NOT NULL, metric TEXT NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (node, metric, ts)) WITHOUT ROWID');
  const insert = db.prepare('INSERT INTO readings (node, metric, ts, value) VALUES (?, ?, ?, ?)');
  const s0 = performance.now();
  for (const batch of data) {
    db.exec('BEGIN');
    for (const r of batch) insert.run(r.node, r.metric, r.ts, r.value);
    db.exec('COMMIT');
  }
  const sqliteRate = (data.length * BATCH_READINGS) / ((performance.now() - s0) / 1000);
  db.close();
  const bodies = await Promise.all(data.map((readings, b) => gzipAsync(JSON.stringify({ batchId: `bench-${b}`, readings }))));
  const ingestRate = await ingestRateOf(cloud.url, await gatewayToken(cloud.url, 'gw-ingest'), bodies);
  rows.push(['Cloud: ingest API → embedded SQLite', `${fmt(ingestRate)} readings/s`, `${fmt(sqliteRate)} rows/s (bare SQLite insert)`, `${fmt(ingestRate / sqliteRate, 2)}×`, '≥ 0.3×']);
  rows.push(['Charts: 30-day hourly query, embedded SQLite', `${fmt(await chartQueryMs(cloud.url), 1)} ms (median of 20)`, '', '', '< 100 ms']);
  const runs = Number(process.env.RUONG_BENCH_LATENCY_RUNS ?? 100);
  const latency = await readingToValveLatency(dir, cloud.url, ADMIN, await gatewayToken(cloud.url, 'gw-latency'), runs);
  rows.push(['Reading to valve (threshold crossed → valve node has the command)', `p50 ${fmt(latency.p50, 1)} ms, p99 ${fmt(latency.p99, 1)} ms (${runs} runs)`, '', '', 'p50 < 100 ms, p99 < 1 s']);
}

async function influxPhase(data: Reading[][]): Promise<void> {
  phase('InfluxDB');
  // 4. Cloud ingest into InfluxDB against the same points posted to the same influxd as line protocol.
  const influxd = await startInfluxd();
  try {
    for (const db of ['direct', 'forwarded']) await influxd.query(`CREATE DATABASE ${db}`);
    const influxCloud = await startCloud(join(dir, 'cloud-influx'), await freePort(), {
      RUONG_TELEMETRY_STORE: 'influxdb',
      RUONG_INFLUX_URL: influxd.url,
      RUONG_INFLUX_DATABASE: 'ruong',
      RUONG_INFLUX_RAW_RETENTION: 'INF',
    });
    // Single rounds swing from 0.4× to 2× as influxd's cache snapshots and compactions land in one path or
    // the other; nine give a steadier median.
    const rounds = Number(process.env.RUONG_BENCH_INFLUX_ROUNDS ?? 9);
    const rates = await influxIngestRates({
      dir,
      influxUrl: influxd.url,
      influxdPid: influxd.pid()!,
      cloudUrl: influxCloud.url,
      cloudPid: influxCloud.proc.child.pid!,
      token: await gatewayToken(influxCloud.url, 'gw-influx'),
      batches: data,
      senders: [1, 4],
      rounds,
    });
    for (const r of rates) {
      rows.push([
        `Cloud: ingest API → InfluxDB 1.6, ${r.senders} sender${r.senders > 1 ? 's' : ''}`,
        `${fmt(r.api)} readings/s`,
        `${fmt(r.direct)} points/s (line protocol to /write)`,
        `${fmt(r.api / r.direct, 2)}× (rounds ${r.ratios.map((x) => fmt(x, 2)).join(', ')})`,
        '≥ 0.8×',
      ]);
      rows.push([
        `  ceiling: a bare Node forwarder, ${r.senders} sender${r.senders > 1 ? 's' : ''}`,
        `${fmt(r.forwarded)} readings/s, ${fmt(r.cpu.forwarder, 2)} µs CPU per reading`,
        'receives, inflates, forwards prepared line protocol',
        `${fmt(r.forwarded / r.direct, 2)}×`,
        '',
      ]);
      rows.push([
        `  CPU per reading, ${r.senders} sender${r.senders > 1 ? 's' : ''}`,
        `cloud ${fmt(r.cpu.cloud, 2)} µs + influxd ${fmt(r.cpu.influxdViaApi, 2)} µs`,
        `influxd ${fmt(r.cpu.influxdDirect, 2)} µs`,
        '',
        '',
      ]);
    }
    rows.push(['Charts: 30-day hourly query, InfluxDB rollups', `${fmt(await chartQueryMs(influxCloud.url), 1)} ms (median of 20)`, '', '', '< 100 ms']);
    await influxCloud.proc.stop();
  } finally {
    await influxd.dispose();
  }
}

async function main(): Promise<void> {
  const only = process.env.RUONG_BENCH_ONLY?.split(',');
  const runs = (name: string) => !only || only.includes(name);
  const cloudDir = join(dir, 'cloud');
  let cloud = await startCloud(cloudDir, await freePort());
  console.error(`bench: ${NODES} MQTT publishers × ${MESSAGES} messages × ${READINGS_PER_MESSAGE} readings, QoS 1, loopback; gateway env ${JSON.stringify(GATEWAY_ENV)}`);
  if (runs('gateway')) await gatewayPhase(cloud);
  if (runs('outage')) cloud = await outagePhase(cloud, cloudDir);
  // The batches both ingest measures send: 40 × 5000 soil readings from 50 nodes, a second apart.
  const data = Array.from({ length: 40 }, (_, b) =>
    Array.from({ length: BATCH_READINGS }, (_, i) => ({ node: `n${i % 50}`, metric: 'soil_moisture', value: (i % 90) + 0.5, ts: Date.UTC(2026, 3, 1) + (b * BATCH_READINGS + i) * 1000 })),
  );
  if (runs('cloud')) await cloudPhase(cloud, data);
  await cloud.proc.stop();
  if (runs('influxdb')) await influxPhase(data);

  const header: [string, string, string, string, string] = ['measure', 'Ruộng', 'baseline (same run)', 'ratio', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});
