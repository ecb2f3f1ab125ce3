import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export type PostAnswer = { status: number; text: string };

/**
 * POSTs `body` and reads the whole answer, over node:http(s) and its keep-alive agent. Not fetch: under
 * a flood of MQTT messages fetch took several turns of the busy event loop before a request left (9 ms
 * median and up to 45 ms an upload, seen here), and uploads fell behind; node:http writes it at once.
 * Rejects on a network error, on `signal`, and on an answer cut off before its end (`res` errors then).
 */
export function post(url: URL, body: Buffer, headers: Record<string, string>, signal: AbortSignal): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) }, signal }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
