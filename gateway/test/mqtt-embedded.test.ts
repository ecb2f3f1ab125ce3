import { Farm, MqttSensorNode, SimClock } from '@ruong/firmware-sim';
import { topics, type ReadingSet } from '@ruong/shared';
import mqtt from 'mqtt';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../../cloud/test/test-cloud.ts';
import type { Gateway } from '../src/gateway.ts';
import { ConfigError } from '../src/config.ts';
import { countPoints, expectedPoints, startTestGateway, storedPoints, waitUntil } from './helpers.ts';

const NODES = { 'soil-m1': { secret: 'secret-m1-xyz' }, 'soil-m2': { secret: 'secret-m2-xyz' }, 'weather-m1': { secret: 'secret-w1-xyz' } };

describe('sim MQTT nodes -> embedded aedes broker -> gateway -> cloud', () => {
  let cloud: TestCloud;
  let gateway: Gateway;
  let brokerUrl: string;
  const clock = new SimClock(Date.UTC(2026, 6, 1), 3600);
  const farm = new Farm(clock, 5, ['zone-1', 'zone-2']);

  beforeAll(async () => {
    cloud = await startTestCloud();
    gateway = await startTestGateway({
      mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0 },
      nodes: NODES,
      cloud: { url: cloud.url, token: await cloud.registerGateway('gw-mqtt') },
    });
    brokerUrl = `mqtt://127.0.0.1:${gateway.broker!.port}`;
  });
  afterAll(async () => {
    await gateway?.stop();
    await cloud?.stop();
  });

  it('stores every good message of three nodes once, despite garbage, repeats and a disconnect', async () => {
    const sent: ReadingSet[] = [];
    const nodes = [
      new MqttSensorNode({ id: 'soil-m1', secret: NODES['soil-m1'].secret, brokerUrl, kind: 'soil', zone: 'zone-1', intervalMs: 60_000 }, farm),
      new MqttSensorNode({ id: 'soil-m2', secret: NODES['soil-m2'].secret, brokerUrl, kind: 'soil', zone: 'zone-2', intervalMs: 60_000 }, farm),
      new MqttSensorNode({ id: 'weather-m1', secret: NODES['weather-m1'].secret, brokerUrl, kind: 'weather', zone: 'zone-1', intervalMs: 120_000 }, farm),
    ];
    for (const n of nodes) {
      n.onSent = (s) => sent.push(s);
      await n.start();
    }
    await waitUntil('the first good sets went out', () => sent.length >= 6);
    for (const f of ['garbage', 'outOfRange', 'repeatSeq', 'overlong', 'disconnect'] as const) nodes[0]!.inject(f);
    await waitUntil('the sim sent 90 good reading sets', () => sent.length >= 90, { timeoutMs: 20_000 });
    for (const n of nodes) await n.stop();

    const expected = expectedPoints(sent);
    const ids = Object.keys(NODES);
    await waitUntil('the cloud holds every reading', async () => countPoints(await storedPoints(cloud, ids)) >= countPoints(expected), {
      events: [[gateway.uploader, 'uploaded']],
    });
    expect(await storedPoints(cloud, ids)).toEqual(expected);
    // QoS 1 is at least once: a message in flight at the disconnect may come again, so at least one each.
    for (const reason of ['bad_json', 'out_of_range', 'duplicate', 'too_long'] as const) {
      expect(gateway.intake.rejects[reason], reason).toBeGreaterThanOrEqual(1);
    }
  });

  it('refuses a wrong node password', async () => {
    const client = mqtt.connect(brokerUrl, { protocolVersion: 4, username: 'soil-m1', password: 'wrong-password', reconnectPeriod: 0 });
    const err = await new Promise<Error>((resolve) => client.once('error', resolve));
    expect(err.message).toMatch(/Bad username or password/i);
    client.end(true);
  });

  it('lets a node publish only as itself and subscribe only to its own cmd topic', async () => {
    const client = await mqtt.connectAsync(brokerUrl, { protocolVersion: 4, username: 'soil-m2', password: NODES['soil-m2'].secret, reconnectPeriod: 0 });
    const own = await client.subscribeAsync(topics.cmd('soil-m2'), { qos: 1 });
    expect(own[0]!.qos).toBe(1);
    // The broker grants 0x80 (failure) for another node's topic; mqtt.js turns that into an error.
    await expect(client.subscribeAsync(topics.cmd('soil-m1'), { qos: 1 })).rejects.toThrow(/Subscribe error/);

    const before = gateway.intake.readingsIn;
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(topics.telemetry('soil-m1'), JSON.stringify({ readings: { soil_moisture: 10 } }), { qos: 1 });
    await closed; // the broker drops a client that publishes under another node's name [MQTT-3.3.5-2]
    client.end(true);
    expect(gateway.intake.readingsIn).toBe(before);
  });

  it('says what to do when its port is taken', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', () => resolve()));
    const port = (squatter.address() as { port: number }).port;
    await expect(
      startTestGateway({ mqtt: { mode: 'embedded', host: '127.0.0.1', port }, nodes: NODES, cloud: { url: cloud.url, token: 'unused-token' } }),
    ).rejects.toThrow(ConfigError);
    await expect(
      startTestGateway({ mqtt: { mode: 'embedded', host: '127.0.0.1', port }, nodes: NODES, cloud: { url: cloud.url, token: 'unused-token' } }),
    ).rejects.toThrow(/port (\d+) is taken .*mqtt\.port a free port \("mqtt": \{"port": 1884\}\), or use that broker \("mqtt": \{"mode": "client", "url": "mqtt:\/\/127\.0\.0\.1:\1"\}\)$/);
    squatter.close();
  });
});
