import { Farm, MqttSensorNode, SimClock } from '@ruong/firmware-sim';
import type { ReadingSet } from '@ruong/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfluxd, type Influxd } from '../../cloud/test/influxd.ts';
import { startTestCloud, type TestCloud } from '../../cloud/test/test-cloud.ts';
import type { Gateway } from '../src/gateway.ts';
import { countPoints, expectedPoints, startTestGateway, storedPoints, waitUntil } from './helpers.ts';

const SECRET = 'influx-secret-1';
const ids = ['soil-x1', 'soil-x2', 'weather-x1'];

describe('sim -> gateway -> cloud on InfluxDB', () => {
  let influxd: Influxd;
  let cloud: TestCloud;
  let gateway: Gateway;

  beforeAll(async () => {
    influxd = await startInfluxd();
    cloud = await startTestCloud({
      env: { RUONG_TELEMETRY_STORE: 'influxdb', RUONG_INFLUX_URL: influxd.url, RUONG_INFLUX_DATABASE: 'e2e', RUONG_INFLUX_RAW_RETENTION: 'INF', RUONG_INFLUX_TIMEOUT_MS: '2000' },
    });
    gateway = await startTestGateway({
      mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0 },
      nodes: Object.fromEntries(ids.map((id) => [id, { secret: SECRET }])),
      cloud: { url: cloud.url, token: await cloud.registerGateway('gw-x') },
    });
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await cloud?.stop();
    await influxd?.dispose();
  });

  it('stores every reading once, even when InfluxDB stops mid-stream and comes back', async () => {
    const sent: ReadingSet[] = [];
    const farm = new Farm(new SimClock(Date.UTC(2026, 10, 1), 3600), 21, ['zone-1']);
    const nodes = ids.map((id, i) => {
      const n = new MqttSensorNode(
        { id, secret: SECRET, brokerUrl: `mqtt://127.0.0.1:${gateway.broker!.port}`, kind: id.startsWith('weather') ? 'weather' : 'soil', zone: 'zone-1', intervalMs: 60_000, seed: 30 + i },
        farm,
      );
      n.onSent = (s) => sent.push(s);
      return n;
    });
    for (const n of nodes) await n.start();

    await waitUntil('readings reached InfluxDB', () => gateway.uploader.readingsOut > 50, { events: [[gateway.uploader, 'uploaded']] });
    await influxd.stop();
    await new Promise<void>((resolve) => gateway.uploader.once('failed', () => resolve()));
    const atStop = sent.length;
    await waitUntil('readings piled up at the gateway', () => sent.length > atStop + 30);
    await influxd.start();
    await waitUntil('uploads flow again', () => gateway.uploader.linkUp, { events: [[gateway.uploader, 'uploaded']], timeoutMs: 30_000 });
    for (const n of nodes) await n.stop();

    const expected = expectedPoints(sent);
    await waitUntil('the cloud holds every reading', async () => countPoints(await storedPoints(cloud, ids)) >= countPoints(expected), {
      events: [[gateway.uploader, 'uploaded']],
      timeoutMs: 30_000,
    });
    expect(await storedPoints(cloud, ids)).toEqual(expected);
    const counted = await influxd.query(`SELECT count(value) FROM raw.readings WHERE ${ids.map((id) => `node = '${id}'`).join(' OR ')}`, 'e2e');
    expect(counted.results[0].series[0].values[0][1]).toBe(countPoints(expected));
    // Every batch the gateway sent was read by the cloud's one-pass scan, none by the general path.
    const metrics = await (await fetch(`${cloud.url}/metrics`)).text();
    expect(Number(/ruong_ingest_parsed_batches_total\{by="scan"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(metrics).not.toContain('ruong_ingest_parsed_batches_total{by="json"}');
  });
});
