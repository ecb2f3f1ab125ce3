import type { Reading } from '@ruong/shared';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OutboxBatch } from '../src/outbox-batch.ts';
import { Outbox } from '../src/outbox.ts';
import { tempDir, withFullCard } from './helpers.ts';

const T0 = Date.UTC(2026, 0, 1);
const readings = (n: number, from = 0): Reading[] =>
  Array.from({ length: n }, (_, i) => ({ node: 'soil-01', metric: 'soil_moisture', value: (from + i) % 100, ts: T0 + (from + i) * 1000 }));

/** What a batch is: its id and its readings. */
const content = (b: OutboxBatch | undefined) => b && { batchId: b.batchId, size: b.size, readings: b.readings };

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
    expect(content(box.nextBatch(10))).toEqual(content(first));
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

  it('tells a waiting sender when its readings are on disk, on a later turn of the event loop', async () => {
    const box = new Outbox(join(tempDir('outbox'), 'o.db'), { maxBytes: 1 << 30, commitIntervalMs: 1000 });
    put(box, readings(1));
    let committed = false;
    const told = new Promise<void>((resolve) => box.afterCommit(resolve)).then(() => (committed = true));
    box.flush();
    expect(box.backlog().depth).toBe(1);
    expect(committed).toBe(false);
    await told;
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
    expect(content(box.nextBatch(100))).toEqual(content(inflight));
    box.ack(inflight.batchId);
    const next = box.nextBatch(1)!;
    // What follows the batch in flight is the oldest reading that survived: the dropped ones came right after it.
    expect(next.readings[0]!.ts).toBeGreaterThan(inflight.readings.at(-1)!.ts + 1000);
    expect(box.backlog().depth).toBe(40_000 - 100 - box.droppedByCap);
    box.close();
  });

  it('forms the batch that follows the one in flight, and after a reopen resends both in order', () => {
    const file = join(tempDir('outbox'), 'outbox.db');
    let box = new Outbox(file, { maxBytes: 1 << 30, commitIntervalMs: 5 });
    put(box, readings(25));
    box.flush();
    const first = box.nextBatch(10)!;
    const follower = box.batchAfter(first.batchId, 10, 10)!;
    expect(follower.readings).toEqual(readings(10, 10));
    // One follower at a time, and only of the batch in flight; never one short of `min`.
    expect(box.batchAfter(first.batchId, 10)).toBeUndefined();
    expect(box.batchAfter(follower.batchId, 10)).toBeUndefined();
    // The oldest in flight goes out first; a batch the caller holds comes back as it is.
    expect(content(box.nextBatch(10, 1, follower))).toEqual(content(first));
    box.close();

    box = new Outbox(file, { maxBytes: 1 << 30, commitIntervalMs: 5 });
    expect(content(box.nextBatch(10))).toEqual(content(first));
    expect(box.ack(first.batchId)).toBe(10);
    expect(box.nextBatch(10, 1, follower)).toBe(follower);
    expect(content(box.nextBatch(10))).toEqual(content(follower));
    expect(box.batchAfter(follower.batchId, 10, 10)).toBeUndefined(); // 5 wait, fewer than a full batch
    expect(box.ack(follower.batchId)).toBe(10);
    expect(box.nextBatch(100)!.readings).toEqual(readings(5, 20));
    box.close();
  });

  it('counts a follower as full when its next reading set would not fit', () => {
    const box = new Outbox(join(tempDir('outbox'), 'o.db'), { maxBytes: 1 << 30, commitIntervalMs: 5 });
    for (let i = 0; i < 6; i++) box.append('soil-01', T0 + i, { soil_moisture: 30, soil_temperature: 25, rssi: -70 }, 3);
    box.flush();
    const first = box.nextBatch(8)!;
    expect(first.readings).toHaveLength(6);
    expect(box.batchAfter(first.batchId, 8, 8)?.readings).toHaveLength(6);
    box.close();
  });

  it('spares every batch in flight when it drops readings past its cap', () => {
    const box = new Outbox(join(tempDir('outbox'), 'o.db'), { maxBytes: 1024 * 1024, commitIntervalMs: 5 });
    put(box, readings(1000));
    box.flush();
    const first = box.nextBatch(100)!;
    const follower = box.batchAfter(first.batchId, 100)!;
    for (let i = 1; i < 40; i++) {
      put(box, readings(1000, i * 1000));
      box.flush();
    }
    box.enforceCap();
    expect(box.droppedByCap).toBeGreaterThan(0);
    expect(content(box.nextBatch(100))).toEqual(content(first));
    box.ack(first.batchId);
    expect(content(box.nextBatch(100))).toEqual(content(follower));
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

describe('Outbox on a full card', () => {
  it('holds reading sets and their acknowledgements in memory while commits fail, the oldest past a limit dropped, and commits them once it can', async () => {
    const failures: string[] = [];
    const recoveries: number[] = [];
    const drops: [number, number][] = [];
    const box = new Outbox(join(tempDir('outbox-full'), 'outbox.db'), {
      maxBytes: 1 << 30,
      commitIntervalMs: 5,
      onWriteFailed: (err) => failures.push(err.message),
      onWriteRecovered: (ms) => recoveries.push(ms),
      onDrop: (n, oldestTs) => drops.push([n, oldestTs]),
    });
    put(box, readings(10));
    box.flush();
    let acknowledged = false;
    let onDisk: Promise<void> | undefined;
    await withFullCard(() => {
      put(box, readings(50_010, 10));
      onDisk = new Promise<void>((resolve) => box.afterCommit(resolve)).then(() => void (acknowledged = true));
      box.flush();
      box.flush();
    });
    // One report for the whole outage, in SQLite's words (EFBIG reads as an I/O error, ENOSPC as a full disk).
    expect(failures).toEqual([expect.stringMatching(/^(disk I\/O error|database or disk is full)$/)]);
    expect(box.backlog().depth).toBe(10);
    // Past 50,000 sets held, the oldest tenth went: a card full for days must not take the memory too.
    expect(drops).toEqual([[5_000, T0 + 10_000]]);
    expect(box.droppedByCap).toBe(5_000);
    // A turn later, when an acknowledgement would go out: none did, as nothing is on the card.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(acknowledged).toBe(false);

    box.flush();
    expect(recoveries).toHaveLength(1);
    expect(box.backlog()).toEqual({ depth: 10 + 45_010, oldestTs: T0 });
    await onDisk;
    expect(acknowledged).toBe(true);
    const batch = box.nextBatch(20)!;
    expect(batch.readings).toEqual([...readings(10), ...readings(10, 5_010)]);
    box.close();
  });
});
