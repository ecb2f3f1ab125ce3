import { Farm, MqttValveNode, SimClock } from '@ruong/firmware-sim';
import type { Command } from '@ruong/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestCloud, type TestCloud } from '../../cloud/test/test-cloud.ts';
import { startTestGateway, waitUntil } from './helpers.ts';

const SECRET = 'valve-secret-2';

describe('a person opens and closes a valve: cloud → SSE → gateway → MQTT valve node → acks → cloud', () => {
  let cloud: TestCloud;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let valve: MqttValveNode;
  let gatewayConfig: Parameters<typeof startTestGateway>[0];
  const farm = new Farm(new SimClock(Date.now(), 1), 4, ['zone-1']);

  const post = async (body: object): Promise<Command> => {
    const res = await fetch(`${cloud.url}/api/v1/commands`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as Command;
  };
  const get = async (id: string) => (await (await cloud.get(`/api/v1/commands/${id}`)).json()) as Command;

  beforeAll(async () => {
    cloud = await startTestCloud();
    gatewayConfig = {
      gatewayId: 'gw-cmd',
      mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0 },
      nodes: { 'valve-7': { secret: SECRET, kind: 'valve' } },
      cloud: { url: cloud.url, token: await cloud.registerGateway('gw-cmd') },
    };
    gateway = await startTestGateway(gatewayConfig);
    valve = new MqttValveNode(
      { id: 'valve-7', secret: SECRET, brokerUrl: `mqtt://127.0.0.1:${gateway.broker!.port}`, zone: 'zone-1', applicationMmPerHour: 30, flowLpm: 90, intervalMs: 60_000 },
      farm,
    );
    await valve.start();
    await waitUntil('the cloud knows the valve node', async () => {
      const { nodes } = (await (await cloud.get('/api/v1/nodes')).json()) as { nodes: { node: string }[] };
      return nodes.some((n) => n.node === 'valve-7');
    });
    await waitUntil('the gateway holds its command stream open', () => gateway.downlink.connected, { events: [[gateway.downlink, 'connected']] });
  });
  afterAll(async () => {
    await valve?.stop();
    await gateway?.stop();
    await cloud?.stop();
  });

  it('delivers an open in well under a second and records every state', async () => {
    await waitUntil('the boot close is done', () => valve.received.some((c) => c.id.startsWith('boot-close-')));
    const t0 = Date.now();
    const arrived = new Promise<number>((resolve) => (valve.onCommand = (c) => c.action === 'valve.open' && resolve(Date.now())));
    const queued = await post({ node: 'valve-7', action: 'valve.open', durationMin: 10 });
    expect(queued).toMatchObject({ gateway: 'gw-cmd', node: 'valve-7', action: 'valve.open', durationSec: 600, source: 'person', state: 'queued' });
    expect((await arrived) - t0).toBeLessThan(1000);
    expect(valve.open).toBe(true);
    await waitUntil('the cloud knows it is done', async () => (await get(queued.id)).state === 'done', { pollMs: 100 });
    const done = await get(queued.id);
    expect(done.sentAt).toBeGreaterThanOrEqual(done.createdAt);
    expect(done.deliveredAt).toBeGreaterThanOrEqual(done.sentAt!);
    expect(done.doneAt).toBeGreaterThanOrEqual(done.deliveredAt!);

    const close = await post({ node: 'valve-7', action: 'valve.close' });
    await waitUntil('the close is done', async () => (await get(close.id)).state === 'done', { pollMs: 100 });
    expect(valve.open).toBe(false);
    const list = (await (await cloud.get('/api/v1/commands?node=valve-7')).json()) as { commands: Command[] };
    expect(list.commands.map((c) => c.id)).toEqual([close.id, queued.id]);
  });

  it('lets a command expire while its gateway is away, and the valve never gets it', async () => {
    await gateway.stop();
    const late = await post({ node: 'valve-7', action: 'valve.open', durationMin: 5, expiresInMin: 0.02 });
    await waitUntil('the command expired', async () => (await get(late.id)).state === 'expired', { pollMs: 100 });
    gateway = await startTestGateway({ ...gatewayConfig, dataDir: gateway.config.dataDir, mqtt: { mode: 'embedded', host: '127.0.0.1', port: gateway.broker!.port } });
    await waitUntil('the gateway is back on its stream', () => gateway.downlink.connected, { events: [[gateway.downlink, 'connected']] });
    await waitUntil('an upload went through', () => gateway.uploader.linkUp, { events: [[gateway.uploader, 'uploaded']] });
    expect(valve.received.map((c) => c.id)).not.toContain(late.id);
    expect((await get(late.id)).state).toBe('expired');
  });

  it('refuses a command for a node nobody has heard of', async () => {
    const res = await fetch(`${cloud.url}/api/v1/commands`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ node: 'valve-unknown', action: 'valve.open', durationMin: 1 }),
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found', message: 'node valve-unknown has never reported, so no gateway is known for it' } });
  });
});
