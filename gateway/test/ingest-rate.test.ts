import { parseCloudConfig } from '../../cloud/src/config.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCloud } from '../../cloud/test/test-cloud.ts';
import { GatewayConfig } from '../src/config.ts';
import { startTestGateway, tempDir, waitUntil } from './helpers.ts';

describe('upload pace against the cloud ingest rate limit', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  // A gateway sends a batch as soon as 20 ms of readings wait and the last batch is answered: over a
  // fast link, a steady stream makes that up to 50 requests a second. A cloud that limits it below
  // that answers 429, and the gateway backs off, warns and delays readings, though nothing is wrong.
  it('a gateway with its default upload settings, streaming steadily over loopback, is never refused by a cloud with its default limit', async () => {
    const limits = parseCloudConfig({});
    const cloud = await startTestCloud({ env: { RUONG_INGEST_RATE: String(limits.RUONG_INGEST_RATE), RUONG_INGEST_BURST: String(limits.RUONG_INGEST_BURST) } });
    cleanups.push(() => cloud.stop());
    const token = await cloud.registerGateway('gw-pace');
    const defaults = GatewayConfig.parse({ gatewayId: 'gw-pace', dataDir: tempDir('defaults'), cloud: { url: cloud.url, token } }).cloud;
    const gateway = await startTestGateway({ gatewayId: 'gw-pace', cloud: { url: cloud.url, token, batchMaxAgeMs: defaults.batchMaxAgeMs, retryMinMs: defaults.retryMinMs, retryMaxMs: defaults.retryMaxMs } });
    cleanups.push(() => gateway.stop());
    const refusals: string[] = [];
    gateway.uploader.on('failed', (err) => refusals.push(err.message));

    // 600 reading sets, one every 5 ms (3 s), from 10 nodes: the workload, not a wait.
    const t0 = Date.UTC(2026, 0, 1);
    let seq = 0;
    await new Promise<void>((resolve) => {
      const feeder = setInterval(() => {
        gateway.intake.readingSet({ node: `soil-${seq % 10}`, seq, ts: t0 + seq * 1000, readings: { soil_moisture: 30 } }, 'test');
        if (++seq === 600) {
          clearInterval(feeder);
          resolve();
        }
      }, 5);
    });
    await waitUntil('every reading is uploaded', () => gateway.uploader.readingsOut === 600 || refusals.length > 0, { events: [[gateway.uploader, 'uploaded'], [gateway.uploader, 'failed']] });
    expect(refusals).toEqual([]);
  });
});
