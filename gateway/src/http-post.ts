import type { IncomingMessage } from 'node:http';

/** The answer's status and body, and its `Retry-After` header when it has one. */
export type PostAnswer = { status: number; text: string; retryAfter?: string | undefined };

/**
 * POSTs `body` and reads the whole answer, over node:http(s) and its keep-alive agent. Not fetch: under
 * a flood of MQTT messages fetch took several turns of the busy event loop before a request left (9 ms
 * median and up to 45 ms an upload, seen here), and uploads fell behind; node:http writes it at once.
 * Rejects on a network error, on `signal`, and on an answer cut off before its end (`res` errors then).
 */
export async function post(url: URL, body: Buffer, headers: Record<string, string>, signal: AbortSignal): Promise<PostAnswer> {
  // Loaded with the first upload, as fetch loads its client: a gateway with nothing sent yet is 4.5 MB
  // smaller (idle RSS, seen here).
  const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) }, signal }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), retryAfter: res.headers['retry-after'] }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
