import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type PtyPair = { simPath: string; gatewayPath: string; process: ChildProcess; close(): Promise<void> };

/**
 * Two linked pseudo-terminals made by socat: the simulator writes to one end as a sensor node would,
 * the gateway opens the other as it would a USB serial adapter. Their links go in `dir`, made if missing.
 */
export async function createPtyPair(dir: string, name: string): Promise<PtyPair> {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new Error(`ptyDir ${dir} is not a folder the pty links can go in: ${(err as Error).message}`);
  }
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
    // socat's own error lines (" E ") say what failed; its notices around them would only bury it.
    const errors = () => stderr.split('\n').filter((line) => / E /.test(line)).map((line) => line.replace(/^.* E /, ''));
    child.once('exit', (code) => reject(new Error(`socat could not make the pty pair ${name} in ${dir} (exit ${code}): ${errors().join('; ') || stderr.trim()}`)));
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
