import { Farm, MqttSensorNode, SimClock } from '@ruong/firmware-sim';
import type { ReadingSet } from '@ruong/shared';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../../cloud/test/test-cloud.ts';
import type { Gateway } from '../src/gateway.ts';
import { countPoints, expectedPoints, startTestGateway, storedPoints, waitUntil } from './helpers.ts';

/** The Mosquitto this machine runs on 127.0.0.1:1883 (anonymous); node ids are unique per run. */
const MOSQUITTO = process.env.RUONG_TEST_MOSQUITTO_URL ?? 'mqtt://127.0.0.1:1883';

describe('gateway as a client of Mosquitto', () => {
  let cloud: TestCloud;
  let gateway: Gateway;
  const suffix = randomBytes(3).toString('hex');
  const ids = [`soil-q${suffix}`, `weather-q${suffix}`];
  const clock = new SimClock(Date.UTC(2026, 7, 1), 3600);
  const farm = new Farm(clock, 8, ['zone-1']);

  beforeAll(async () => {
    cloud = await startTestCloud();
    gateway = await startTestGateway({
      gatewayId: `gw-q${suffix}`,
      mqtt: { mode: 'client', url: MOSQUITTO },
      nodes: Object.fromEntries(ids.map((id) => [id, {}])),
      cloud: { url: cloud.url, token: await cloud.registerGateway('gw-mosquitto') },
    });
    await gateway.brokerClient!.subscribed;
  });
  afterAll(async () => {
    await gateway?.stop();
    await cloud?.stop();
  });

  it('stores what its nodes publish through Mosquitto, once, and ignores nodes that are not its own', async () => {
    const sent: ReadingSet[] = [];
    const mk = (id: string, kind: 'soil' | 'weather') =>
      new MqttSensorNode({ id, secret: 'unused-by-anonymous', brokerUrl: MOSQUITTO, kind, zone: 'zone-1', intervalMs: 60_000 }, farm);
    const nodes = [mk(ids[0]!, 'soil'), mk(ids[1]!, 'weather')];
    const stranger = mk(`stranger-${suffix}`, 'soil');
    for (const n of nodes) {
      n.onSent = (s) => sent.push(s);
      await n.start();
    }
    await stranger.start();
    nodes[0]!.inject('repeatSeq');
    nodes[0]!.inject('repeatSeq');
    await waitUntil('the sim sent 40 reading sets', () => sent.length >= 40);
    for (const n of [...nodes, stranger]) await n.stop();

    const expected = expectedPoints(sent);
    await waitUntil('the cloud holds every reading', async () => countPoints(await storedPoints(cloud, ids)) >= countPoints(expected), {
      events: [[gateway.uploader, 'uploaded']],
    });
    expect(await storedPoints(cloud, ids)).toEqual(expected);
    expect(countPoints(await storedPoints(cloud, [`stranger-${suffix}`]))).toBe(0);
    expect(gateway.intake.rejects.unknown_node).toBeGreaterThan(0);
    expect(gateway.intake.rejects.duplicate).toBeGreaterThanOrEqual(1);
  });
});
