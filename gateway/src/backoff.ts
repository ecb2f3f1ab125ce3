/**
 * Exponential backoff with full jitter: attempt n waits a random time up to min(max, min * 2^n), so a
 * field of gateways coming back after a cloud outage does not retry in lock step.
 */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.max(minMs / 2, Math.round(random() * ceiling));
}

/**
 * How long a `Retry-After` header asks to wait, in ms: delay-seconds or an HTTP date. Undefined when
 * there is none or it cannot be read, so the caller's own backoff applies.
 */
export function retryAfterMs(header: string | undefined, now: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date starts with the day's name; Date.parse alone would take "-3" for a year.
  const at = /^[A-Za-z]/.test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
