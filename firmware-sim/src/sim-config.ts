import { CONFIG_PARSE, configIssue, NodeId } from '@ruong/shared';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FaultRates } from './faults.ts';

const Kind = z.enum(['soil', 'weather']);

export const SimConfig = z.strictObject({
  seed: z.number().int().default(1),
  /** Field time per wall time: 60 makes a field hour pass in a minute. */
  speed: z.number().positive().default(1),
  /** Field time at the start, epoch ms; now by default. */
  start: z.number().int().optional(),
  /** Hours of history to replay at `speed` before running in real time (instead of `start`). */
  historyHours: z.number().positive().max(24 * 365).optional(),
  zones: z.array(z.string().min(1)).min(1).default(['zone-1']),
  /** Field seconds between a node's reports. */
  intervalSec: z.number().positive().default(60),
  faults: FaultRates,
  /** Where to create the socat pty pairs of serial nodes without a `path`. */
  ptyDir: z.string().optional(),
  serial: z.array(z.strictObject({ id: NodeId, zone: z.string(), kind: Kind.default('soil'), path: z.string().optional() })).default([]),
  mqtt: z
    .strictObject({
      url: z.url({ protocol: /^mqtts?$/ }),
      nodes: z.array(z.strictObject({ id: NodeId, secret: z.string(), zone: z.string(), kind: Kind.default('soil') })),
      /** Valve nodes that obey commands and water their zone. */
      valves: z
        .array(z.strictObject({ id: NodeId, secret: z.string(), zone: z.string(), applicationMmPerHour: z.number().positive().default(30), flowLpm: z.number().positive().default(120) }))
        .default([]),
    })
    .optional(),
});
export type SimConfig = z.infer<typeof SimConfig>;

export function loadSimConfig(file: string): SimConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  const result = SimConfig.safeParse(raw, CONFIG_PARSE);
  if (result.success) return result.data;
  throw new Error(`${file}: ${configIssue(result.error, SimConfig)}`);
}
