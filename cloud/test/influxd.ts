import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../../scripts/free-port.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';


export type Influxd = {
  url: string;
  port: number;
  dir: string;
  /** The running server's process id (the bench reads its CPU time). */
  pid(): number | undefined;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its data. */
  dispose(): Promise<void>;
  query(q: string, db?: string, auth?: string): Promise<any>;
};

/**
 * A real `influxd` (Debian's influxdb 1.6.7) on free loopback ports with its config and data under a
 * temp dir. `stop()` and `start()` again keep the data, for outage tests.
 */
export async function startInfluxd(options: { auth?: boolean } = {}): Promise<Influxd> {
  const dir = mkdtempSync(join(tmpdir(), 'ruong-influxd-'));
  const port = await freePort();
  const rpc = await freePort();
  const config = join(dir, 'influxdb.conf');
  writeFileSync(
    config,
    `reporting-disabled = true
bind-address = "127.0.0.1:${rpc}"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${port}"
  log-enabled = false
  auth-enabled = ${options.auth ? 'true' : 'false'}
[continuous_queries]
  enabled = false
[monitor]
  store-enabled = false
`,
  );
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';
  const influxd: Influxd = {
    url,
    port,
    dir,
    pid: () => child?.pid,
    async start() {
      child = spawn('influxd', ['-config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
      const failed = once(child, 'error').then(([err]) => {
        throw (err as NodeJS.ErrnoException).code === 'ENOENT' ? new Error('influxd is not installed (apt-get install influxdb)') : err;
      });
      const exited = once(child, 'exit').then(([code]) => {
        throw new Error(`influxd exited with ${code}: ${output.slice(-2000)}`);
      });
      const deadline = Date.now() + 30_000;
      const ready = (async () => {
        for (;;) {
          try {
            if ((await fetch(`${url}/ping`)).status === 204) return;
          } catch {
            // not listening yet
          }
          if (Date.now() > deadline) throw new Error(`influxd did not answer /ping in 30 s: ${output.slice(-2000)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      await Promise.race([ready, failed, exited]);
    },
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
    async dispose() {
      await influxd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    async query(q: string, db?: string, auth?: string) {
      const params = new URLSearchParams({ q, epoch: 'ms', ...(db && { db }) });
      const res = await fetch(`${url}/query?${params}`, { method: 'POST', headers: auth ? { Authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {} });
      return res.json();
    },
  };
  await influxd.start();
  return influxd;
}

/** Store options for a database on a test influxd, keeping raw data forever (test data has old dates). */
export function influxOptions(url: string, database: string, raw = 'INF') {
  return {
    url,
    database,
    timeoutMs: 5_000,
    manageSchema: true,
    retention: { raw: { name: 'raw', duration: raw }, rollup: { name: 'rollup_1h', duration: 'INF' } },
  };
}
