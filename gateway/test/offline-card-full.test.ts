import { Farm, MqttSensorNode, MqttValveNode, SimClock } from '@ruong/firmware-sim';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestCloud, type TestCloud } from '../../cloud/test/test-cloud.ts';
import type { Gateway } from '../src/gateway.ts';
import { startTestGateway, waitUntil, withFullCard } from './helpers.ts';

const SECRET = 'card-secret-1';
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };

describe('the link is down and the card is full: the gateway runs its synced rules without dying', () => {
  let cloud: TestCloud;
  let gateway: Gateway;
  const logged: string[] = [];
  const devices: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    cloud = await startTestCloud();
    const log = pino({ level: 'info' }, { write: (line: string) => void logged.push((JSON.parse(line) as { msg: string }).msg) });
    gateway = await startTestGateway(
      {
        gatewayId: 'gw-card',
        mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0 },
        nodes: { 'soil-k1': { secret: SECRET }, 'valve-k1': { secret: SECRET, kind: 'valve' } },
        offline: { afterSec: 0.5, ruleSyncSec: 0.2 },
        cloud: { url: cloud.url, token: await cloud.registerGateway('gw-card') },
      },
      log,
    );
  });
  afterAll(async () => {
    for (const d of devices) await d.stop();
    await gateway?.stop();
    await cloud?.stop();
  });

  it('carries out no local decision it cannot record, and waters once the card takes writes again', async () => {
    const farm = new Farm(new SimClock(Date.UTC(2026, 6, 12, 1), 3600), 16, ['zone-k']);
    const url = `mqtt://127.0.0.1:${gateway.broker!.port}`;
    const valve = new MqttValveNode({ id: 'valve-k1', secret: SECRET, brokerUrl: url, zone: 'zone-k', applicationMmPerHour: 30, flowLpm: 100, intervalMs: 3_600_000 }, farm);
    await valve.start();
    devices.push(valve);
    const put = (path: string, body: object) => fetch(`${cloud.url}${path}`, { method: 'PUT', headers: auth, body: JSON.stringify(body) });
    await waitUntil('the cloud knows the valve', async () => ((await (await cloud.get('/api/v1/nodes')).json()) as { nodes: unknown[] }).nodes.length > 0, {
      events: [[gateway.uploader, 'uploaded']],
    });
    await put('/api/v1/zones/zone-k', { name: 'Ruộng tây', sensors: ['soil-k1'], valve: 'valve-k1' });
    await put('/api/v1/rules/card-rule', { zoneId: 'zone-k', mode: { type: 'threshold', startBelow: 25, stopAbove: 30 }, cooldownMin: 0, maxRunMin: 30 });
    await waitUntil('the gateway synced the rule', () => (gateway.actuation.syncedRules()?.zones.length ?? 0) === 1);
    await cloud.close();
    farm.zone('zone-k').moisture = 24;
    const sensor = new MqttSensorNode({ id: 'soil-k1', secret: SECRET, brokerUrl: url, kind: 'soil', zone: 'zone-k', intervalMs: 300_000, seed: 91 }, farm);

    await withFullCard(async () => {
      await sensor.start();
      devices.push(sensor);
      // The rule decides to open; neither the command's record nor the decision's can be written, which
      // used to reject unhandled and stop the gateway.
      await waitUntil('the local decision could not be recorded', () => logged.includes('local decision cannot be recorded (is the card full?); the cloud will not hear of it'));
      expect(logged).toContain('valve state cannot be written (is the card full?); the command goes no further, and its ack may not reach the cloud');
      expect(valve.received.filter((c) => c.id.startsWith('local-'))).toEqual([]);
      expect(valve.open).toBe(false);
    });
    const opened = new Promise<void>((resolve) => (valve.onCommand = (c) => c.action === 'valve.open' && c.id.startsWith('local-') && resolve()));
    await opened;
    await waitUntil('the valve says it is open', () => valve.open);
  }, 30_000);
});
