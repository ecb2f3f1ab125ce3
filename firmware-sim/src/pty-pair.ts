import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

export type PtyPair = { simPath: string; gatewayPath: string; process: ChildProcess; close(): Promise<void> };

/**
 * Two linked pseudo-terminals made by socat: the simulator writes to one end as a sensor node would,
 * the gateway opens the other as it would a USB serial adapter.
 */
export async function createPtyPair(dir: string, name: string): Promise<PtyPair> {
  const simPath = join(dir, `${name}.sim`);
  const gatewayPath = join(dir, `${name}.gw`);
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${simPath}`, `pty,raw,echo=0,link=${gatewayPath}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const spawnError = once(child, 'error').then(([err]) => {
    throw (err as NodeJS.ErrnoException).code === 'ENOENT' ? new Error('socat is not installed (apt-get install socat)') : err;
  });
  let stderr = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // socat says this once both ptys and their links exist.
      if (stderr.includes('starting data transfer loop')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`socat exited with ${code}: ${stderr.trim()}`)));
  });
  await Promise.race([ready, spawnError]);
  child.stderr!.resume();
  return {
    simPath,
    gatewayPath,
    process: child,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
