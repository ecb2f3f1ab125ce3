import { describe, expect, it } from 'vitest';
import { IngestBatch } from './ingest.ts';
import { parseIngestBatch } from './parse-ingest-batch.ts';

/** A seeded generator of readings that are good, or wrong in one of the ways a gateway or an attacker could make them. */
function generator(seed: number) {
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const good = () => ({ node: pick(['soil-01', 'w_2', '9x']), metric: pick(['soil_moisture', 'rssi', 'my_metric']), value: pick([12.5, -70, 0, 1e6]), ts: pick([1_795_000_000_000, 946_684_800_000, 7_258_118_400_000]) });
  const breakers: ((r: Record<string, unknown>) => unknown)[] = [
    (r) => r,
    (r) => ({ ...r, extra: 1 }),
    (r) => ({ ...r, node: 'Soil 01' }),
    (r) => ({ ...r, node: 7 }),
    (r) => ({ ...r, metric: '1bad' }),
    (r) => ({ ...r, metric: undefined }),
    (r) => ({ ...r, value: '12' }),
    (r) => ({ ...r, value: null }),
    (r) => ({ ...r, metric: 'soil_moisture', value: 101 }),
    (r) => ({ ...r, metric: 'rssi', value: 3 }),
    (r) => ({ ...r, ts: 1_795_000_000 }),
    (r) => ({ ...r, ts: 1_795_000_000_000.5 }),
    (r) => ({ ...r, ts: 7_258_118_400_001 }),
    (r) => ({ ...r, ts: '1795000000000' }),
    () => null,
    () => [1, 2, 3, 4],
    (r) => Object.assign(Object.create({ inherited: 1 }), r),
  ];
  const reading = () => (rand() < 0.85 ? good() : pick(breakers)(good()));
  const batch = () => {
    const readings = Array.from({ length: Math.floor(rand() * 6) }, reading);
    return pick<unknown>([
      { batchId: 'b-1', readings },
      { batchId: 'b-1', readings, acks: [], health: undefined },
      { batchId: 'bad id', readings },
      { batchId: 'b-2', readings, acks: [{ id: 'c', node: 'valve-1', status: 'done', ts: 1_795_000_000_000 }] },
      { batchId: 'b-3', readings, acks: 'no' },
      { batchId: 'b-4', readings: 'not an array' },
      { batchId: 'b-5' },
      null,
    ]);
  };
  return { batch };
}

describe('parseIngestBatch', () => {
  it('answers exactly as IngestBatch.safeParse on thousands of good and broken batches', () => {
    const { batch } = generator(11);
    let fast = 0;
    for (let i = 0; i < 5000; i++) {
      const raw = batch();
      const mine = parseIngestBatch(raw);
      const zods = IngestBatch.safeParse(raw);
      expect(mine.success).toBe(zods.success);
      if (mine.success && zods.success) {
        expect(mine.data).toEqual(zods.data);
        fast++;
      } else expect(mine.error!.issues).toEqual(zods.error!.issues);
    }
    expect(fast).toBeGreaterThan(500); // the comparison covered plenty of accepted batches too
  });

  it('takes the most readings a batch may hold, and no more', () => {
    const readings = (n: number) => Array.from({ length: n }, (_, i) => ({ node: 'n', metric: 'rssi', value: -60, ts: 1_795_000_000_000 + i }));
    expect(parseIngestBatch({ batchId: 'max', readings: readings(10_000) }).success).toBe(true);
    const over = parseIngestBatch({ batchId: 'over', readings: readings(10_001) });
    expect(over.success).toBe(false);
    expect(over.error!.issues[0]!.path).toEqual(['readings']);
  });
});
