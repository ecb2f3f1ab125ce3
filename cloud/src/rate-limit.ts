import type { MiddlewareHandler } from 'hono';
import { ApiError } from './api-error.ts';
import type { AppEnv } from './app-env.ts';

/** Token buckets per key: `perSecond` takes a second on average, bursts up to `burst`. */
export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #now: () => number;

  constructor(perSecond: number, burst: number, now = Date.now) {
    this.#perSecond = perSecond;
    this.#burst = burst;
    this.#now = now;
  }

  /** Takes one token for `key`, or throws 429 with the seconds to wait. */
  take(key: string, what: string): void {
    this.check(key, what);
    this.spend(key);
  }

  /** Throws 429 when `key` has no token left, without taking one. */
  check(key: string, what: string): void {
    const b = this.#refill(key);
    if (b.tokens < 1) {
      const waitSec = Math.ceil((1 - b.tokens) / this.#perSecond);
      throw new ApiError('rate_limited', `too many ${what}; retry after ${waitSec} s`, { headers: { 'Retry-After': String(waitSec) } });
    }
  }

  spend(key: string): void {
    this.#refill(key).tokens -= 1;
  }

  #refill(key: string): { tokens: number; at: number } {
    const t = this.#now();
    const b = this.#buckets.get(key) ?? { tokens: this.#burst, at: t };
    b.tokens = Math.min(this.#burst, b.tokens + ((t - b.at) / 1000) * this.#perSecond);
    b.at = t;
    this.#buckets.set(key, b);
    return b;
  }
}

/**
 * A gateway draining a week's backlog sends one batch at a time and stays far below the limit; a
 * runaway loop does not.
 */
export function rateLimit(perSecond: number, burst: number, key: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => string, now = Date.now): MiddlewareHandler<AppEnv> {
  const buckets = new TokenBuckets(perSecond, burst, now);
  return async (c, next) => {
    buckets.take(key(c), `requests (over ${perSecond} a second)`);
    await next();
  };
}
