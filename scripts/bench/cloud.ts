/** The cloud as the bench runs it, and the senders that post prepared batches to it or to InfluxDB. */
import { start, type Proc } from './processes.ts';

export const ADMIN = 'bench-admin-token-0123456789';
/** Readings in each prepared batch, as a gateway sends them at most. */
export const BATCH_READINGS = 5000;

export async function startCloud(dataDir: string, port: number, env: Record<string, string> = {}): Promise<{ proc: Proc; url: string }> {
  // The bench measures capacity, so the per-gateway ingest rate limit is lifted.
  const proc = start('cloud/src/cli.ts', [], { RUONG_PORT: String(port), RUONG_HOST: '127.0.0.1', RUONG_DATA_DIR: dataDir, RUONG_ADMIN_TOKEN: ADMIN, RUONG_INGEST_RATE: '100000', RUONG_INGEST_BURST: '100000', ...env });
  const entry = await proc.log('cloud listening');
  return { proc, url: String(entry.url) };
}

export async function gatewayToken(url: string, id: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/gateways`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ id }),
  });
  return ((await res.json()) as { token: string }).token;
}

/** Posts prepared batches from `senders` concurrent senders (gateways), each one batch at a time; items/s. */
export async function postAll(bodies: (Buffer | string)[], senders: number, post: (body: Buffer | string, i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (next < bodies.length) {
        const i = next++;
        await post(bodies[i]!, i);
      }
    }),
  );
  return (bodies.length * BATCH_READINGS) / ((performance.now() - t0) / 1000);
}

/** Gzipped JSON batches through the ingest API, as gateways send them; readings/s. */
export async function ingestRateOf(url: string, token: string, bodies: Buffer[], senders = 1): Promise<number> {
  return postAll(bodies, senders, async (body, i) => {
    const res = await fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body,
    });
    if (res.status !== 200) throw new Error(`ingest of batch ${i} answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  });
}

/** Line protocol posted straight to an InfluxDB's /write; points/s. */
export async function lineProtocolRate(url: string, database: string, lines: string[], senders = 1): Promise<number> {
  return postAll(lines, senders, async (body) => {
    const res = await fetch(`${url}/write?db=${database}&precision=ms`, { method: 'POST', body });
    if (res.status !== 204) throw new Error(`influxd /write answered ${res.status}`);
  });
}
