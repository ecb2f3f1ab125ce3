#!/usr/bin/env node
/**
 * `npm start`: the whole platform on one machine with embedded defaults — the cloud, a gateway and a
 * simulated farm (two serial nodes on socat ptys, three MQTT nodes) — as separate processes talking
 * over real HTTP, MQTT and ttys. Ctrl-C stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { freePort, portFree } from './free-port.ts';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = resolve(import.meta.dirname, '..');
const dataDir = resolve(process.env.RUONG_DATA_DIR ?? join(root, '.ruong-data'));
const logDir = join(dataDir, 'logs');
const ptyDir = join(dataDir, 'tty');
mkdirSync(logDir, { recursive: true });
mkdirSync(ptyDir, { recursive: true });

const say = (line: string) => process.stdout.write(`${line}\n`);
const GATEWAY_ID = 'demo-gw';
const MQTT_NODES = [
  { id: 'soil-11', zone: 'ruong-bac', kind: 'soil' },
  { id: 'soil-12', zone: 'ruong-nam', kind: 'soil' },
  { id: 'weather-01', zone: 'ruong-bac', kind: 'weather' },
] as const;
const VALVES = [
  { id: 'valve-01', zone: 'ruong-bac' },
  { id: 'valve-02', zone: 'ruong-nam' },
] as const;
const SERIAL_NODES = [
  { id: 'soil-01', zone: 'ruong-bac', kind: 'soil' },
  { id: 'soil-02', zone: 'ruong-nam', kind: 'soil' },
] as const;

/** A secret kept in the data folder, so restarts reuse it. */
function persistedSecret(name: string, prefix: string): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = `${prefix}_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}



const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;
// However npm start ends, it leaves no program of the platform running without it: a crash (its output
// piped into a `head` that has gone, say) asks each to stop on the way out, as Ctrl-C would.
process.once('exit', () => {
  for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
});

/** Starts a program of the platform, its log lines going to .ruong-data/logs/<name>.log. */
function run(name: string, script: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [join(root, script), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  children.push({ name, child });
  child.once('exit', (code, signal) => {
    if (stopping) return;
    say(`${name} stopped unexpectedly (${signal ?? `exit ${code}`}); see ${join(logDir, `${name}.log`)}`);
    void stopAll(1);
  });
  return child;
}

/** Resolves with the first log entry of `child` whose msg is `msg`. */
function waitForLog(child: ChildProcess, msg: string): Promise<Record<string, unknown>> {
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.msg === msg) resolvePromise(entry);
      } catch {
        // not a log line; it is in the log file all the same
      }
    });
    child.once('exit', () => reject(new Error(`exited before "${msg}"`)));
  });
}

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('Stopping…');
    // The farm first, then the gateway (it commits its outbox), then the cloud.
    for (const { child } of [...children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    say('Stopped.');
  }
  process.exit(code);
}

/** The demo cooperative's registry: one farm, one field, two zones with a valve each, and a rule on the first. */
async function registerDemoFarm(cloudUrl: string, auth: Record<string, string>): Promise<void> {
  const put = async (path: string, body: object) => {
    const res = await fetch(`${cloudUrl}${path}`, { method: 'PUT', headers: auth, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`PUT ${path}: ${res.status} ${await res.text()}`);
  };
  await put('/api/v1/cooperatives/htx-demo', { name: 'HTX Ruộng (demo)' });
  await put('/api/v1/farms/htx-demo', { name: 'Trại Ruộng (demo)', cooperativeId: 'htx-demo', latitude: 10.03, longitude: 105.78 });
  await put('/api/v1/fields/ruong-1', { farmId: 'htx-demo', name: 'Ruộng 1', areaHa: 1.5 });
  await put('/api/v1/zones/ruong-bac', { fieldId: 'ruong-1', name: 'Ruộng bắc', sensors: ['soil-01', 'soil-11'], weather: ['weather-01'], valve: 'valve-01', flowLpm: 120 });
  await put('/api/v1/zones/ruong-nam', { fieldId: 'ruong-1', name: 'Ruộng nam', sensors: ['soil-02', 'soil-12'], weather: ['weather-01'], valve: 'valve-02', flowLpm: 120 });
  await put('/api/v1/rules/bac-threshold', {
    zoneId: 'ruong-bac',
    mode: { type: 'threshold', startBelow: 25, stopAbove: 32, windowMin: 15 },
    rainSkip: { hours: 24, mm: 5 },
    cooldownMin: 60,
    maxRunMin: 45,
    dailyBudget: { minutes: 90 },
  });
}

/** The demo cooperative's people: a staff member and a farmer of the demo farm. */
const DEMO_PEOPLE = [
  { username: 'canbo', name: 'Cán bộ HTX', role: 'staff', farms: [] },
  { username: 'nongdan', name: 'Nông dân Ba', role: 'farmer', farms: ['htx-demo'], language: 'vi' },
] as const;

async function registerDemoPeople(cloudUrl: string, auth: Record<string, string>, password: string): Promise<void> {
  for (const { username, ...person } of DEMO_PEOPLE) {
    const res = await fetch(`${cloudUrl}/api/v1/users/${username}`, { method: 'PUT', headers: auth, body: JSON.stringify({ ...person, cooperativeId: 'htx-demo', password }) });
    if (!res.ok) throw new Error(`PUT /api/v1/users/${username}: ${res.status} ${await res.text()}`);
  }
}

async function main(): Promise<void> {
  // Ctrl-C, a kill, or the terminal closing (SIGHUP): the same orderly stop.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stopAll(0));
  const adminToken = process.env.RUONG_ADMIN_TOKEN ?? persistedSecret('admin-token', 'radm');

  const cloud = run('cloud', 'cloud/src/cli.ts', [], { RUONG_DATA_DIR: join(dataDir, 'cloud'), RUONG_ADMIN_TOKEN: adminToken });
  const listening = await waitForLog(cloud, 'cloud listening');
  const cloudUrl = String(listening.url);
  if (process.env.RUONG_PORT === undefined && !cloudUrl.endsWith(':8080')) say(`Port 8080 is taken; the cloud uses ${cloudUrl} instead.`);

  const auth = { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' };
  await registerDemoFarm(cloudUrl, auth);
  let res = await fetch(`${cloudUrl}/api/v1/gateways`, { method: 'POST', headers: auth, body: JSON.stringify({ id: GATEWAY_ID, name: 'Demo gateway', farmId: 'htx-demo' }) });
  if (res.status === 409) res = await fetch(`${cloudUrl}/api/v1/gateways/${GATEWAY_ID}/token`, { method: 'POST', headers: auth });
  if (!res.ok) throw new Error(`could not register the demo gateway: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };

  let mqttPort = 1883;
  if (!(await portFree(mqttPort))) {
    mqttPort = await freePort();
    say(`MQTT port 1883 is taken (another broker is running); the gateway's broker uses ${mqttPort} instead.`);
  }
  const secrets = Object.fromEntries([...MQTT_NODES, ...VALVES].map((n) => [n.id, persistedSecret(`node-${n.id}.secret`, 'rnode')]));
  const gatewayConfig = {
    gatewayId: GATEWAY_ID,
    dataDir: join(dataDir, 'gateway'),
    cloud: { url: cloudUrl, token },
    serial: SERIAL_NODES.map((n) => ({ path: join(ptyDir, `${n.id}.gw`) })),
    mqtt: { mode: 'embedded', host: '127.0.0.1', port: mqttPort },
    nodes: Object.fromEntries([
      ...MQTT_NODES.map((n) => [n.id, { secret: secrets[n.id] }]),
      ...VALVES.map((v) => [v.id, { secret: secrets[v.id], kind: 'valve' }]),
    ]),
  };
  writeFileSync(join(dataDir, 'gateway.json'), JSON.stringify(gatewayConfig, null, 2), { mode: 0o600 });
  // The gateway runs as it is deployed: the bundle `npm install` builds (npm run build).
  const gateway = run('gateway', 'gateway/dist/cli.js', ['--config', join(dataDir, 'gateway.json')]);
  await waitForLog(gateway, 'gateway started');

  // A day of history replayed in about a minute, then the farm runs live; RUONG_SIM_SPEED instead runs it fast throughout.
  const simConfig = {
    seed: 7,
    ...(process.env.RUONG_SIM_SPEED
      ? { speed: Number(process.env.RUONG_SIM_SPEED) }
      : { historyHours: Number(process.env.RUONG_SIM_HISTORY_HOURS ?? 24), speed: Number(process.env.RUONG_SIM_HISTORY_SPEED ?? 1440) }),
    zones: ['ruong-bac', 'ruong-nam'],
    intervalSec: 10,
    ptyDir,
    serial: SERIAL_NODES,
    mqtt: {
      url: `mqtt://127.0.0.1:${mqttPort}`,
      nodes: MQTT_NODES.map((n) => ({ ...n, secret: secrets[n.id] })),
      valves: VALVES.map((v) => ({ ...v, secret: secrets[v.id] })),
    },
  };
  writeFileSync(join(dataDir, 'sim.json'), JSON.stringify(simConfig, null, 2), { mode: 0o600 });
  const sim = run('sim', 'firmware-sim/src/cli.ts', ['--config', join(dataDir, 'sim.json')]);
  await waitForLog(sim, 'simulation running');

  const demoPassword = process.env.RUONG_DEMO_PASSWORD ?? persistedSecret('demo-password', 'ruong');
  await registerDemoPeople(cloudUrl, auth, demoPassword);

  say('');
  say('Ruộng is running.');
  say(`  Dashboard:    ${cloudUrl}/`);
  say(`  Sign in as:   ${DEMO_PEOPLE.map((p) => `${p.username} (${p.role})`).join(', ')}; password ${demoPassword}`);
  say(`  Admin token:  ${adminToken}`);
  say(`  API:          ${cloudUrl}/api/v1/openapi.json`);
  say(`  Farm:         ${SERIAL_NODES.length} serial nodes on ptys, ${MQTT_NODES.length} MQTT nodes and ${VALVES.length} valves on mqtt://127.0.0.1:${mqttPort}`);
  say(`  Logs:         ${logDir}`);
  say(`  Try:          curl -H 'Authorization: Bearer ${adminToken}' ${cloudUrl}/api/v1/nodes`);
  say('Press Ctrl-C to stop.');
}

main().catch((err: Error) => {
  say(`npm start failed: ${err.message}`);
  void stopAll(1);
});
