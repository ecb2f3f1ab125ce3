import { CONFIG_PARSE, configIssue, NodeId } from '@ruong/shared';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const Secret = z.string().min(8, 'must be at least 8 characters');

export const GatewayConfig = z
  .strictObject({
    gatewayId: NodeId,
    dataDir: z.string().min(1).default('/var/lib/ruong-gateway'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    cloud: z.strictObject({
      url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
      token: z.string().min(8, 'must be the token printed when the gateway was registered'),
      batchMaxReadings: z.number().int().min(1).max(10_000).default(5_000),
      // Short: a reading that should open a valve must not wait for a batch; while a batch is in
      // flight the next one grows, so a busy or slow link still sends large batches.
      batchMaxAgeMs: z.number().int().min(0).default(20),
      requestTimeoutMs: z.number().int().min(100).default(30_000),
      retryMinMs: z.number().int().min(10).default(1_000),
      retryMaxMs: z.number().int().min(10).default(60_000),
      heartbeatMs: z.number().int().min(1_000).default(60_000),
    }),
    outbox: z
      .strictObject({
        maxBytes: z.number().int().min(1024 * 1024, 'must be at least 1 MiB').default(4 * 1024 ** 3),
        commitIntervalMs: z.number().int().min(0).max(1_000).default(20),
      })
      .prefault({}),
    serial: z.array(z.strictObject({ path: z.string().min(1), baudRate: z.number().int().positive().default(9600) })).default([]),
    // `mode` may be left out, as the docs give it: `"mqtt": {"port": 1884}` is the embedded broker moved.
    mqtt: z
      .preprocess((v) => (v !== null && typeof v === 'object' && !('mode' in v) ? { mode: 'embedded', ...v } : v), z.discriminatedUnion('mode', [
        z.strictObject({ mode: z.literal('embedded'), host: z.string().default('0.0.0.0'), port: z.number().int().min(0).max(65_535).default(1883) }),
        z.strictObject({ mode: z.literal('client'), url: z.url({ protocol: /^mqtts?$/, error: 'must be an mqtt:// or mqtts:// URL' }), username: z.string().optional(), password: z.string().optional() }),
        z.strictObject({ mode: z.literal('off') }),
      ]))
      .default({ mode: 'embedded', host: '0.0.0.0', port: 1883 }),
    /** The nodes this gateway serves; MQTT nodes log in to the embedded broker with their secret. */
    nodes: z.record(NodeId, z.strictObject({ secret: Secret.optional(), kind: z.enum(['sensor', 'valve']).default('sensor') })).default({}),
    /** Arduinos running StandardFirmata, with relays that drive valves: relay name (a node id) → pin. */
    firmata: z
      .array(z.strictObject({ path: z.string().min(1), baudRate: z.number().int().positive().default(57_600), relays: z.record(NodeId, z.number().int().min(2).max(69)) }))
      .default([]),
    /** When the cloud has been unreachable this long, the gateway runs the synced zone rules itself. */
    offline: z
      .strictObject({ afterSec: z.number().min(0.1).default(600), ruleSyncSec: z.number().min(0.1).default(300) })
      .prefault({}),
    safety: z
      .strictObject({
        /** No valve stays open longer than this, whatever a command says. */
        maxOpenSec: z.number().int().min(1).max(86_400).default(3_600),
        /** A valve that does not confirm a command within this is reported failed. */
        ackTimeoutMs: z.number().int().min(100).default(10_000),
      })
      .prefault({}),
  })
  .superRefine((c, ctx) => {
    if (c.mqtt.mode !== 'embedded') return;
    for (const [node, n] of Object.entries(c.nodes)) {
      if (!n.secret) ctx.addIssue({ code: 'custom', path: ['nodes', node, 'secret'], message: 'is needed for the embedded broker' });
    }
  });
export type GatewayConfig = z.infer<typeof GatewayConfig>;

/** Environment variables that override the file, for secrets and per-machine values. */
const ENV_OVERRIDES: [string, (c: Record<string, any>, v: string) => void][] = [
  ['RUONG_GATEWAY_ID', (c, v) => (c.gatewayId = v)],
  ['RUONG_GATEWAY_DATA_DIR', (c, v) => (c.dataDir = v)],
  ['RUONG_CLOUD_URL', (c, v) => ((c.cloud ??= {}).url = v)],
  ['RUONG_GATEWAY_TOKEN', (c, v) => ((c.cloud ??= {}).token = v)],
  ['RUONG_MQTT_PORT', (c, v) => ((c.mqtt ??= {}).port = Number(v))],
  ['RUONG_LOG_LEVEL', (c, v) => (c.logLevel = v)],
];

export class ConfigError extends Error {}

/** Reads and checks the config file; throws a ConfigError of one line naming the setting. */
export function loadGatewayConfig(file: string | undefined, env: Record<string, string | undefined>): GatewayConfig {
  let raw: Record<string, any> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
    }
  }
  for (const [name, apply] of ENV_OVERRIDES) {
    const value = env[name];
    if (value !== undefined && value !== '') apply(raw, value);
  }
  const result = GatewayConfig.safeParse(raw, CONFIG_PARSE);
  if (result.success) return result.data;
  throw new ConfigError(`${file ? `config ${file}` : 'config'}: ${configIssue(result.error, GatewayConfig)}`);
}
