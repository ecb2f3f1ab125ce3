import { TelemetryPayload } from './mqtt-topics.ts';
import type { ReadingSet } from './reading.ts';
import type { Rejection } from './reject-reason.ts';

export type TelemetryDecodeResult = { ok: true; set: ReadingSet } | ({ ok: false } & Rejection);

const MAX_PAYLOAD_BYTES = 16 * 1024;
const utf8 = new TextDecoder();

/** Decodes a `ruong/<node>/telemetry` payload (UTF-8 JSON bytes). Never throws. */
export function decodeTelemetry(node: string, payload: Uint8Array): TelemetryDecodeResult {
  if (payload.byteLength > MAX_PAYLOAD_BYTES) return { ok: false, reason: 'too_long', detail: `payload is over ${MAX_PAYLOAD_BYTES} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(payload));
  } catch {
    return { ok: false, reason: 'bad_json', detail: 'payload is not JSON' };
  }
  const parsed = TelemetryPayload.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.');
    const reason = path.startsWith('readings.') && issue.code === 'custom' ? 'out_of_range' : 'bad_payload';
    return { ok: false, reason, detail: `${path || 'payload'}: ${issue.message}` };
  }
  const { seq, ts, readings } = parsed.data;
  const set: ReadingSet = { node, readings };
  if (seq !== undefined) set.seq = seq;
  if (ts !== undefined) set.ts = ts;
  return { ok: true, set };
}

export function encodeTelemetry(set: Omit<ReadingSet, 'node'>): string {
  return JSON.stringify({ ...(set.seq !== undefined && { seq: set.seq }), ...(set.ts !== undefined && { ts: set.ts }), readings: set.readings });
}
