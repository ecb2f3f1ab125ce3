import { z } from 'zod';
import { CommandAction } from './mqtt-topics.ts';
import { EpochMs, NodeId } from './reading.ts';

/** A command's life: queued → sent → delivered (the gateway has it) → done | failed, or expired. */
export const CommandState = z.enum(['queued', 'sent', 'delivered', 'done', 'failed', 'expired']);
export type CommandState = z.infer<typeof CommandState>;

/** What a person (or a rule) asks for. */
export const NewCommand = z.object({
  node: NodeId,
  action: CommandAction,
  /** For valve.open: how long to keep it open. */
  durationMin: z.number().positive().max(24 * 60).optional(),
  /** A command not delivered by then never runs. */
  expiresInMin: z.number().positive().max(24 * 60).default(10),
});
export type NewCommand = z.infer<typeof NewCommand>;

export const Command = z.object({
  id: z.string(),
  gateway: z.string(),
  node: z.string(),
  action: CommandAction,
  durationSec: z.number().int().positive().optional(),
  source: z.enum(['person', 'rule']),
  state: CommandState,
  detail: z.string().optional(),
  createdAt: z.number(),
  expiresAt: z.number(),
  sentAt: z.number().optional(),
  deliveredAt: z.number().optional(),
  doneAt: z.number().optional(),
  failedAt: z.number().optional(),
  expiredAt: z.number().optional(),
});
export type Command = z.infer<typeof Command>;

/** A command as it travels down to a gateway (SSE event `command`, or the ingest reply). */
export const GatewayCommand = z.object({
  id: z.string().min(1).max(128),
  node: NodeId,
  action: CommandAction,
  durationSec: z.number().int().positive().max(86_400).optional(),
  /** After this the gateway refuses it: a late command must not water a field nobody asked to water now. */
  expiresAt: EpochMs.optional(),
});
export type GatewayCommand = z.infer<typeof GatewayCommand>;

/** What a gateway reports about a command: it has it (delivered), or the valve's answer. */
export const CommandAckUp = z.object({
  id: z.string().min(1).max(128),
  node: NodeId,
  status: z.enum(['delivered', 'done', 'failed']),
  detail: z.string().max(500).optional(),
  ts: EpochMs,
});
export type CommandAckUp = z.infer<typeof CommandAckUp>;
