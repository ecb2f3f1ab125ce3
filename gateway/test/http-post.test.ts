import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { post } from '../src/http-post.ts';

/** A server on loopback that hands each request, once its body is in, to `handle`. */
async function serve(handle: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void) {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, Buffer.concat(chunks), res));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}/api/v1/ingest`);
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('post (node:http)', () => {
  const closes: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closes.splice(0)) await close();
  });

  it('sends the body and headers as given, and reads the whole answer', async () => {
    let seen: { headers: IncomingMessage['headers']; body: string } | undefined;
    const server = await serve((req, body, res) => {
      seen = { headers: req.headers, body: gunzipSync(body).toString() };
      res.writeHead(413, { 'Content-Type': 'application/json' });
      res.end('{"error":"too large"}');
    });
    closes.push(server.close);
    const answer = await post(server.url, gzipSync('{"batchId":"b-1"}'), { Authorization: 'Bearer t', 'Content-Encoding': 'gzip' }, AbortSignal.timeout(5_000));
    expect(answer).toEqual({ status: 413, text: '{"error":"too large"}' });
    expect(seen).toMatchObject({ body: '{"batchId":"b-1"}', headers: { authorization: 'Bearer t', 'content-encoding': 'gzip' } });
  });

  it('gives up when the signal fires while the answer is awaited', async () => {
    const server = await serve(() => {}); // never answers
    closes.push(server.close);
    await expect(post(server.url, Buffer.from('{}'), {}, AbortSignal.timeout(200))).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses an answer cut off before its end', async () => {
    const server = await serve((_req, _body, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"batchId":');
      setImmediate(() => res.socket!.destroy());
    });
    closes.push(server.close);
    await expect(post(server.url, Buffer.from('{}'), {}, AbortSignal.timeout(5_000))).rejects.toThrow();
  });

  it('fails at once when nothing listens', async () => {
    const server = await serve(() => {});
    await server.close();
    await expect(post(server.url, Buffer.from('{}'), {}, AbortSignal.timeout(5_000))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
