import { describe, expect, it } from 'vitest';
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
