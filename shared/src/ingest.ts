import { z } from 'zod';
import { CommandAckUp, GatewayCommand } from './commands.ts';
import { DecisionUp } from './irrigation/zone.ts';
import { checkValue } from './metrics.ts';
import { EpochMs, ReadingShape } from './reading.ts';
import { RejectReason } from './reject-reason.ts';

export const MAX_BATCH_READINGS = 10_000;

export const BatchId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'batch ids are 1-128 of [A-Za-z0-9_-]');


/** What the gateway says about itself with every batch. */
export const GatewayHealth = z.object({
  uptimeSec: z.number().nonnegative(),
  rssBytes: z.number().int().nonnegative(),
  queueDepth: z.number().int().nonnegative(),
  oldestUnsentTs: EpochMs.nullable(),
  readingsIn: z.number().int().nonnegative(),
  readingsOut: z.number().int().nonnegative(),
  droppedByCap: z.number().int().nonnegative(),
  rejects: z.partialRecord(RejectReason, z.number().int().nonnegative()),
  /** The outbox cannot be written (a full or failing card): since when, SQLite's words, readings held in memory meanwhile. */
  outboxFailing: z.object({ since: EpochMs, error: z.string().max(300), heldReadings: z.number().int().nonnegative() }).optional(),
});
export type GatewayHealth = z.infer<typeof GatewayHealth>;

export const IngestBatch = z
  .object({
    batchId: BatchId,
    readings: z.array(ReadingShape).max(MAX_BATCH_READINGS),
    acks: z.array(CommandAckUp).max(1_000).default([]),
    /** Decisions the gateway's own rules made while the cloud was unreachable. */
    decisions: z.array(DecisionUp).max(1_000).default([]),
    health: GatewayHealth.optional(),
  })
  // Range checks in one pass over the batch: the same issues as Reading's, at a fraction of the cost.
  .superRefine((batch, ctx) => {
    batch.readings.forEach((r, i) => {
      const problem = checkValue(r.metric, r.value);
      if (problem) ctx.addIssue({ code: 'custom', path: ['readings', i, 'value'], message: problem });
    });
  });
export type IngestBatch = z.infer<typeof IngestBatch>;


export const IngestReply = z.object({
  batchId: BatchId,
  accepted: z.number().int().nonnegative(),
  duplicate: z.boolean(),
  commands: z.array(GatewayCommand),
});
export type IngestReply = z.infer<typeof IngestReply>;
