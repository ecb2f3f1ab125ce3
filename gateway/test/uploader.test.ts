import type { IngestBatch } from '@ruong/shared';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { gunzipSync } from 'node:zlib';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox } from '../src/outbox.ts';
import { Uploader } from '../src/uploader.ts';
import { tempDir, waitUntil } from './helpers.ts';

const T0 = Date.UTC(2026, 0, 1);
const HEALTH = { uptimeSec: 1, rssBytes: 1, queueDepth: 0, oldestUnsentTs: null, readingsIn: 0, readingsOut: 0, droppedByCap: 0, rejects: {} };

/** A cloud on loopback that answers each batch as stored, holding its answers while `hold` is set. */
async function heldCloud() {
  const batches: IngestBatch[] = [];
  const held: (() => void)[] = [];
  const cloud = {
    batches,
    /** When each request arrived (performance.now()). */
    arrivals: [] as number[],
    hold: true,
    /** How many of the next requests are answered 503, as a cloud whose store is down does. */
    failNext: 0,
    release() {
      cloud.hold = false;
      for (const answer of held.splice(0)) answer();
    },
    url: '',
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const unavailable = (res: ServerResponse) => () => {
    res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' });
    res.end('{"error":{"code":"store_unavailable","message":"down"}}');
  };
  const answer = (res: ServerResponse, batch: IngestBatch) => () => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ batchId: batch.batchId, accepted: batch.readings.length, duplicate: false, commands: [] }));
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const batch = JSON.parse(gunzipSync(Buffer.concat(chunks)).toString()) as IngestBatch;
      batches.push(batch);
      cloud.arrivals.push(performance.now());
      const reply = cloud.failNext > 0 ? (cloud.failNext--, unavailable(res)) : answer(res, batch);
      if (cloud.hold) held.push(reply);
      else reply();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cloud.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return cloud;
}

/** An outbox holding 25 readings of one node, values 0 to 24: three batches of 10 at most. */
function outboxOf25(file: string): Outbox {
  const outbox = new Outbox(file, { maxBytes: 1 << 30, commitIntervalMs: 5 });
  for (let i = 0; i < 25; i++) outbox.append('soil-01', T0 + i * 1000, { soil_moisture: i }, 1);
  outbox.flush();
  return outbox;
}

function uploaderFor(outbox: Outbox, url: string, retryMaxMs = 50): Uploader {
  const options = { url, token: 't', batchMaxReadings: 10, batchMaxAgeMs: 0, requestTimeoutMs: 5000, retryMinMs: 10, retryMaxMs, heartbeatMs: 60_000 };
  // Health as the gateway reports it: what has left so far.
  const uploader: Uploader = new Uploader(outbox, options, pino({ level: 'silent' }), () => ({ ...HEALTH, readingsOut: uploader.readingsOut }));
  return uploader;
}

/** The batches recorded in flight, oldest first, read from the outbox file as a second process would. */
function inFlight(file: string): string[] {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return (db.prepare('SELECT batch_id FROM inflight ORDER BY first_id').all() as { batch_id: string }[]).map((r) => r.batch_id);
  } finally {
    db.close();
  }
}

describe('Uploader', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('forms and records the next batch while the cloud works on one; after a restart both go out in order, once', async () => {
    const cloud = await heldCloud();
    cleanups.push(() => cloud.close());
    const file = join(tempDir('uploader'), 'outbox.db');
    let outbox = outboxOf25(file);
    let uploader = uploaderFor(outbox, cloud.url);
    uploader.start();

    // The first batch is at the cloud; its follower is formed and on disk meanwhile.
    await waitUntil('the first batch reached the cloud and the next one is recorded', () => cloud.batches.length === 1 && inFlight(file).length === 2);
    const [first, follower] = inFlight(file);
    expect(cloud.batches[0]!.batchId).toBe(first);
    await uploader.stop();
    outbox.close();

    // A restart: the batch the cloud never answered goes again, then the follower, each with its id.
    outbox = new Outbox(file, { maxBytes: 1 << 30, commitIntervalMs: 5 });
    uploader = uploaderFor(outbox, cloud.url);
    cleanups.push(async () => {
      await uploader.stop();
      outbox.close();
    });
    cloud.release();
    uploader.start();
    await waitUntil('every reading has left the outbox', () => outbox.backlog().depth === 0, { events: [[uploader, 'uploaded']] });
    expect(cloud.batches.map((b) => b.batchId).slice(0, 3)).toEqual([first, first, follower]);
    const delivered = cloud.batches.slice(1).flatMap((b) => b.readings.map((r) => r.value));
    expect(delivered).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  /**
   * An uploader over 25 readings, started against a cloud that holds its answers (the first `failing`
   * of them 503): resolves once the first batch is at the cloud and the next is formed and recorded.
   */
  async function heldAtFirstBatch(failing = 0) {
    const cloud = await heldCloud();
    cleanups.push(() => cloud.close());
    const file = join(tempDir('uploader'), 'outbox.db');
    const outbox = outboxOf25(file);
    const uploader = uploaderFor(outbox, cloud.url);
    cleanups.push(async () => {
      await uploader.stop();
      outbox.close();
    });
    cloud.failNext = failing;
    uploader.start();
    await waitUntil('the first batch reached the cloud and the next one is recorded', () => cloud.batches.length === 1 && inFlight(file).length === 2);
    const [first, follower] = inFlight(file);
    const allUploaded = () => waitUntil('every reading has left the outbox', () => outbox.backlog().depth === 0, { events: [[uploader, 'uploaded']] });
    return { cloud, first, follower, allUploaded };
  }

  it('sends the follower it prepared while the cloud worked on the first batch: each batch once, every reading in order', async () => {
    const { cloud, first, follower, allUploaded } = await heldAtFirstBatch();
    cloud.release();
    await allUploaded();
    expect(cloud.batches.map((b) => b.batchId).slice(0, 2)).toEqual([first, follower]);
    expect(new Set(cloud.batches.map((b) => b.batchId)).size).toBe(cloud.batches.length);
    expect(cloud.batches.flatMap((b) => b.readings.map((r) => r.value))).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it("waits as long as the cloud's Retry-After asks before sending a refused batch again", async () => {
    const cloud = await heldCloud();
    cleanups.push(() => cloud.close());
    const outbox = outboxOf25(join(tempDir('uploader'), 'outbox.db'));
    // Its own backoff would come back after 10 to 20 ms; the cloud asks for 1 s (503, Retry-After: 1).
    const uploader = uploaderFor(outbox, cloud.url, 5_000);
    cleanups.push(async () => {
      await uploader.stop();
      outbox.close();
    });
    cloud.failNext = 1;
    cloud.release();
    uploader.start();
    await waitUntil('every reading has left the outbox', () => outbox.backlog().depth === 0, { events: [[uploader, 'uploaded']], timeoutMs: 10_000 });
    expect(cloud.batches[1]!.batchId).toBe(cloud.batches[0]!.batchId);
    expect(cloud.arrivals[1]! - cloud.arrivals[0]!).toBeGreaterThanOrEqual(1000);
    expect(cloud.arrivals[1]! - cloud.arrivals[0]!).toBeLessThan(1000 * 1.2 + 500);
  });

  it('writes the follower afresh after a failed upload, so the health it brings is not older than the wait', async () => {
    const { cloud, first, follower, allUploaded } = await heldAtFirstBatch(1);
    cloud.release();
    await allUploaded();
    expect(cloud.batches.map((b) => b.batchId).slice(0, 3)).toEqual([first, first, follower]);
    // Written when it went, after the first batch's 10 readings had left; not when it was formed.
    expect(cloud.batches[2]!.health?.readingsOut).toBe(10);
  });
});
