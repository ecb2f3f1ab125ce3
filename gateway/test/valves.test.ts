import { Farm, MqttValveNode, SimClock } from '@ruong/firmware-sim';
import type { CommandAckUp } from '@ruong/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../../cloud/test/test-cloud.ts';
import type { Gateway } from '../src/gateway.ts';
import { startTestGateway, waitUntil } from './helpers.ts';

const SECRET = 'valve-secret-1';

describe('gateway drives MQTT valve nodes', () => {
  let cloud: TestCloud;
  let gateway: Gateway;
  let valve: MqttValveNode;
  let mute: MqttValveNode;
  const acks: CommandAckUp[] = [];
  const farm = new Farm(new SimClock(Date.UTC(2026, 6, 1), 60), 3, ['zone-1']);

  beforeAll(async () => {
    cloud = await startTestCloud();
    gateway = await startTestGateway({
      gatewayId: 'gw-valves',
      mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0 },
      nodes: { 'valve-1': { secret: SECRET, kind: 'valve' }, 'valve-mute': { secret: SECRET, kind: 'valve' } },
      safety: { maxOpenSec: 3600, ackTimeoutMs: 500 },
      cloud: { url: cloud.url, token: await cloud.registerGateway('gw-valves') },
    });
    gateway.commands.onAck = (a) => acks.push(a);
    const url = `mqtt://127.0.0.1:${gateway.broker!.port}`;
    valve = new MqttValveNode({ id: 'valve-1', secret: SECRET, brokerUrl: url, zone: 'zone-1', applicationMmPerHour: 30, flowLpm: 120, intervalMs: 600_000 }, farm);
    mute = new MqttValveNode({ id: 'valve-mute', secret: SECRET, brokerUrl: url, zone: 'zone-1', applicationMmPerHour: 30, flowLpm: 120, intervalMs: 600_000, silent: true }, farm);
    await valve.start();
    await mute.start();
  });
  afterAll(async () => {
    await valve?.stop();
    await mute?.stop();
    await gateway?.stop();
    await cloud?.stop();
  });

  it('closes every valve when it boots, as soon as the valve node is online', async () => {
    await waitUntil('the boot close reached valve-1', () => valve.received.some((c) => c.action === 'valve.close' && c.id.startsWith('boot-close-')));
    expect(valve.open).toBe(false);
  });

  it('opens a valve, hears it confirm, and sends the ack up to the cloud', async () => {
    await gateway.commands.handle({ id: 'cmd-open-1', node: 'valve-1', action: 'valve.open', durationSec: 600 });
    expect(valve.open).toBe(true);
    expect(valve.received.at(-1)).toMatchObject({ id: 'cmd-open-1', action: 'valve.open', durationSec: 600 });
    expect(acks.at(-1)).toMatchObject({ id: 'cmd-open-1', node: 'valve-1', status: 'done' });
    await waitUntil('the cloud took the ack', () => gateway.actuation.pendingAcks().length === 0, { events: [[gateway.uploader, 'uploaded']] });
  });

  it('carries out a command delivered twice only once', async () => {
    const before = valve.received.length;
    await gateway.commands.handle({ id: 'cmd-open-1', node: 'valve-1', action: 'valve.open', durationSec: 600 });
    await gateway.commands.handle({ id: 'cmd-close-1', node: 'valve-1', action: 'valve.close' });
    await gateway.commands.handle({ id: 'cmd-close-1', node: 'valve-1', action: 'valve.close' });
    expect(valve.received.slice(before).map((c) => c.id)).toEqual(['cmd-close-1']);
    expect(valve.open).toBe(false);
  });

  it('closes the valve itself when the open runs out, cloud or no cloud', async () => {
    await cloud.close();
    const t0 = Date.now();
    await gateway.commands.handle({ id: 'cmd-open-2', node: 'valve-1', action: 'valve.open', durationSec: 1 });
    expect(valve.open).toBe(true);
    await new Promise<void>((resolve) => (valve.onCommand = (c) => c.action === 'valve.close' && resolve()));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(valve.open).toBe(false);
    expect(valve.received.at(-1)!.id).toBe('cmd-open-2-deadline');
  });

  it('reports a valve that does not confirm as failed, not as open', async () => {
    await gateway.commands.handle({ id: 'cmd-mute-1', node: 'valve-mute', action: 'valve.open', durationSec: 60 });
    expect(mute.received.at(-1)?.id).toBe('cmd-mute-1');
    expect(acks.at(-1)).toMatchObject({ id: 'cmd-mute-1', status: 'failed', detail: 'valve-mute did not confirm within 0.5 s' });
  });

  it('refuses a command for a node that is not one of its valves', async () => {
    await gateway.commands.handle({ id: 'cmd-x', node: 'soil-9', action: 'valve.open', durationSec: 60 });
    expect(acks.at(-1)).toMatchObject({ id: 'cmd-x', status: 'failed', detail: 'soil-9 is not a valve of this gateway' });
  });
});

describe('the cloud dies right after opening a valve', () => {
  it('the gateway still closes it at its own maximum open time, whatever the command asked', async () => {
    const cloud = await startTestCloud();
    const gateway = await startTestGateway({
      gatewayId: 'gw-cap',
      mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0 },
      nodes: { 'valve-cap': { secret: SECRET, kind: 'valve' } },
      safety: { maxOpenSec: 1, ackTimeoutMs: 1000 },
      cloud: { url: cloud.url, token: await cloud.registerGateway('gw-cap') },
    });
    const farm = new Farm(new SimClock(Date.now(), 1), 4, ['zone-1']);
    const valve = new MqttValveNode({ id: 'valve-cap', secret: SECRET, brokerUrl: `mqtt://127.0.0.1:${gateway.broker!.port}`, zone: 'zone-1', applicationMmPerHour: 30, flowLpm: 60, intervalMs: 600_000 }, farm);
    await valve.start();
    try {
      await waitUntil('the boot close is done', () => valve.received.some((c) => c.id.startsWith('boot-close-')));
      await gateway.commands.handle({ id: 'cap-open', node: 'valve-cap', action: 'valve.open', durationSec: 3600 });
      expect(valve.received.at(-1)).toMatchObject({ id: 'cap-open', durationSec: 1 });
      await cloud.close();
      const t0 = Date.now();
      await new Promise<void>((resolve) => (valve.onCommand = (c) => c.action === 'valve.close' && resolve()));
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(valve.open).toBe(false);
    } finally {
      await valve.stop();
      await gateway.stop();
      await cloud.stop();
    }
  });
});
