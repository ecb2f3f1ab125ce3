import { z } from 'zod';
import { MetricName, checkValue } from './metrics.ts';

export const NODE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const NodeId = z.string().regex(NODE_ID_PATTERN, 'node ids are [a-z0-9][a-z0-9_-]{0,63}');

export const SEQ_MAX = 2 ** 32 - 1;
export const Seq = z.number().int().min(0).max(SEQ_MAX);

/** Epoch milliseconds; 2000-01-01 .. 2200-01-01 catches seconds-vs-ms mistakes. */
export const EPOCH_MS_RANGE = { min: 946_684_800_000, max: 7_258_118_400_000 } as const;
export const EpochMs = z.number().int().min(EPOCH_MS_RANGE.min).max(EPOCH_MS_RANGE.max);

/** The shape of a reading, before its value is checked against the metric catalogue. */
export const ReadingShape = z.object({
  node: NodeId,
  metric: MetricName,
  value: z.number(),
  ts: EpochMs,
});

/** One value of one metric from one node at one time: the unit everything downstream stores. */
export const Reading = ReadingShape.superRefine((r, ctx) => {
  const problem = checkValue(r.metric, r.value);
  if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
});
export type Reading = z.infer<typeof Reading>;

/** What a node reports at once: several metrics, one optional sequence number and timestamp. */
export type ReadingSet = {
  node: string;
  seq?: number;
  ts?: number;
  readings: Record<string, number>;
};
