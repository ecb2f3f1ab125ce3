import type { Reading, ReadingSource } from '@ruong/shared';

const TAG_SPECIAL = /[,= ]/;

function escapeTag(s: string): string {
  return TAG_SPECIAL.test(s) ? s.replace(/[,= ]/g, (c) => `\\${c}`) : s;
}

/**
 * Line protocol for readings, `readings,metric=<m>,node=<n> value=<v> <ms>`, written by hand on the
 * ingest hot path: it is what @influxdata/influxdb-client's Point produces (the test checks they agree),
 * at a quarter of the cost. Tags are sorted by key, as InfluxDB prefers.
 */
export function readingsToLineProtocol(measurement: string, readings: readonly Reading[]): string {
  let out = '';
  for (const r of readings) {
    out += `${measurement},metric=${escapeTag(r.metric)},node=${escapeTag(r.node)} value=${r.value} ${r.ts}\n`;
  }
  return out;
}

const ascii = (s: string) => Buffer.from(s, 'latin1');
const METRIC_TAG = ascii(',metric=');
const NODE_TAG = ascii(',node=');
const VALUE_FIELD = ascii(' value=');

function put(out: Uint8Array, at: number, from: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) out[at++] = from[i]!;
  return at;
}

/**
 * The lines `readingsToLineProtocol` writes for readings `from` to `to`, copied from the JSON the
 * readings arrived in rather than formatted again: names there never need escaping (their patterns
 * exclude `, =` and spaces), and a JSON number is a line-protocol float as written, so InfluxDB reads
 * the value JSON.parse read.
 */
export function sourceToLineProtocol(measurement: string, source: ReadingSource, from = 0, to = source.spans.length / 8): Buffer {
  const { bytes, spans } = source;
  const name = ascii(measurement);
  let size = (to - from) * (name.length + METRIC_TAG.length + NODE_TAG.length + VALUE_FIELD.length + 2);
  for (let k = 8 * from; k < 8 * to; k += 2) size += spans[k + 1]! - spans[k]!;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let k = 8 * from; k < 8 * to; k += 8) {
    at = put(out, at, name, 0, name.length);
    at = put(out, at, METRIC_TAG, 0, METRIC_TAG.length);
    at = put(out, at, bytes, spans[k + 2]!, spans[k + 3]!);
    at = put(out, at, NODE_TAG, 0, NODE_TAG.length);
    at = put(out, at, bytes, spans[k]!, spans[k + 1]!);
    at = put(out, at, VALUE_FIELD, 0, VALUE_FIELD.length);
    at = put(out, at, bytes, spans[k + 4]!, spans[k + 5]!);
    out[at++] = 0x20;
    at = put(out, at, bytes, spans[k + 6]!, spans[k + 7]!);
    out[at++] = 0x0a;
  }
  return out;
}
