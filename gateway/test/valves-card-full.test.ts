import { Farm, MqttValveNode, SimClock } from '@ruong/firmware-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../../cloud/test/test-cloud.ts';
import type { Gateway } from '../src/gateway.ts';
import { startTestGateway, waitUntil, withFullCard } from './helpers.ts';

const SECRET = 'valve-secret-2';

describe('valves while the card cannot be written', () => {
  let cloud: TestCloud;
  let gateway: Gateway;
  let valve: MqttValveNode;

  beforeAll(async () => {
    cloud = await startTestCloud();
    gateway = await startTestGateway({
      gatewayId: 'gw-valve-card',
      mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0 },
      nodes: { 'valve-c': { secret: SECRET, kind: 'valve' } },
      safety: { maxOpenSec: 3600, ackTimeoutMs: 500 },
      cloud: { url: cloud.url, token: await cloud.registerGateway('gw-valve-card') },
    });
    const farm = new Farm(new SimClock(Date.UTC(2026, 6, 1), 60), 3, ['zone-1']);
    valve = new MqttValveNode({ id: 'valve-c', secret: SECRET, brokerUrl: `mqtt://127.0.0.1:${gateway.broker!.port}`, zone: 'zone-1', applicationMmPerHour: 30, flowLpm: 120, intervalMs: 600_000 }, farm);
    await valve.start();
    await waitUntil('the boot close reached the valve', () => valve.received.some((c) => c.id.startsWith('boot-close-')));
  });
  afterAll(async () => {
    await valve?.stop();
    await gateway?.stop();
    await cloud?.stop();
  });

  it('still closes an open valve at its deadline, carries out no command it cannot record, and takes commands again once it can', async () => {
    await gateway.commands.handle({ id: 'open-1', node: 'valve-c', action: 'valve.open', durationSec: 1 });
    expect(valve.open).toBe(true);
    const closed = new Promise<void>((resolve) => (valve.onCommand = (c) => c.action === 'valve.close' && resolve()));
    await withFullCard(async () => {
      // The close at the deadline is driven from memory; clearing its record on the card fails, which
      // used to reject unhandled and stop the gateway.
      await closed;
      await waitUntil('the valve says it closed', () => !valve.open);
      // Without its record, a command could be carried out twice, or an open lose its deadline: it is not carried out.
      await gateway.commands.handle({ id: 'open-2', node: 'valve-c', action: 'valve.open', durationSec: 600 });
      expect(valve.received.map((c) => c.id)).not.toContain('open-2');
      expect(valve.open).toBe(false);
    });
    await gateway.commands.handle({ id: 'open-3', node: 'valve-c', action: 'valve.open', durationSec: 600 });
    expect(valve.open).toBe(true);
    await gateway.commands.handle({ id: 'close-3', node: 'valve-c', action: 'valve.close' });
    expect(valve.open).toBe(false);
  });
});
