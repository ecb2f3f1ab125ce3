import type { IngestBatch, Reading } from '@ruong/shared';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestCloud, type TestCloud } from './test-cloud.ts';

const gzipAsync = promisify(gzip);
const T0 = Date.UTC(2026, 10, 20, 6);

function readings(node: string, n: number, start = T0): Reading[] {
  return Array.from({ length: n }, (_, i) => ({ node, metric: 'soil_moisture', value: 20 + (i % 10), ts: start + i * 60_000 }));
}

describe('POST /api/v1/ingest', () => {
  let cloud: TestCloud;
  let token: string;
  const post = (body: string | Uint8Array, headers: Record<string, string> = {}) =>
    fetch(`${cloud.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
      body,
    });

  beforeAll(async () => {
    cloud = await startTestCloud({ maxBodyBytes: 256 * 1024 });
    token = await cloud.registerGateway('gw-ingest');
  });
  afterAll(async () => cloud.stop());

  it('stores a batch and reads it back exactly', async () => {
    const batch: IngestBatch = { batchId: 'b-happy', readings: readings('soil-a', 5), acks: [], decisions: [] };
    const res = await post(JSON.stringify(batch));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ batchId: 'b-happy', accepted: 5, duplicate: false, commands: [] });
    const read = await cloud.get(`/api/v1/readings?node=soil-a&metric=soil_moisture&from=${T0}`);
    const { series } = (await read.json()) as { series: { points: [number, number][] }[] };
    expect(series[0]!.points).toEqual(batch.readings.map((r) => [r.ts, r.value]));
  });

  it('accepts gzip and stores the same batch once when it is sent twice', async () => {
    const batch = { batchId: 'b-twice', readings: readings('soil-b', 50) };
    const body = await gzipAsync(JSON.stringify(batch));
    const first = await post(body, { 'Content-Encoding': 'gzip' });
    const second = await post(body, { 'Content-Encoding': 'gzip' });
    expect(await first.json()).toMatchObject({ accepted: 50, duplicate: false });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ accepted: 50, duplicate: true });
    const read = await cloud.get(`/api/v1/readings?node=soil-b&from=${T0}&every=1d&agg=sum`);
    const { series } = (await read.json()) as { series: { points: [number, number][] }[] };
    expect(series[0]!.points.length).toBe(1);
    const count = await cloud.get(`/api/v1/readings?node=soil-b&from=${T0}`);
    expect(((await count.json()) as { series: { points: unknown[] }[] }).series[0]!.points).toHaveLength(50);
  });

  it('lists nodes with their gateway, last seen and latest values', async () => {
    const res = await cloud.get('/api/v1/nodes');
    const { nodes } = (await res.json()) as { nodes: { node: string; gateway: string; lastSeen: number; latest: Record<string, { value: number }> }[] };
    const a = nodes.find((n) => n.node === 'soil-a');
    expect(a).toMatchObject({ gateway: 'gw-ingest', lastSeen: T0 + 4 * 60_000, latest: { soil_moisture: { value: 24, unit: '%VWC' } } });
  });

  it('refuses an invalid batch with 400 and the path of each issue, storing nothing', async () => {
    const bad = { batchId: 'b-bad', readings: [...readings('soil-c', 2), { node: 'soil-c', metric: 'soil_moisture', value: 140, ts: T0 }] };
    const res = await post(JSON.stringify(bad));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; issues: { path: string; message: string }[]; requestId: string } };
    expect(body.error.code).toBe('bad_request');
    expect(body.error.issues).toContainEqual({ path: 'readings.2.value', message: 'soil_moisture=140 is outside 0..100 %VWC' });
    expect(body.error.requestId).toBeTruthy();
    const read = await cloud.get(`/api/v1/readings?node=soil-c&from=${T0}`);
    expect(await read.json()).toEqual({ series: [] });
  });

  it('refuses malformed JSON and gzip that is not gzip with 400', async () => {
    expect((await post('{"batchId":')).status).toBe(400);
    const notGzip = await post('plain', { 'Content-Encoding': 'gzip' });
    expect(notGzip.status).toBe(400);
    expect(((await notGzip.json()) as { error: { message: string } }).error.message).toMatch(/not valid gzip/);
  });

  it('refuses an oversized body with 413', async () => {
    const big = JSON.stringify({ batchId: 'b-big', readings: readings('soil-d', 4000) });
    expect(big.length).toBeGreaterThan(256 * 1024);
    const res = await post(big);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });

  it('reads a body sent in chunks, without a declared length, and refuses one that grows past the limit', async () => {
    const chunked = (text: string) => {
      const bytes = Buffer.from(text);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 16 * 1024) controller.enqueue(bytes.subarray(i, i + 16 * 1024));
          controller.close();
        },
      });
      return fetch(`${cloud.url}/api/v1/ingest`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    };
    const ok = await chunked(JSON.stringify({ batchId: 'b-chunked', readings: readings('soil-k', 500) }));
    expect(await ok.json()).toMatchObject({ accepted: 500, duplicate: false });
    const big = await chunked(JSON.stringify({ batchId: 'b-chunked-big', readings: readings('soil-k', 4000) }));
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { message: string } }).error.message).toMatch(/request body is over the limit/);
  });

  it('refuses a gzip bomb with 413 after inflating no more than the limit', async () => {
    const bomb = await gzipAsync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(256 * 1024);
    const res = await post(bomb, { 'Content-Encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/inflated/);
  });

  it('refuses other content encodings with 415', async () => {
    expect((await post('{}', { 'Content-Encoding': 'br' })).status).toBe(415);
  });

  it('answers 429 with Retry-After when a gateway posts faster than its rate', async () => {
    const limited = await startTestCloud({ env: { RUONG_INGEST_RATE: '1', RUONG_INGEST_BURST: '2' } });
    const t = await limited.registerGateway('gw-fast');
    const send = (i: number) =>
      fetch(`${limited.url}/api/v1/ingest`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ batchId: `fast-${i}`, readings: readings('soil-f', 1, T0 + i * 60_000) }),
      });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await send(i));
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(statuses[2]!.headers.get('retry-after')).toBe('1');
    expect(await statuses[2]!.json()).toMatchObject({ error: { code: 'rate_limited' } });
    const stored = await limited.get(`/api/v1/readings?node=soil-f&from=${T0}`);
    expect(((await stored.json()) as { series: { points: unknown[] }[] }).series[0]!.points).toHaveLength(2);
    await limited.stop();
  });

  it('repeats a command in every reply until the gateway has it, and brings the next one after quiet replies', async () => {
    const send = async (batchId: string, acks: IngestBatch['acks'] = []) => {
      const res = await post(JSON.stringify({ batchId, readings: readings('valve-q', 1, T0 + batchId.length), acks }));
      return ((await res.json()) as { commands: { id: string }[] }).commands.map((c) => c.id);
    };
    const command = async () => {
      const res = await fetch(`${cloud.url}/api/v1/commands`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ node: 'valve-q', action: 'valve.close' }),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    expect(await send('q-1')).toEqual([]);
    expect(await send('q-2')).toEqual([]);
    const first = await command();
    expect(await send('q-3')).toEqual([first]);
    expect(await send('q-4')).toEqual([first]);
    expect(await send('q-5', [{ id: first, node: 'valve-q', status: 'delivered', ts: T0 }])).toEqual([]);
    expect(await send('q-6')).toEqual([]);
    const second = await command();
    expect(await send('q-7')).toEqual([second]);
  });

  it('refuses a missing or wrong token with 401 and stores nothing', async () => {
    const batch = JSON.stringify({ batchId: 'b-401', readings: readings('soil-e', 1) });
    const none = await fetch(`${cloud.url}/api/v1/ingest`, { method: 'POST', body: batch, headers: { 'Content-Type': 'application/json' } });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await post(batch, { Authorization: 'Bearer rgw_wrong' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    const admin = await post(batch, { Authorization: 'Bearer test-admin-token-0123456789' });
    expect(admin.status).toBe(401);
    expect(await (await cloud.get(`/api/v1/readings?node=soil-e&from=${T0}`)).json()).toEqual({ series: [] });
  });
});
