import type { z } from 'zod';
import { checkValue, METRIC_NAME_PATTERN } from './metrics.ts';
import { TelemetryPayload } from './mqtt-topics.ts';
import { EPOCH_MS_RANGE, SEQ_MAX, type ReadingSet } from './reading.ts';
import type { Rejection } from './reject-reason.ts';

export type TelemetryDecodeResult = { ok: true; set: ReadingSet } | ({ ok: false } & Rejection);

const MAX_PAYLOAD_BYTES = 16 * 1024;
const utf8 = new TextDecoder();

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
const isInt = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;

/** A payload exactly as `TelemetryPayload` accepts it, and nothing more; anything else is left to zod. */
function isPlainPayload(p: unknown): p is TelemetryPayload {
  if (!isPlainObject(p)) return false;
  for (const key in p) if (key !== 'seq' && key !== 'ts' && key !== 'readings') return false;
  if (p.seq !== undefined && !isInt(p.seq, 0, SEQ_MAX)) return false;
  if (p.ts !== undefined && !isInt(p.ts, EPOCH_MS_RANGE.min, EPOCH_MS_RANGE.max)) return false;
  const readings = p.readings;
  if (!isPlainObject(readings)) return false;
  let count = 0;
  for (const metric in readings) {
    const value = readings[metric];
    if (!METRIC_NAME_PATTERN.test(metric) || typeof value !== 'number' || !Number.isFinite(value) || checkValue(metric, value) !== undefined) return false;
    count++;
  }
  return count > 0;
}

/**
 * `TelemetryPayload.safeParse` with the same answers, without running zod over the payloads nodes
 * send every few seconds (the gateway's hot path); anything unusual is zod's to judge and describe.
 */
export function parseTelemetryPayload(json: unknown): z.ZodSafeParseResult<TelemetryPayload> {
  return isPlainPayload(json) ? { success: true, data: json } : TelemetryPayload.safeParse(json);
}

/** Decodes a `ruong/<node>/telemetry` payload (UTF-8 JSON bytes). Never throws. */
export function decodeTelemetry(node: string, payload: Uint8Array): TelemetryDecodeResult {
  if (payload.byteLength > MAX_PAYLOAD_BYTES) return { ok: false, reason: 'too_long', detail: `payload is over ${MAX_PAYLOAD_BYTES} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(payload));
  } catch {
    return { ok: false, reason: 'bad_json', detail: 'payload is not JSON' };
  }
  const parsed = parseTelemetryPayload(json);
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
