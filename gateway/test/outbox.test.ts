import type { Reading } from '@ruong/shared';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Outbox } from '../src/outbox.ts';
import { tempDir } from './helpers.ts';

const T0 = Date.UTC(2026, 0, 1);
const readings = (n: number, from = 0): Reading[] =>
  Array.from({ length: n }, (_, i) => ({ node: 'soil-01', metric: 'soil_moisture', value: (from + i) % 100, ts: T0 + (from + i) * 1000 }));

/** Appends each reading as a set of its own, so batch sizes count readings exactly. */
function put(box: Outbox, rs: Reading[]): void {
  for (const r of rs) box.append(r.node, r.ts, { [r.metric]: r.value }, 1);
}

describe('Outbox (SQLite on a real file)', () => {
  it('keeps readings across a reopen and resends the batch in flight with the same id and content', () => {
    const file = join(tempDir('outbox'), 'outbox.db');
    let box = new Outbox(file, { maxBytes: 1 << 30, commitIntervalMs: 5 });
    put(box, readings(25));
    box.flush();
    const first = box.nextBatch(10)!;
    expect(first.readings).toEqual(readings(10));
    box.close();

    box = new Outbox(file, { maxBytes: 1 << 30, commitIntervalMs: 5 });
    expect(box.nextBatch(10)).toEqual(first);
    expect(box.backlog()).toEqual({ depth: 25, oldestTs: T0 });
    expect(box.ack(first.batchId)).toBe(10);
    expect(box.ack(first.batchId)).toBe(0);
    const second = box.nextBatch(100)!;
    expect(second.batchId).not.toBe(first.batchId);
    expect(second.readings).toEqual(readings(15, 10));
    box.close();
  });

  it('forms a new batch only when enough readings wait', () => {
    const box = new Outbox(join(tempDir('outbox'), 'o.db'), { maxBytes: 1 << 30, commitIntervalMs: 5 });
    put(box, readings(3));
    box.flush();
    expect(box.nextBatch(10, 5)).toBeUndefined();
    expect(box.nextBatch(10, 3)?.readings).toHaveLength(3);
    box.close();
  });

  it('tells a waiting sender when its readings are on disk', async () => {
    const box = new Outbox(join(tempDir('outbox'), 'o.db'), { maxBytes: 1 << 30, commitIntervalMs: 1000 });
    put(box, readings(1));
    let committed = false;
    box.afterCommit(() => (committed = true));
    expect(committed).toBe(false);
    box.flush();
    expect(committed).toBe(true);
    box.close();
  });

  it('stores a reading set once and sends out each of its readings', () => {
    const box = new Outbox(join(tempDir('outbox'), 'o.db'), { maxBytes: 1 << 30, commitIntervalMs: 5 });
    box.append('soil-01', T0, { soil_moisture: 31.5, rssi: -70 }, 2);
    box.append('soil-02', T0 + 1, { soil_moisture: 20 }, 1);
    box.flush();
    expect(box.backlog().depth).toBe(3);
    // Whole sets only: a batch of at most 2 readings carries the first set.
    expect(box.nextBatch(2)!.readings).toEqual([
      { node: 'soil-01', metric: 'soil_moisture', value: 31.5, ts: T0 },
      { node: 'soil-01', metric: 'rssi', value: -70, ts: T0 },
    ]);
    box.close();
  });

  it('drops the oldest unsent readings past its disk cap, never the batch in flight, and counts them', () => {
    const drops: number[] = [];
    const box = new Outbox(join(tempDir('outbox'), 'o.db'), { maxBytes: 1024 * 1024, commitIntervalMs: 5, onDrop: (n) => drops.push(n) });
    put(box, readings(1000));
    box.flush();
    const inflight = box.nextBatch(100)!;
    for (let i = 1; i < 40; i++) {
      put(box, readings(1000, i * 1000));
      box.flush();
    }
    box.enforceCap();
    expect(box.bytesUsed()).toBeLessThanOrEqual(1024 * 1024);
    expect(box.droppedByCap).toBeGreaterThan(0);
    expect(drops.reduce((a, b) => a + b, 0)).toBe(box.droppedByCap);
    expect(box.nextBatch(100)).toEqual(inflight);
    box.ack(inflight.batchId);
    const next = box.nextBatch(1)!;
    // What follows the batch in flight is the oldest reading that survived: the dropped ones came right after it.
    expect(next.readings[0]!.ts).toBeGreaterThan(inflight.readings.at(-1)!.ts + 1000);
    expect(box.backlog().depth).toBe(40_000 - 100 - box.droppedByCap);
    box.close();
  });

  it('sets a refused batch aside in quarantine and moves on', () => {
    const box = new Outbox(join(tempDir('outbox'), 'o.db'), { maxBytes: 1 << 30, commitIntervalMs: 5 });
    put(box, readings(20));
    box.flush();
    const bad = box.nextBatch(5)!;
    expect(box.quarantine(bad.batchId)).toBe(5);
    expect(box.nextBatch(100)!.readings).toEqual(readings(15, 5));
    box.close();
  });
});
