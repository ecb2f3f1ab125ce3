import type { MiddlewareHandler } from 'hono';
import { gunzipSync } from 'node:zlib';
import { ApiError } from './api-error.ts';
import type { AppEnv } from './app-env.ts';

/**
 * Bodies are inflated on the main thread in one go: several times cheaper in CPU than zlib's
 * asynchronous form, whose thread-pool round trip per 16 KiB step cost more than the inflating. The
 * output buffer is sized from the size the gzip trailer declares, so a batch inflates into one
 * allocation; the declared size is only a hint, bounded by what so small a body could plausibly hold.
 */
function inflateStep(gz: Buffer, limit: number): number {
  const declared = gz.length >= 18 ? gz.readUInt32LE(gz.length - 4) : 0;
  // +1: zlib takes a full output buffer as a sign of more to come and allocates another.
  return Math.max(1024, Math.min(declared + 1, limit, gz.length * 64));
}

async function readLimited(body: ReadableStream<Uint8Array> | null, limit: number, what: string): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) throw new ApiError('payload_too_large', `${what} is over the limit of ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads the request body once, inflating `Content-Encoding: gzip`, and refuses anything whose
 * inflated size passes `limit`: a small gzip bomb is as much a 413 as a large plain body. Hono does
 * not inflate request bodies itself; the plain bytes are left in `c.var.body`.
 */
export function inflatedBody(limit: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const encoding = (c.req.header('content-encoding') ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== 'gzip') {
      throw new ApiError('unsupported_media_type', `Content-Encoding ${encoding} is not supported; send gzip or nothing`);
    }
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > limit) throw new ApiError('payload_too_large', `request body is over the limit of ${limit} bytes`);
    // With a declared length (HTTP/1.1 holds a body to it) the adapter reads the bytes straight off the
    // socket, much cheaper than through a web stream; a chunked body is counted as it comes.
    let body = declared > 0 ? Buffer.from(await c.req.raw.arrayBuffer()) : await readLimited(c.req.raw.body, limit, 'request body');
    if (encoding === 'gzip') {
      try {
        body = gunzipSync(body, { maxOutputLength: limit, chunkSize: inflateStep(body, limit) });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          throw new ApiError('payload_too_large', `inflated request body is over the limit of ${limit} bytes`);
        }
        throw new ApiError('bad_request', 'request body is not valid gzip', { cause: err });
      }
    }
    c.set('body', body);
    await next();
  };
}
