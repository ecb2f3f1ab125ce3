import { Farm, FirmataBoard, MqttSensorNode, MqttValveNode, SimClock, createPtyPair, type PtyPair } from '@ruong/firmware-sim';
import { rmSync } from 'node:fs';
import type { Command, DecisionRecord } from '@ruong/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestCloud, type TestCloud } from '../../cloud/test/test-cloud.ts';
import type { Gateway } from '../src/gateway.ts';
import { startTestGateway, tempDir, waitUntil } from './helpers.ts';

const SECRET = 'loop-secret-1';
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };

describe('closed loop on an accelerated field: dry zone → rule opens the valve → moisture rises → valve closes', () => {
  let cloud: TestCloud;
  let gateway: Gateway;
  const nodes: { stop(): Promise<void> }[] = [];
  /** When the live rule opened the valve: the time of the newest reading it judged. */
  let openedAt = NaN;

  beforeAll(async () => {
    cloud = await startTestCloud();
    gateway = await startTestGateway({
      gatewayId: 'gw-loop',
      mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0 },
      nodes: { 'soil-c1': { secret: SECRET }, 'soil-c2': { secret: SECRET }, 'valve-c1': { secret: SECRET, kind: 'valve' } },
      cloud: { url: cloud.url, token: await cloud.registerGateway('gw-loop') },
    });
    const put = (path: string, body: object) => fetch(`${cloud.url}${path}`, { method: 'PUT', headers: auth, body: JSON.stringify(body) });
    expect((await put('/api/v1/zones/zone-1', { name: 'Ruộng bắc', sensors: ['soil-c1', 'soil-c2'], valve: 'valve-c1' })).status).toBe(200);
    const rule = await put('/api/v1/rules/dry-start', {
      zoneId: 'zone-1',
      mode: { type: 'threshold', startBelow: 25, stopAbove: 30, windowMin: 15 },
      cooldownMin: 0,
      maxRunMin: 240,
    });
    expect(await rule.json()).toMatchObject({ id: 'dry-start', version: 1 });
  });
  afterAll(async () => {
    for (const n of nodes) await n.stop();
    await gateway?.stop();
    await cloud?.stop();
  });

  it('waters the zone when it dries and stops at the stop threshold, through an MQTT valve node', async () => {
    // 08:00 in the Mekong delta when the devices start, however long the set-up took; an hour of field time passes each wall second.
    // This seed brings no rain for the first day and more, so only the valve can wet the zone.
    const farm = new Farm(new SimClock(Date.UTC(2026, 6, 10, 1), 3600), 9, ['zone-1']);
    farm.zone('zone-1').moisture = 25.6;
    const url = `mqtt://127.0.0.1:${gateway.broker!.port}`;
    const valve = new MqttValveNode({ id: 'valve-c1', secret: SECRET, brokerUrl: url, zone: 'zone-1', applicationMmPerHour: 30, flowLpm: 100, intervalMs: 300_000 }, farm);
    await valve.start();
    nodes.push(valve);
    for (const [i, id] of ['soil-c1', 'soil-c2'].entries()) {
      const n = new MqttSensorNode({ id, secret: SECRET, brokerUrl: url, kind: 'soil', zone: 'zone-1', intervalMs: 300_000, seed: 50 + i }, farm);
      await n.start();
      nodes.push(n);
    }
    const opened = new Promise<number>((resolve) => {
      const previous = valve.onCommand;
      valve.onCommand = (c) => {
        previous(c);
        if (c.action === 'valve.open') resolve(farm.zone('zone-1').moisture);
      };
    });
    const atOpen = await opened;
    expect(atOpen).toBeLessThan(25.5);
    const closed = new Promise<number>((resolve) => (valve.onCommand = (c) => c.action === 'valve.close' && resolve(farm.zone('zone-1').moisture)));
    const atClose = await closed;
    expect(atClose).toBeGreaterThanOrEqual(29.5);
    expect(valve.open).toBe(false);

    const { decisions } = (await (await cloud.get('/api/v1/decisions?zone=zone-1')).json()) as { decisions: DecisionRecord[] };
    const acted = decisions.filter((d) => d.action !== 'none').reverse();
    expect(acted.map((d) => d.action)).toEqual(['open', 'close']);
    expect(acted[0]!.reason).toMatch(/^moisture 2\d(\.\d\d?)?% < 25% over 15 min → open 240 min$/);
    expect(acted[1]!.reason).toMatch(/^moisture 3\d(\.\d\d?)?% ≥ 30% → close$/);
    expect(acted[0]).toMatchObject({ rule: 'dry-start', ruleVersion: 1 });
    openedAt = acted[0]!.at;
    await waitUntil('the cloud saw both commands done', async () => {
      const { commands } = (await (await cloud.get('/api/v1/commands?node=valve-c1')).json()) as { commands: Command[] };
      return commands.filter((c) => c.source === 'rule' && c.state === 'done').length === 2;
    });
  });

  it('replays the rule over the stored history (simulate) and finds the same open', async () => {
    const from = Date.UTC(2026, 6, 10, 1);
    // Steps that land on the live decision's own time, so the replay judges the very window the live rule
    // judged: the moisture only just crossed 25% there before the valve opened, and a window ending
    // minutes later already holds wetter readings.
    const replayFrom = openedAt - 12 * 5 * 60_000;
    const res = await fetch(`${cloud.url}/api/v1/rules/dry-start/simulate`, { method: 'POST', headers: auth, body: JSON.stringify({ from: String(replayFrom), to: String(openedAt + 60_000), stepMin: 5 }) });
    expect(res.status).toBe(200);
    const { decisions } = (await res.json()) as { decisions: DecisionRecord[] };
    const open = decisions.find((d) => d.action === 'open');
    expect(open?.reason).toMatch(/< 25% over 15 min → open 240 min/);
    expect(open!.at).toBeLessThanOrEqual(openedAt);
    const tighter = await fetch(`${cloud.url}/api/v1/rules/dry-start/simulate`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ from: String(from), to: String(from + 12 * 3_600_000), stepMin: 5, rule: { zoneId: 'zone-1', mode: { type: 'threshold', startBelow: 10, stopAbove: 30 } } }),
    });
    expect(((await tighter.json()) as { decisions: DecisionRecord[] }).decisions.filter((d) => d.action === 'open')).toEqual([]);
  });
});

describe('closed loop through a relay on an Arduino driven by johnny-five', () => {
  let cloud: TestCloud;
  let gateway: Gateway;
  let pty: PtyPair;
  let board: FirmataBoard;
  const dir = tempDir('loop-uno');
  const sensors: MqttSensorNode[] = [];
  let farm: Farm;

  beforeAll(async () => {
    cloud = await startTestCloud();
    // The field clock starts with the devices, so the morning does not pass while the cloud starts.
    farm = new Farm(new SimClock(Date.UTC(2026, 6, 11, 1), 3600), 14, ['zone-2']);
    pty = await createPtyPair(dir, 'uno');
    board = new FirmataBoard(pty.simPath, farm, [{ pin: 5, zone: 'zone-2', applicationMmPerHour: 30 }]);
    await board.start();
    gateway = await startTestGateway({
      gatewayId: 'gw-loop-uno',
      mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0 },
      nodes: { 'soil-u1': { secret: SECRET } },
      firmata: [{ path: pty.gatewayPath, relays: { 'relay-5': 5 } }],
      cloud: { url: cloud.url, token: await cloud.registerGateway('gw-loop-uno') },
    });
    const put = (path: string, body: object) => fetch(`${cloud.url}${path}`, { method: 'PUT', headers: auth, body: JSON.stringify(body) });
    expect((await put('/api/v1/zones/zone-2', { name: 'Ruộng nam', sensors: ['soil-u1'], valve: 'relay-5' })).status).toBe(200);
    expect((await put('/api/v1/rules/uno-rule', { zoneId: 'zone-2', mode: { type: 'threshold', startBelow: 25, stopAbove: 30 }, cooldownMin: 0, maxRunMin: 240 })).status).toBe(200);
  });
  afterAll(async () => {
    for (const s of sensors) await s.stop();
    await gateway?.stop();
    await board?.stop();
    await pty?.close();
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the relay when the zone dries and releases it at the stop threshold', async () => {
    await waitUntil('the cloud knows relay-5', async () => ((await (await cloud.get('/api/v1/nodes')).json()) as { nodes: { node: string }[] }).nodes.some((n) => n.node === 'relay-5'), {
      events: [[gateway.uploader, 'uploaded']],
    });
    // Close to the threshold, so the zone dries within hours; this field's seed brings no rain for a day and more.
    farm.zone('zone-2').moisture = 25.2;
    const energised = new Promise<number>((resolve) => (board.onPin = (pin, v) => pin === 5 && v === 1 && resolve(farm.zone('zone-2').moisture)));
    const sensor = new MqttSensorNode({ id: 'soil-u1', secret: SECRET, brokerUrl: `mqtt://127.0.0.1:${gateway.broker!.port}`, kind: 'soil', zone: 'zone-2', intervalMs: 300_000, seed: 70 }, farm);
    sensors.push(sensor);
    await sensor.start();
    expect(await energised).toBeLessThan(25.5);
    const released = new Promise<number>((resolve) => (board.onPin = (pin, v) => pin === 5 && v === 0 && resolve(farm.zone('zone-2').moisture)));
    expect(await released).toBeGreaterThanOrEqual(29.5);
    const { decisions } = (await (await cloud.get('/api/v1/decisions?zone=zone-2')).json()) as { decisions: DecisionRecord[] };
    expect(decisions.filter((d) => d.action !== 'none').map((d) => d.action).reverse()).toEqual(['open', 'close']);
  });
});

describe('the link is down: the gateway runs the synced rules itself and the decisions reach the cloud afterwards', () => {
  let cloud: TestCloud;
  let gateway: Gateway;
  const devices: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    cloud = await startTestCloud();
    gateway = await startTestGateway({
      gatewayId: 'gw-offline',
      mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0 },
      nodes: { 'soil-o1': { secret: SECRET }, 'valve-o1': { secret: SECRET, kind: 'valve' } },
      offline: { afterSec: 0.5, ruleSyncSec: 0.2 },
      cloud: { url: cloud.url, token: await cloud.registerGateway('gw-offline') },
    });
  });
  afterAll(async () => {
    for (const d of devices) await d.stop();
    await gateway?.stop();
    await cloud?.stop();
  });

  it('keeps the zone watered while the cloud is gone', async () => {
    // Built here, not when the file loads: the tests before this one would otherwise have spent its field day.
    const farm = new Farm(new SimClock(Date.UTC(2026, 6, 12, 1), 3600), 16, ['zone-3']);
    const url = `mqtt://127.0.0.1:${gateway.broker!.port}`;
    const valve = new MqttValveNode({ id: 'valve-o1', secret: SECRET, brokerUrl: url, zone: 'zone-3', applicationMmPerHour: 30, flowLpm: 100, intervalMs: 3_600_000 }, farm);
    await valve.start();
    devices.push(valve);
    const put = (path: string, body: object) => fetch(`${cloud.url}${path}`, { method: 'PUT', headers: auth, body: JSON.stringify(body) });
    await waitUntil('the cloud knows the valve', async () => ((await (await cloud.get('/api/v1/nodes')).json()) as { nodes: unknown[] }).nodes.length > 0, {
      events: [[gateway.uploader, 'uploaded']],
    });
    await put('/api/v1/zones/zone-3', { name: 'Ruộng đông', sensors: ['soil-o1'], valve: 'valve-o1' });
    await put('/api/v1/rules/offline-rule', { zoneId: 'zone-3', mode: { type: 'threshold', startBelow: 25, stopAbove: 30 }, cooldownMin: 0, maxRunMin: 240 });
    await waitUntil('the gateway synced the rule', () => gateway.localRules.version !== undefined && (gateway.actuation.syncedRules()?.zones.length ?? 0) === 1);

    const port = cloud.port;
    const dataDir = cloud.dataDir;
    await cloud.close();
    farm.zone('zone-3').moisture = 25.2;
    const sensor = new MqttSensorNode({ id: 'soil-o1', secret: SECRET, brokerUrl: url, kind: 'soil', zone: 'zone-3', intervalMs: 300_000, seed: 90 }, farm);
    await sensor.start();
    devices.push(sensor);
    const opened = new Promise<void>((resolve) => (valve.onCommand = (c) => c.action === 'valve.open' && resolve()));
    await opened;
    expect(valve.received.at(-1)!.id).toMatch(/^local-/);
    const closed = new Promise<number>((resolve) => (valve.onCommand = (c) => c.action === 'valve.close' && resolve(farm.zone('zone-3').moisture)));
    expect(await closed).toBeGreaterThanOrEqual(29.5);

    cloud = await startTestCloud({ dataDir, port });
    await waitUntil(
      'the offline decisions reached the cloud',
      async () => {
        const { decisions } = (await (await cloud.get('/api/v1/decisions?zone=zone-3')).json()) as { decisions: DecisionRecord[] };
        return decisions.filter((d) => d.origin === 'gateway' && d.action !== 'none').length >= 2;
      },
      { events: [[gateway.uploader, 'uploaded']], timeoutMs: 20_000 },
    );
    const { decisions } = (await (await cloud.get('/api/v1/decisions?zone=zone-3')).json()) as { decisions: DecisionRecord[] };
    const acted = decisions.filter((d) => d.origin === 'gateway' && d.action !== 'none').reverse();
    expect(acted.slice(0, 2).map((d) => d.action)).toEqual(['open', 'close']);
    expect(acted[0]!.reason).toMatch(/< 25% over 15 min → open 240 min$/);
  }, 60_000);
});
