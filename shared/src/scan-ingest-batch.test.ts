import { describe, expect, it } from 'vitest';
import { BatchId, IngestBatch } from './ingest.ts';
import { METRIC_NAME_PATTERN, METRICS } from './metrics.ts';
import { NODE_ID_PATTERN } from './reading.ts';
import { scanIngestBatch, type ScannedBatch } from './scan-ingest-batch.ts';

const encode = (s: string) => new TextEncoder().encode(s);

/** What the general path answers: JSON.parse, then the schema. */
function general(text: string) {
  try {
    return IngestBatch.safeParse(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** The scan must agree with the general path whenever it answers, and its spans must hold each reading's own text. */
function expectAgreement(text: string, scanned: ScannedBatch) {
  const expected = general(text);
  expect(expected?.success, text).toBe(true);
  expect(scanned.batch).toEqual(expected!.data);
  const { bytes, spans } = scanned.source;
  const slice = (k: number) => new TextDecoder().decode(bytes.subarray(spans[k], spans[k + 1]));
  expected!.data!.readings.forEach((r, i) => {
    expect(Object.is(scanned.batch.readings[i]!.value, r.value), `${text}: value ${i}`).toBe(true);
    expect([slice(8 * i), slice(8 * i + 2), Number(slice(8 * i + 4)), Number(slice(8 * i + 6))]).toEqual([r.node, r.metric, r.value, r.ts]);
  });
}

/** Seeded batch texts: the gateway's own JSON, and the same bent in the ways a client or an attacker could bend it. */
function generator(seed: number) {
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const values = ['12.5', '-70', '0', '-0', '-0.0', '100', '100.0', '100.00000000000001', '99.99999999999999', '1e2', '1E+2', '1e-7', '-1.5e-300', '1e999', '25.60', '0.30000000000000004', '123456789012345', '1234567890123456789', '01', '1.', '.5', '+1', '-', 'NaN', '"12"', 'null', '1e', '1e+'];
  const stamps = ['1795000000000', '946684800000', '946684799999', '7258118400000', '7258118400001', '1795000000000.0', '1.795e12', '01795000000000', '-1795000000000', '17950000000000000000', '"1795000000000"'];
  const nodes = ['"soil-01"', '"w_2"', '"9x"', '"soil-02"', '"w_3"', '"8x"', '"Soil-01"', '"-x"', '"soil 01"', '"s\\u006fil"', '""', `"${'a'.repeat(64)}"`, `"${'a'.repeat(65)}"`, '7'];
  const metrics = ['"soil_moisture"', '"rssi"', '"my_metric"', '"my_metrid"', '"rssj"', '"1bad"', '"a-b"', '"soil\\u005fmoisture"', `"m${'a'.repeat(63)}"`, `"m${'a'.repeat(64)}"`];
  /** Mostly a good choice, sometimes any. */
  const mostly = <T>(good: readonly T[], all: readonly T[], p: number): T => pick(rand() < p ? good : all);
  // The first `good` choices are valid; names of the same length that differ in one byte are among them.
  const member = (key: string, all: readonly string[], good = 3) => `"${key}":${mostly(all.slice(0, good), all, 0.97)}`;
  const reading = () => {
    const members = [
      member('node', nodes, 6),
      member('metric', metrics, 5),
      member('value', values),
      member('ts', stamps),
    ];
    if (rand() < 0.3) members.sort(() => rand() - 0.5);
    const bend = rand();
    if (bend < 0.03) members.push('"extra":1');
    else if (bend < 0.06) members.push(members[0]!);
    else if (bend < 0.08) members.pop();
    else if (bend < 0.1) return pick(['null', '[1,2,3,4]', '{}']);
    return `{${members.join(rand() < 0.02 ? ', ' : ',')}}`;
  };
  const batch = () => {
    const readings = Array.from({ length: Math.floor(rand() * 8) }, reading).join(',');
    const ids = ['b-1', 'B_2', 'x'.repeat(128), 'bad id', '', 'x'.repeat(129)];
    const id = mostly(ids.slice(0, 3), ids, 0.8);
    const tails = [
      '}',
      ',"acks":[]}',
      ',"acks":[],"decisions":[],"health":{"uptimeSec":1,"rssBytes":2,"queueDepth":0,"oldestUnsentTs":null,"readingsIn":1,"readingsOut":1,"droppedByCap":0,"rejects":{}}}',
      ',"acks":[{"id":"c","node":"valve-1","status":"done","ts":1795000000000}]}',
      ',"acks":"no"}',
      ',"readings":[]}',
      ',"batchId":"other"}',
      '} ',
      '}x',
      ',"note":"ph\u1ea1m"}',
      '',
    ];
    const tail = mostly(tails.slice(0, 4), tails, 0.7);
    const heads = [`{"batchId":"${id}","readings":[`, `{"batchId":"${id}", "readings":[`, '{"readings":[', ` {"batchId":"${id}","readings":[`];
    const head = mostly(heads.slice(0, 1), heads, 0.7);
    return `${head}${readings}]${tail}`;
  };
  return { batch };
}

describe('scanIngestBatch', () => {
  it('answers only when the general path accepts the batch, and then with the same batch', () => {
    const { batch } = generator(7);
    let scanned = 0;
    for (let i = 0; i < 20_000; i++) {
      const text = batch();
      const mine = scanIngestBatch(encode(text));
      if (mine) {
        expectAgreement(text, mine);
        scanned++;
      }
    }
    expect(scanned).toBeGreaterThan(1000); // plenty of batches took the fast path, so the comparison means something
  });

  it("takes every batch a gateway writes with JSON.stringify, whatever its numbers' digits", () => {
    let seed = 3;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const readings = Array.from({ length: 1 + Math.floor(rand() * 20) }, (_, k) => ({
        node: `node-${Math.floor(rand() * 5)}`,
        metric: ['soil_moisture', 'air_temperature', 'rssi', 'custom_metric'][k % 4]!,
        value: k % 4 === 2 ? -Math.round(rand() * 1500) / 10 : [rand() * 70, Math.round(rand() * 1e4) / 1e4, 1e-7 * rand(), 0][Math.floor(rand() * 4)]!,
        ts: 946_684_800_000 + Math.floor(rand() * 6_311_433_600_000),
      }));
      const text = JSON.stringify({ batchId: `b-${i}`, readings, acks: [], decisions: [] });
      const mine = scanIngestBatch(encode(text));
      expect(mine, text).toBeDefined();
      expectAgreement(text, mine!);
    }
  });

  it('takes the most readings a batch may hold, and no more', () => {
    const text = (n: number) => JSON.stringify({ batchId: 'max', readings: Array.from({ length: n }, (_, i) => ({ node: 'n', metric: 'rssi', value: -60, ts: 1_795_000_000_000 + i })) });
    expect(scanIngestBatch(encode(text(10_000)))?.batch.readings).toHaveLength(10_000);
    expect(scanIngestBatch(encode(text(10_001)))).toBeUndefined();
  });

  it("agrees with the schema at the edges: each metric's range, the longest names and ids", () => {
    const cases: [string, string, string, string][] = [['n', 'custom', '1e308', 'b']];
    for (const [metric, { min, max }] of Object.entries(METRICS)) {
      for (const value of [min, max, `${min}.00000000000001`, `${max}.00000000000001`, `${max - 1}.99999999999999`, `${min}e0`, max + 1e-9, max + 1]) cases.push(['n', metric, String(value), 'b']);
    }
    for (const n of [63, 64, 65]) cases.push(['a'.repeat(n), 'rssi', '-1', 'b'], ['n', 'r'.repeat(n), '1', 'b'], ['n', 'rssi', '-1', 'b'.repeat(2 * n)]);
    for (const [node, metric, value, batchId] of cases) {
      const text = `{"batchId":"${batchId}","readings":[{"node":"${node}","metric":"${metric}","value":${value},"ts":1795000000000}]}`;
      const mine = scanIngestBatch(encode(text));
      expect(mine !== undefined, text).toBe(general(text)!.success);
      if (mine) expectAgreement(text, mine);
    }
  });

  it('tells thousands of distinct names apart, more than its hash table has slots', () => {
    // Readings of 3,000 nodes, each node coming back in a shuffled order, so names meet in every slot:
    // long names that share their first and last bytes, and names of one to three bytes.
    const order = Array.from({ length: 6000 }, (_, i) => (i * 7919) % 3000);
    for (const name of [(n: number) => `node-${n}-x`, (n: number) => n.toString(36)]) {
      const text = JSON.stringify({ batchId: 'many', readings: order.map((n, i) => ({ node: name(n), metric: `m${n % 37}`, value: n, ts: 1_795_000_000_000 + i })) });
      const mine = scanIngestBatch(encode(text));
      expect(new Set(mine?.batch.readings.map((r) => r.node)).size).toBe(3000);
      expectAgreement(text, mine!);
    }
  });

  it('holds a batch of the shortest readings there are', () => {
    const text = `{"batchId":"b","readings":[${Array(1000).fill('{"node":"a","metric":"a","value":0,"ts":946684800000}').join(',')}]}`;
    const mine = scanIngestBatch(encode(text));
    expect(mine?.batch.readings).toHaveLength(1000);
    expectAgreement(text, mine!);
  });

  it('reads names with the same rules as the schema patterns', () => {
    const accepts = (node: string, metric: string, batchId = 'b') =>
      scanIngestBatch(encode(JSON.stringify({ batchId, readings: [{ node, metric, value: -1, ts: 1_795_000_000_000 }] }))) !== undefined;
    for (let c = 0x20; c < 0x7f; c++) {
      const ch = String.fromCharCode(c);
      expect(accepts(`a${ch}`, 'rssi'), `node a${ch}`).toBe(NODE_ID_PATTERN.test(`a${ch}`));
      expect(accepts(`${ch}a`, 'rssi'), `node ${ch}a`).toBe(NODE_ID_PATTERN.test(`${ch}a`));
      expect(accepts('n', `a${ch}`), `metric a${ch}`).toBe(METRIC_NAME_PATTERN.test(`a${ch}`));
      expect(accepts('n', `${ch}a`), `metric ${ch}a`).toBe(METRIC_NAME_PATTERN.test(`${ch}a`));
      expect(accepts('n', 'rssi', `b${ch}`), `batch b${ch}`).toBe(BatchId.safeParse(`b${ch}`).success);
    }
  });
});
