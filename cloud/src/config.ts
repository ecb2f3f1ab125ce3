import { closestName, CONFIG_PARSE, configIssue, notASetting } from '@ruong/shared';
import { z } from 'zod';

const Port = z.coerce.number().int().min(0).max(65_535);
/** An InfluxQL duration such as 90d, 12w or INF (keep forever). */
const InfluxDuration = z.string().regex(/^(INF|\d+[hdw])$/, 'an InfluxDB duration like 90d, 52w or INF');

/**
 * The cloud's settings, from the environment; every one has a default that runs on a laptop. Each
 * one's description is what `ruong-cloud --help` prints for it.
 */
export const CloudConfig = z.object({
  RUONG_PORT: Port.optional().describe('HTTP port (default 8080; a free one is picked if 8080 is taken)'),
  RUONG_HOST: z.string().min(1).default('0.0.0.0').describe('address to listen on (default 0.0.0.0)'),
  RUONG_DATA_DIR: z.string().min(1).default('.ruong-data').describe('where the embedded stores live (default .ruong-data)'),
  RUONG_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().describe('the admin API token; without it the first start creates one and prints it once'),
  RUONG_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(8 * 1024 * 1024).describe('largest request body after inflating gzip (default 8 MiB)'),
  // Above what a healthy gateway does: it sends a batch once 20 ms of readings wait and the last one is
  // answered, up to about 50 requests a second over a fast link (more while draining a backlog).
  RUONG_INGEST_RATE: z.coerce.number().positive().default(100).describe('ingest requests a second per gateway; more are answered 429 (default 100)'),
  RUONG_INGEST_BURST: z.coerce.number().int().min(1).default(200).describe('ingest requests a gateway may send in a burst (default 200)'),
  /** How often alerts are checked; a node silent, or a gateway out of contact, for longer than this raises one. */
  RUONG_ALERT_CHECK_SEC: z.coerce.number().positive().default(30).describe('how often alerts are checked, in seconds (default 30)'),
  RUONG_ALERT_SILENT_MIN: z.coerce.number().positive().default(30).describe('minutes without a reading that make a sensor silent (default 30)'),
  RUONG_ALERT_OFFLINE_MIN: z.coerce.number().positive().default(10).describe('minutes out of contact that make a gateway offline (default 10)'),
  RUONG_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('fatal|error|warn|info|debug|trace|silent (default info)'),
  RUONG_TELEMETRY_STORE: z.enum(['sqlite', 'influxdb']).default('sqlite').describe('where readings are kept: sqlite (embedded, the default) or influxdb'),
  RUONG_INFLUX_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).default('http://127.0.0.1:8086').describe('the InfluxDB server (default http://127.0.0.1:8086)'),
  RUONG_INFLUX_DATABASE: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').default('ruong').describe('database (1.x), or the bucket mapped to it (2.x, 3.x) (default ruong)'),
  RUONG_INFLUX_RETENTION_POLICY: z.string().regex(/^[A-Za-z0-9_-]+$/).default('raw').describe('retention policy of raw readings (default raw)'),
  RUONG_INFLUX_RAW_RETENTION: InfluxDuration.default('90d').describe('how long raw readings are kept, like 90d, 52w or INF (default 90d)'),
  RUONG_INFLUX_ROLLUP_RETENTION_POLICY: z.string().regex(/^[A-Za-z0-9_-]+$/).default('rollup_1h').describe('retention policy of the hourly rollups (default rollup_1h)'),
  RUONG_INFLUX_ROLLUP_RETENTION: InfluxDuration.default('INF').describe('how long hourly rollups are kept (default INF: forever)'),
  RUONG_INFLUX_USERNAME: z.string().optional().describe('InfluxDB 1.x user'),
  RUONG_INFLUX_PASSWORD: z.string().optional().describe("that user's password"),
  RUONG_INFLUX_TOKEN: z.string().optional().describe('InfluxDB 2.x or 3.x token'),
  RUONG_INFLUX_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000).describe('a slower answer counts as InfluxDB being down (default 10000)'),
  RUONG_INFLUX_MANAGE_SCHEMA: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true')
    .describe('create the database and retention policies at start: true|false (default true)'),
  })
  // InfluxDB takes one way to sign in: a token (2.x, 3.x) or a user and password (1.x). Either half of a
  // pair alone, or both ways at once, would only show later as every batch refused.
  .superRefine((c, ctx) => {
    const refuse = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (c.RUONG_INFLUX_TOKEN !== undefined && c.RUONG_INFLUX_USERNAME !== undefined) refuse('RUONG_INFLUX_TOKEN', 'give a token (InfluxDB 2.x, 3.x) or RUONG_INFLUX_USERNAME and RUONG_INFLUX_PASSWORD (1.x), not both');
    else if (c.RUONG_INFLUX_USERNAME !== undefined && c.RUONG_INFLUX_PASSWORD === undefined) refuse('RUONG_INFLUX_PASSWORD', 'is missing: RUONG_INFLUX_USERNAME is set');
    else if (c.RUONG_INFLUX_PASSWORD !== undefined && c.RUONG_INFLUX_USERNAME === undefined) refuse('RUONG_INFLUX_USERNAME', 'is missing: RUONG_INFLUX_PASSWORD is set');
  });
export type CloudConfig = z.infer<typeof CloudConfig>;

export const DEFAULT_PORT = 8080;

/** The settings as `--help` lists them: name and description, one line each. */
export function settingsHelp(): string {
  const width = Math.max(...Object.keys(CloudConfig.shape).map((k) => k.length)) + 2;
  return Object.entries(CloudConfig.shape)
    .map(([name, schema]) => `  ${name.padEnd(width)}${schema.description}`)
    .join('\n');
}

/**
 * Parses the environment, or throws one line naming the setting and what is wrong with it. The
 * environment also holds other programs' settings, so only a RUONG_ name a letter or two from one of
 * ours counts as a misspelling: `RUONG_TELEMETRY_STOR=influxdb` ignored would keep readings in SQLite.
 */
export function parseCloudConfig(env: Record<string, string | undefined>): CloudConfig {
  const settings = Object.keys(CloudConfig.shape);
  for (const name of Object.keys(env)) {
    if (!name.startsWith('RUONG_') || name in CloudConfig.shape) continue;
    const meant = closestName(name, settings);
    if (meant) throw new Error(notASetting(name, meant));
  }
  const result = CloudConfig.safeParse(env, CONFIG_PARSE);
  if (result.success) return result.data;
  throw new Error(configIssue(result.error, CloudConfig));
}
