import { z } from 'zod';
import { MetricName, checkValue } from './metrics.ts';
import { EpochMs, NODE_ID_PATTERN, Seq } from './reading.ts';

/** Topic layout between nodes and the gateway's broker: `ruong/<node>/<kind>`. */
export const TOPIC_ROOT = 'ruong';
export const TopicKind = z.enum(['telemetry', 'status', 'cmd', 'cmd/ack']);
export type TopicKind = z.infer<typeof TopicKind>;

export const topics = {
  telemetry: (node: string) => `${TOPIC_ROOT}/${node}/telemetry`,
  status: (node: string) => `${TOPIC_ROOT}/${node}/status`,
  cmd: (node: string) => `${TOPIC_ROOT}/${node}/cmd`,
  cmdAck: (node: string) => `${TOPIC_ROOT}/${node}/cmd/ack`,
  /** What the gateway subscribes to when it is a client of another broker. */
  allTelemetry: `${TOPIC_ROOT}/+/telemetry`,
  allStatus: `${TOPIC_ROOT}/+/status`,
  allAcks: `${TOPIC_ROOT}/+/cmd/ack`,
} as const;

export type ParsedTopic = { node: string; kind: TopicKind };

// Every message's topic is parsed: a set lookup, not a schema run.
const TOPIC_KINDS: ReadonlySet<string> = new Set(TopicKind.options);

export function parseTopic(topic: string): ParsedTopic | undefined {
  const parts = topic.split('/');
  if (parts[0] !== TOPIC_ROOT || parts.length < 3 || parts.length > 4) return undefined;
  const node = parts[1]!;
  if (!NODE_ID_PATTERN.test(node)) return undefined;
  const kind = parts.slice(2).join('/');
  return TOPIC_KINDS.has(kind) ? { node, kind: kind as TopicKind } : undefined;
}

/** `ruong/<node>/telemetry` payload. */
export const TelemetryPayload = z
  .object({
    seq: Seq.optional(),
    ts: EpochMs.optional(),
    readings: z.record(MetricName, z.number()),
  })
  .superRefine((p, ctx) => {
    if (Object.keys(p.readings).length === 0) ctx.addIssue({ code: 'custom', path: ['readings'], message: 'no readings' });
    for (const [metric, value] of Object.entries(p.readings)) {
      const problem = checkValue(metric, value);
      if (problem) ctx.addIssue({ code: 'custom', path: ['readings', metric], message: problem });
    }
  });
export type TelemetryPayload = z.infer<typeof TelemetryPayload>;

export const NodeStatus = z.enum(['online', 'offline']);
export type NodeStatus = z.infer<typeof NodeStatus>;

export const CommandAction = z.enum(['valve.open', 'valve.close']);

/** `ruong/<node>/cmd` payload, gateway -> node. */
export const NodeCommand = z.object({
  id: z.string().min(1).max(128),
  action: CommandAction,
  durationSec: z.number().int().positive().max(86_400).optional(),
});
export type NodeCommand = z.infer<typeof NodeCommand>;

/** `ruong/<node>/cmd/ack` payload, node -> gateway. */
export const NodeCommandAck = z.object({
  id: z.string().min(1).max(128),
  status: z.enum(['done', 'failed']),
  detail: z.string().max(500).optional(),
});
export type NodeCommandAck = z.infer<typeof NodeCommandAck>;
