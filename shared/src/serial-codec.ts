import { METRICS, checkValue } from './metrics.ts';
import { EpochMs, NODE_ID_PATTERN, SEQ_MAX, type ReadingSet } from './reading.ts';
import type { Rejection } from './reject-reason.ts';

/**
 * The serial line protocol: `$RG,<node>,<seq>,<metric>=<value>[,...][,t=<epoch-ms>]*<HH>`.
 * HH is the XOR of every byte between `$` and `*`, as in NMEA 0183.
 */
export const MAX_LINE_BYTES = 512;
const TALKER = 'RG';
const METRIC_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
const DECIMAL_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SEQ_PATTERN = /^\d{1,10}$/;
const HEX2 = /^[0-9A-F]{2}$/;

export type DecodeResult = { ok: true; set: ReadingSet } | ({ ok: false } & Rejection);

export function checksum(body: string): string {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
  return x.toString(16).toUpperCase().padStart(2, '0');
}

export function encodeLine(set: ReadingSet): string {
  const parts = [TALKER, set.node, String(set.seq ?? 0)];
  for (const [metric, value] of Object.entries(set.readings)) parts.push(`${metric}=${value}`);
  if (set.ts !== undefined) parts.push(`t=${set.ts}`);
  const body = parts.join(',');
  return `$${body}*${checksum(body)}\n`;
}

function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) n += c > 0x7ff && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
  }
  return n;
}

function reject(reason: Rejection['reason'], detail: string): DecodeResult {
  return { ok: false, reason, detail };
}

/** Decodes one line (with or without its `\n` / `\r\n`). Never throws. */
export function decodeLine(raw: string): DecodeResult {
  const line = raw.endsWith('\n') ? raw.slice(0, raw.endsWith('\r\n') ? -2 : -1) : raw;
  if (utf8Length(line) > MAX_LINE_BYTES) return reject('too_long', `line is over ${MAX_LINE_BYTES} bytes`);
  if (!line.startsWith('$')) return reject('bad_framing', 'line does not start with $');
  const star = line.lastIndexOf('*');
  if (star < 0) return reject('bad_framing', 'no *HH checksum');
  const body = line.slice(1, star);
  const given = line.slice(star + 1);
  if (!HEX2.test(given)) return reject('bad_framing', `checksum "${given}" is not two upper-case hex digits`);
  const expected = checksum(body);
  if (given !== expected) return reject('bad_checksum', `checksum ${given} should be ${expected}`);

  const fields = body.split(',');
  if (fields[0] !== TALKER) return reject('bad_framing', `sentence must start with $${TALKER}`);
  const node = fields[1] ?? '';
  if (!NODE_ID_PATTERN.test(node)) return reject('bad_node', `node id "${node}" is not [a-z0-9][a-z0-9_-]{0,63}`);
  const seqText = fields[2] ?? '';
  const seq = Number(seqText);
  if (!SEQ_PATTERN.test(seqText) || seq > SEQ_MAX) return reject('bad_seq', `sequence "${seqText}" is not an integer 0..${SEQ_MAX}`);

  const readings: Record<string, number> = {};
  let ts: number | undefined;
  let count = 0;
  for (let i = 3; i < fields.length; i++) {
    const field = fields[i]!;
    const eq = field.indexOf('=');
    if (eq < 0) return reject('bad_framing', `field "${field}" is not metric=value`);
    const name = field.slice(0, eq);
    const text = field.slice(eq + 1);
    if (name === 't') {
      ts = Number(text);
      if (!/^\d{1,16}$/.test(text) || !EpochMs.safeParse(ts).success) {
        return reject('bad_timestamp', `t=${text} is not epoch milliseconds between 2000 and 2200`);
      }
      continue;
    }
    if (!METRIC_PATTERN.test(name)) return reject('bad_metric', `metric "${name}" is not [a-z][a-z0-9_]{0,63}`);
    if (Object.hasOwn(readings, name)) return reject('bad_metric', `metric ${name} appears twice`);
    if (!DECIMAL_PATTERN.test(text)) return reject('bad_value', `${name}=${text} is not a decimal number`);
    const value = Number(text);
    const problem = checkValue(name, value);
    if (problem) return reject(Object.hasOwn(METRICS, name) ? 'out_of_range' : 'bad_value', problem);
    readings[name] = value;
    count++;
  }
  if (count === 0) return reject('no_readings', 'line carries no metric=value');
  return { ok: true, set: ts === undefined ? { node, seq, readings } : { node, seq, ts, readings } };
}
