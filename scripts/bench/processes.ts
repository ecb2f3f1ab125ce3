import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export { freePort } from '../free-port.ts';

export const ROOT = join(import.meta.dirname, '../..');


const running = new Set<ChildProcess>();
// However the bench ends (an error, a timeout's SIGTERM), it leaves no program running behind it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
process.once('SIGTERM', () => process.exit(143));
process.once('SIGINT', () => process.exit(130));

export type Proc = { child: ChildProcess; log: (msg: string) => Promise<Record<string, unknown>>; stop(): Promise<void> };

/**
 * Spawns one of the platform's programs; `log(msg)` resolves at its next log entry with that msg, and
 * rejects if the program exits first (a cloud refusing its flags would otherwise hang the bench).
 */
export function start(script: string, args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [join(ROOT, script), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const waiting = new Map<string, { resolve: (e: Record<string, unknown>) => void; reject: (err: Error) => void }>();
  let stopping = false;
  let exited: string | undefined;
  const exitedBefore = (msg: string) => new Error(`${script} exited (${exited}) before logging "${msg}"`);
  running.add(child);
  child.once('exit', (code, signal) => {
    running.delete(child);
    exited = signal ?? `code ${code}`;
    if (!stopping) process.stderr.write(`${script} exited unexpectedly (${exited})\n`);
    for (const [msg, { reject }] of waiting) reject(exitedBefore(msg));
    waiting.clear();
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      // Errors of the measured programs are part of the bench's output.
      if (Number(entry.level) >= 50) process.stderr.write(`${script}: ${line}\n`);
      const waiter = waiting.get(String(entry.msg));
      if (waiter) {
        waiting.delete(String(entry.msg));
        waiter.resolve(entry);
      }
    } catch {
      // a plain line
    }
  });
  return {
    child,
    log: (msg) =>
      new Promise((resolve, reject) => {
        if (exited) reject(exitedBefore(msg));
        else waiting.set(msg, { resolve, reject });
      }),
    async stop() {
      stopping = true;
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** User + system CPU time of a process so far, in ms, from /proc. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in USER_HZ (100)
}

export function rssBytes(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return Number(m![1]) * 1024;
}

export async function runPublishers(
  url: string,
  nodes: { id: string; secret: string }[],
  messages: number,
  startTs: number,
  options: { perSecond?: number; firstSeq?: number } = {},
): Promise<number> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'publishers.ts'), JSON.stringify({ url, nodes, messages, startTs, ...options })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`publishers exited with ${code}`);
  return (JSON.parse(out) as { elapsedMs: number }).elapsedMs;
}

export function writeJson(file: string, value: unknown): string {
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}
