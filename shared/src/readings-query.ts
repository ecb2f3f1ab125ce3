import { z } from 'zod';
import { MetricName } from './metrics.ts';
import { NodeId } from './reading.ts';

/** A time given as epoch ms or ISO 8601, as people and scripts both write it. */
export const TimeParam = z
  .string()
  .transform((s, ctx) => {
    const t = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
    if (!Number.isFinite(t)) {
      ctx.addIssue({ code: 'custom', message: `"${s}" is neither epoch milliseconds nor ISO 8601` });
      return z.NEVER;
    }
    return t;
  });

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A bucket width like `5m`, `1h`, `1d`, in milliseconds. */
export const Every = z
  .string()
  .regex(/^[1-9]\d{0,4}[smhd]$/, 'every is a count and a unit: 30s, 5m, 1h, 1d')
  .transform((s) => Number(s.slice(0, -1)) * UNIT_MS[s.at(-1) as keyof typeof UNIT_MS]);

export const Aggregate = z.enum(['mean', 'min', 'max', 'last', 'sum']);
export type Aggregate = z.infer<typeof Aggregate>;

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

export const ReadingsQuery = z
  .object({
    node: oneOrMany(NodeId).optional(),
    metric: oneOrMany(MetricName).optional(),
    from: TimeParam,
    to: TimeParam.optional(),
    every: Every.optional(),
    agg: Aggregate.optional(),
  })
  .refine((q) => q.to === undefined || q.to > q.from, { path: ['to'], message: 'to must be after from' })
  .refine((q) => q.agg === undefined || q.every !== undefined, { path: ['agg'], message: 'agg needs every' });
export type ReadingsQuery = z.infer<typeof ReadingsQuery>;

export const Series = z.object({
  node: z.string(),
  metric: z.string(),
  unit: z.string(),
  points: z.array(z.tuple([z.number(), z.number()])),
});
export type Series = z.infer<typeof Series>;

export const ReadingsResponse = z.object({ series: z.array(Series) });

export const NodeSummary = z.object({
  node: z.string(),
  gateway: z.string(),
  lastSeen: z.number(),
  latest: z.record(z.string(), z.object({ value: z.number(), ts: z.number(), unit: z.string() })),
});
export type NodeSummary = z.infer<typeof NodeSummary>;
export const NodesResponse = z.object({ nodes: z.array(NodeSummary) });
