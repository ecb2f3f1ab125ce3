import type { z } from 'zod';
import { IngestBatch, MAX_BATCH_READINGS } from './ingest.ts';
import { checkValue, METRIC_NAME_PATTERN } from './metrics.ts';
import { EPOCH_MS_RANGE, NODE_ID_PATTERN, type Reading } from './reading.ts';

/**
 * A reading exactly as `ReadingShape` and the metric catalogue accept it, and nothing more: four keys
 * of the right types, ids matching their patterns, an integer ms timestamp in range, a value in its
 * metric's range. Anything else (an extra key, a wrong type) is left to zod.
 */
function isPlainReading(r: unknown): r is Reading {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return false;
  let keys = 0;
  for (const _ in r) keys++;
  const { node, metric, value, ts } = r as Record<string, unknown>;
  return (
    keys === 4 &&
    typeof node === 'string' &&
    NODE_ID_PATTERN.test(node) &&
    typeof metric === 'string' &&
    METRIC_NAME_PATTERN.test(metric) &&
    typeof value === 'number' &&
    Number.isFinite(value) &&
    typeof ts === 'number' &&
    Number.isSafeInteger(ts) &&
    ts >= EPOCH_MS_RANGE.min &&
    ts <= EPOCH_MS_RANGE.max &&
    checkValue(metric, value) === undefined
  );
}

/**
 * `IngestBatch.safeParse`, with the same answers, several times faster for the batches gateways
 * send: thousands of readings are checked by `isPlainReading` and only the rest of the batch goes
 * through zod. A batch with any reading the fast check does not vouch for is parsed by zod whole,
 * so every issue is zod's own. The schema stays the single source of truth; a property test holds
 * the two paths to the same results.
 */
export function parseIngestBatch(raw: unknown): z.ZodSafeParseResult<IngestBatch> {
  const readings = (raw as { readings?: unknown } | null)?.readings;
  if (!Array.isArray(readings) || readings.length > MAX_BATCH_READINGS || !readings.every(isPlainReading)) return IngestBatch.safeParse(raw);
  const rest = IngestBatch.safeParse({ ...(raw as object), readings: [] });
  return rest.success ? { success: true, data: { ...rest.data, readings } } : IngestBatch.safeParse(raw);
}
