import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';
import { SeqDedupe } from './dedupe.ts';

describe('SeqDedupe', () => {
  it('lets each (node, seq) through once, per node', () => {
    const d = new SeqDedupe();
    expect(d.firstTime('a', 1)).toBe(true);
    expect(d.firstTime('a', 1)).toBe(false);
    expect(d.firstTime('b', 1)).toBe(true);
    expect(d.firstTime('a', 2)).toBe(true);
  });
  it('forgets sequence numbers older than its window, so a rebooted node is heard again', () => {
    const d = new SeqDedupe();
    for (let s = 0; s < 100; s++) expect(d.firstTime('a', s)).toBe(true);
    expect(d.firstTime('a', 99)).toBe(false);
    expect(d.firstTime('a', 0)).toBe(true);
  });
  it('handles the wrap at 2^32', () => {
    const d = new SeqDedupe();
    expect(d.firstTime('a', 2 ** 32 - 1)).toBe(true);
    expect(d.firstTime('a', 0)).toBe(true);
    expect(d.firstTime('a', 2 ** 32 - 1)).toBe(false);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially up to the maximum, with jitter below the ceiling', () => {
    expect(backoffDelay(0, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffDelay(3, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffDelay(20, 1000, 60_000, () => 1)).toBe(60_000);
    expect(backoffDelay(3, 1000, 60_000, () => 0.5)).toBe(4000);
    expect(backoffDelay(3, 1000, 60_000, () => 0)).toBe(500);
  });
});
