import { Farm, MqttSensorNode, MqttValveNode, SimClock } from '@ruong/firmware-sim';
import type { GatewayHealth, ReadingSet } from '@ruong/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestCloud, type TestCloud } from '../../cloud/test/test-cloud.ts';
import { spawnGateway } from './gateway-process.ts';
import { countPoints, expectedPoints, startTestGateway, storedPoints, tempDir, waitUntil } from './helpers.ts';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const SECRET = 'fault-secret-123';

/** Soil nodes reporting every field minute; `acked` sees each reading set the broker acknowledged. */
function nodesFor(ids: string[], brokerUrl: string, farm: Farm, acked: (set: ReadingSet) => void): MqttSensorNode[] {
  return ids.map((id, i) => {
    const n = new MqttSensorNode({ id, secret: SECRET, brokerUrl, kind: 'soil', zone: 'zone-1', intervalMs: 60_000, seed: 10 + i }, farm);
    n.onSent = acked;
    return n;
  });
}

/** A gateway process for soil nodes `ids`, uploading in small batches and retrying fast. */
async function processConfig(cloud: TestCloud, gatewayId: string, dir: string, ids: string[], cloudOverrides: object = {}) {
  return {
    gatewayId,
    dataDir: join(dir, 'data'),
    logLevel: 'info',
    cloud: { url: cloud.url, token: await cloud.registerGateway(gatewayId), batchMaxAgeMs: 100, batchMaxReadings: 50, retryMinMs: 50, retryMaxMs: 500, ...cloudOverrides },
    mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0 },
    nodes: Object.fromEntries(ids.map((id) => [id, { secret: SECRET }])),
  };
}

/** Stops the nodes, then holds the cloud to every reading set they had acknowledged: each stored once, nothing else. */
async function expectEveryAcknowledgedReading(cloud: TestCloud, ids: string[], nodes: MqttSensorNode[], sent: ReadingSet[]): Promise<void> {
  for (const n of nodes) await n.stop();
  const expected = expectedPoints(sent);
  await waitUntil('the cloud holds every acknowledged reading', async () => countPoints(await storedPoints(cloud, ids)) >= countPoints(expected), { timeoutMs: 20_000 });
  expect(await storedPoints(cloud, ids)).toEqual(expected);
}

describe('faults on the data path', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('the cloud is down for a while and comes back: every reading arrives once', async () => {
    const dataDir = tempDir('cloud-down');
    let cloud: TestCloud = await startTestCloud({ dataDir });
    const port = cloud.port;
    const ids = ['soil-cd1', 'soil-cd2'];
    const gateway = await startTestGateway({
      mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0 },
      nodes: Object.fromEntries(ids.map((id) => [id, { secret: SECRET }])),
      cloud: { url: cloud.url, token: await cloud.registerGateway('gw-cd') },
    });
    cleanups.push(() => gateway.stop());
    const sent: ReadingSet[] = [];
    const farm = new Farm(new SimClock(Date.UTC(2026, 8, 1), 3600), 3, ['zone-1']);
    const nodes = nodesFor(ids, `mqtt://127.0.0.1:${gateway.broker!.port}`, farm, (set) => sent.push(set));
    for (const n of nodes) await n.start();

    await waitUntil('a first batch reached the cloud', () => gateway.uploader.readingsOut > 0, { events: [[gateway.uploader, 'uploaded']] });
    await cloud.close();
    const failed = new Promise<void>((resolve) => gateway.uploader.once('failed', () => resolve()));
    await failed;
    const atOutage = sent.length;
    await waitUntil('readings piled up in the outbox during the outage', () => sent.length >= atOutage + 30 && gateway.outbox.backlog().depth > 0);
    cloud = await startTestCloud({ dataDir, port });
    cleanups.push(() => cloud.stop());
    await waitUntil('the link came back', () => gateway.uploader.linkUp, { events: [[gateway.uploader, 'uploaded']] });
    for (const n of nodes) await n.stop();

    const expected = expectedPoints(sent);
    await waitUntil('the cloud holds every reading', async () => countPoints(await storedPoints(cloud, ids)) >= countPoints(expected), {
      events: [[gateway.uploader, 'uploaded']],
    });
    expect(await storedPoints(cloud, ids)).toEqual(expected);
    expect(gateway.outbox.backlog().depth).toBe(0);
  });

  it('the gateway is killed with SIGKILL mid-stream and restarted: nothing acknowledged is lost or doubled', async () => {
    const cloud = await startTestCloud();
    cleanups.push(() => cloud.stop());
    const dir = tempDir('sigkill');
    const ids = ['soil-k1', 'soil-k2', 'soil-k3'];
    const config = await processConfig(cloud, 'gw-kill', dir, ids);
    let gw = await spawnGateway(join(dir, 'gateway.json'), config);
    // Restart on the same port, so the nodes find their broker again as they would on a Pi.
    const fixed = { ...config, mqtt: { ...config.mqtt, port: gw.mqttPort } };
    const sent: ReadingSet[] = [];
    // A reading per node every 100 ms. Not faster: after reconnecting, a node resends what it queued one
    // PUBACK at a time, each behind a group commit (about 20 ms, and more on a loaded machine), and what it
    // makes meanwhile waits too. At 50 ms the queue a slow restart left took up to 29 s of the 30 to drain.
    const farm = new Farm(new SimClock(Date.UTC(2026, 9, 1), 600), 4, ['zone-1']);
    let onAck: (() => void) | undefined;
    const nodes = nodesFor(ids, `mqtt://127.0.0.1:${gw.mqttPort}`, farm, (set) => {
      sent.push(set);
      onAck?.();
    });
    for (const n of nodes) await n.start();

    await waitUntil('some readings reached the cloud', async () => countPoints(await storedPoints(cloud, ids)) > 100);
    await waitUntil('more readings are in flight', () => sent.length > 80);
    // Killed the moment it acknowledges a reading, which must be on its disk by then.
    let killed = false;
    onAck = () => {
      onAck = undefined;
      killed = gw.child.kill('SIGKILL');
    };
    await waitUntil('the gateway acknowledges a reading, and is killed', () => killed, { timeoutMs: 10_000 });
    expect(await gw.exited).toBeNull();
    gw = await spawnGateway(join(dir, 'gateway.json'), fixed);
    cleanups.push(async () => {
      gw.child.kill('SIGTERM');
      await gw.exited;
    });
    const atRestart = sent.length;
    await waitUntil('the nodes publish to the restarted gateway', () => sent.length > atRestart + 30, { timeoutMs: 20_000 }).catch((err) => {
      console.error(gw.stdout().slice(-30).join('\n'), gw.stderr());
      throw err;
    });
    await expectEveryAcknowledgedReading(cloud, ids, nodes, sent);
  }, 60_000);

  it('the card fills up mid-stream and space comes back: the gateway keeps running, acknowledges nothing meanwhile, and every reading arrives once', async () => {
    const cloud = await startTestCloud();
    cleanups.push(() => cloud.stop());
    const dir = tempDir('card-full');
    const ids = ['soil-f1', 'soil-f2'];
    const config = await processConfig(cloud, 'gw-full', dir, ids, { heartbeatMs: 1_000 });
    const gw = await spawnGateway(join(dir, 'gateway.json'), config);
    cleanups.push(async () => {
      gw.child.kill('SIGTERM');
      await gw.exited;
    });
    const sent: ReadingSet[] = [];
    const clock = new SimClock(Date.UTC(2026, 10, 1), 600);
    const nodes = nodesFor(ids, `mqtt://127.0.0.1:${gw.mqttPort}`, new Farm(clock, 4, ['zone-1']), (set) => sent.push(set));
    for (const n of nodes) await n.start();
    await waitUntil('some readings reached the cloud', async () => countPoints(await storedPoints(cloud, ids)) > 20);
    const logged = (msg: string) => gw.stdout().some((line) => (JSON.parse(line) as { msg: string }).msg === msg);
    const outboxFailing = async () => {
      const { gateways } = (await (await cloud.get('/api/v1/gateways')).json()) as { gateways: { id: string; health: GatewayHealth | null }[] };
      return gateways.find((g) => g.id === 'gw-full')?.health?.outboxFailing;
    };
    const fieldTime = async (minutes: number) => {
      const until = clock.now() + minutes * 60_000;
      await waitUntil(`${minutes} minutes of field time passed`, () => clock.now() >= until);
    };

    // No file of the gateway's may grow any more: its writes fail (EFBIG) as they do on a full card.
    execFileSync('prlimit', ['--pid', String(gw.child.pid), '--fsize=1:']);
    await waitUntil('the gateway says it cannot write its outbox', () => logged('outbox cannot be written (is the card full?); readings wait in memory, unacknowledged, until it can'), {
      timeoutMs: 10_000,
    });
    // It used to die here, taking the readings in memory with it. The nodes publish on; with nothing
    // on the card, nothing is acknowledged, so each node keeps what it sent.
    await fieldTime(20);
    const acked = sent.length;
    await fieldTime(20);
    expect(sent.length).toBe(acked);
    expect(gw.child.exitCode).toBeNull();
    // The cloud hears of it with the next heartbeat, so the dashboard can show it.
    await waitUntil('the cloud knows the card cannot be written', async () => ((await outboxFailing())?.heldReadings ?? 0) > 0);
    expect((await outboxFailing())?.error).toMatch(/^(disk I\/O error|database or disk is full)$/);

    execFileSync('prlimit', ['--pid', String(gw.child.pid), '--fsize=unlimited:']);
    await waitUntil('the gateway writes its outbox again', () => logged('outbox written again'), { timeoutMs: 10_000 });
    await waitUntil('the held readings are acknowledged, and new ones after them', () => sent.length > acked + 10);
    await waitUntil('the cloud knows the card is written again', async () => (await outboxFailing()) === undefined);
    await expectEveryAcknowledgedReading(cloud, ids, nodes, sent);
  }, 60_000);

  it('the gateway is stopped while its card is full: it says what it held, and the nodes send that again to its restart', async () => {
    const cloud = await startTestCloud();
    cleanups.push(() => cloud.stop());
    const dir = tempDir('card-full-stop');
    const ids = ['soil-s1', 'soil-s2'];
    const config = await processConfig(cloud, 'gw-full-stop', dir, ids);
    let gw = await spawnGateway(join(dir, 'gateway.json'), config);
    const sent: ReadingSet[] = [];
    const clock = new SimClock(Date.UTC(2026, 10, 2), 600);
    const nodes = nodesFor(ids, `mqtt://127.0.0.1:${gw.mqttPort}`, new Farm(clock, 4, ['zone-1']), (set) => sent.push(set));
    for (const n of nodes) await n.start();
    await waitUntil('some readings reached the cloud', async () => countPoints(await storedPoints(cloud, ids)) > 20);
    const entries = () => gw.stdout().map((line) => JSON.parse(line) as { msg: string; heldReadings?: number });

    execFileSync('prlimit', ['--pid', String(gw.child.pid), '--fsize=1:']);
    await waitUntil('the gateway holds readings it cannot write', () => entries().some((e) => e.msg.startsWith('outbox cannot be written')), { timeoutMs: 10_000 });
    const until = clock.now() + 10 * 60_000;
    await waitUntil('ten minutes of field time passed', () => clock.now() >= until);
    gw.child.kill('SIGTERM');
    expect(await gw.exited).toBe(0);
    const held = entries().find((e) => e.msg === 'stopped holding readings the card could not take: MQTT nodes send theirs again, serial ones are lost');
    expect(held?.heldReadings).toBeGreaterThan(0);

    // Restarted on the same port with room on its card: the nodes send again what it never acknowledged.
    gw = await spawnGateway(join(dir, 'gateway.json'), { ...config, mqtt: { ...config.mqtt, port: gw.mqttPort } });
    cleanups.push(async () => {
      gw.child.kill('SIGTERM');
      await gw.exited;
    });
    const atRestart = sent.length;
    await waitUntil('the nodes publish to the restarted gateway', () => sent.length > atRestart + 30, { timeoutMs: 20_000 });
    await expectEveryAcknowledgedReading(cloud, ids, nodes, sent);
    // Nothing the nodes took went missing, the readings the gateway held when it stopped included: each
    // node's reading sets were acknowledged without a gap in their sequence numbers.
    for (const id of ids) {
      const seqs = sent.filter((set) => set.node === id).map((set) => set.seq!);
      expect(seqs.length).toBeGreaterThan(10);
      expect(new Set(seqs).size).toBe(Math.max(...seqs) - Math.min(...seqs) + 1);
    }
  }, 60_000);

  it('the gateway is killed mid-irrigation: on restart it closes the valve', async () => {
    const cloud = await startTestCloud();
    cleanups.push(() => cloud.stop());
    const dir = tempDir('kill-valve');
    const config = {
      gatewayId: 'gw-kv',
      dataDir: join(dir, 'data'),
      cloud: { url: cloud.url, token: await cloud.registerGateway('gw-kv'), batchMaxAgeMs: 100, retryMinMs: 50, retryMaxMs: 500 },
      mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0 },
      nodes: { 'valve-k': { secret: SECRET, kind: 'valve' } },
    };
    let gw = await spawnGateway(join(dir, 'gateway.json'), config);
    const farm = new Farm(new SimClock(Date.now(), 1), 5, ['zone-1']);
    const valve = new MqttValveNode({ id: 'valve-k', secret: SECRET, brokerUrl: `mqtt://127.0.0.1:${gw.mqttPort}`, zone: 'zone-1', applicationMmPerHour: 30, flowLpm: 60, intervalMs: 60_000 }, farm);
    await valve.start();
    cleanups.push(() => valve.stop());
    await waitUntil('the cloud knows the valve', async () => ((await (await cloud.get('/api/v1/nodes')).json()) as { nodes: unknown[] }).nodes.length > 0);

    const opened = new Promise<void>((resolve) => (valve.onCommand = (c) => c.action === 'valve.open' && resolve()));
    const res = await fetch(`${cloud.url}/api/v1/commands`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ node: 'valve-k', action: 'valve.open', durationMin: 60 }),
    });
    expect(res.status).toBe(201);
    await opened;
    expect(valve.open).toBe(true);

    gw.child.kill('SIGKILL');
    await gw.exited;
    expect(valve.open).toBe(true); // the valve node itself keeps no time
    const closed = new Promise<void>((resolve) => (valve.onCommand = (c) => c.action === 'valve.close' && resolve()));
    gw = await spawnGateway(join(dir, 'gateway.json'), { ...config, mqtt: { ...config.mqtt, port: gw.mqttPort } });
    cleanups.push(async () => {
      gw.child.kill('SIGTERM');
      await gw.exited;
    });
    await closed;
    expect(valve.open).toBe(false);
    expect(valve.received.at(-1)!.id).toMatch(/^boot-close-valve-k-/);
  });
});
