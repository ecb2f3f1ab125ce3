/**
 * Exponential backoff with full jitter: attempt n waits a random time up to min(max, min * 2^n), so a
 * field of gateways coming back after a cloud outage does not retry in lock step.
 */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.max(minMs / 2, Math.round(random() * ceiling));
}
