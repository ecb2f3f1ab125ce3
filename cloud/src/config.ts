import { z } from 'zod';

const Port = z.coerce.number().int().min(0).max(65_535);

/** The cloud's settings, from the environment; every one has a default that runs on a laptop. */
export const CloudConfig = z.object({
  RUONG_PORT: Port.optional(),
  RUONG_HOST: z.string().min(1).default('0.0.0.0'),
  RUONG_DATA_DIR: z.string().min(1).default('.ruong-data'),
  RUONG_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  RUONG_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(8 * 1024 * 1024),
  RUONG_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type CloudConfig = z.infer<typeof CloudConfig>;

export const DEFAULT_PORT = 8080;

/** Parses the environment, or throws one line naming the setting and what is wrong with it. */
export function parseCloudConfig(env: Record<string, string | undefined>): CloudConfig {
  const result = CloudConfig.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new Error(`${issue.path.join('.')}: ${issue.message}`);
}
