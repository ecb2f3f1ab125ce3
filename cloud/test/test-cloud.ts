import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { startCloud, type Cloud } from '../src/cloud.ts';
import { parseCloudConfig } from '../src/config.ts';
import type { TelemetryStore } from '../src/stores/telemetry-store.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export type TestCloud = Cloud & {
  dataDir: string;
  /** Registers a gateway through the API and returns its token. */
  registerGateway(id: string): Promise<string>;
  get(path: string): Promise<Response>;
  stop(): Promise<void>;
};

/** A real cloud on a free loopback port with its own data folder. */
export async function startTestCloud(
  options: { dataDir?: string; port?: number; telemetry?: TelemetryStore; maxBodyBytes?: number; env?: Record<string, string>; log?: Logger } = {},
): Promise<TestCloud> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'ruong-cloud-'));
  const config = parseCloudConfig({
    RUONG_PORT: String(options.port ?? 0),
    RUONG_HOST: '127.0.0.1',
    RUONG_DATA_DIR: dataDir,
    RUONG_ADMIN_TOKEN: ADMIN_TOKEN,
    // Tests push batches much faster than a field does; the limit itself has its own test.
    RUONG_INGEST_RATE: '10000',
    RUONG_INGEST_BURST: '10000',
    ...(options.maxBodyBytes && { RUONG_MAX_BODY_BYTES: String(options.maxBodyBytes) }),
    ...options.env,
  });
  const cloud = await startCloud(config, options.log ?? pino({ level: 'silent' }), options.telemetry ? { telemetry: options.telemetry } : {});
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  return Object.assign(cloud, {
    dataDir,
    async registerGateway(id: string) {
      const res = await fetch(`${cloud.url}/api/v1/gateways`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ id }),
      });
      if (res.status !== 201) throw new Error(`register ${id}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    get: (path: string) => fetch(`${cloud.url}${path}`, { headers: auth }),
    async stop() {
      await cloud.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
