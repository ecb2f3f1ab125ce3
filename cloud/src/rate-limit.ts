import type { MiddlewareHandler } from 'hono';
import { ApiError } from './api-error.ts';
import type { AppEnv } from './app-env.ts';

/**
 * Token buckets per key: `perSecond` requests a second on average, bursts up to `burst`. A gateway
 * draining a week's backlog sends one batch at a time and stays far below; a runaway loop does not.
 */
export function rateLimit(perSecond: number, burst: number, key: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => string, now = Date.now): MiddlewareHandler<AppEnv> {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return async (c, next) => {
    const k = key(c);
    const t = now();
    const b = buckets.get(k) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * perSecond);
    b.at = t;
    buckets.set(k, b);
    if (b.tokens < 1) {
      const waitSec = Math.ceil((1 - b.tokens) / perSecond);
      throw new ApiError('rate_limited', `over ${perSecond} requests per second; retry after ${waitSec} s`, { headers: { 'Retry-After': String(waitSec) } });
    }
    b.tokens -= 1;
    await next();
  };
}
