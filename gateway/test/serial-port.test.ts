import { createPtyPair } from '@ruong/firmware-sim';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serialPort, type SerialPort } from '../src/serial-port.ts';
import { tempDir } from './helpers.ts';

/** Resolves with the port's close error, or rejects after `ms`: a port that misses a hangup never closes. */
function closedWithin(port: SerialPort, ms: number): Promise<Error | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the port did not close within ${ms} ms of the hangup`)), ms);
    port.once('close', (err: Error | null) => {
      clearTimeout(timer);
      resolve(err);
    });
  });
}

describe('serial port on a real pty (socat)', () => {
  const dir = tempDir('serial-port');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads what the device writes', async () => {
    const pty = await createPtyPair(dir, 'echo');
    const port = serialPort({ path: pty.gatewayPath, baudRate: 9600 });
    await once(port, 'open');
    const received = once(port, 'data');
    const device = openSync(pty.simPath, 'w');
    writeSync(device, 'hello\n');
    closeSync(device);
    expect(String((await received)[0])).toBe('hello\n');
    await new Promise((resolve) => port.close(resolve));
    await pty.close();
  });

  // A close landing while a read is out must end that read quietly: polling the closed port crashes
  // the process (a gateway's, or a test worker's), so the rounds run in a process of their own.
  it('closes while reads are out, again and again, without crashing', async () => {
    const pty = await createPtyPair(dir, 'close-early');
    const child = spawn(process.execPath, [join(import.meta.dirname, 'serial-close-stress.ts'), pty.simPath, pty.gatewayPath, '300'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    await pty.close();
    expect({ code, signal, output: output.trim() }).toEqual({ code: 0, signal: null, output: 'closed 300 times' });
  });

  // The device going away while a read is on its way (here: at once after the first read) is the
  // case serialport itself misses about half the time; twenty rounds in a row must all close.
  it('closes as disconnected every time the device hangs up', async () => {
    for (let round = 0; round < 20; round++) {
      const pty = await createPtyPair(dir, `hangup-${round}`);
      const port = serialPort({ path: pty.gatewayPath, baudRate: 9600 });
      await once(port, 'open');
      port.on('data', () => {});
      const closed = closedWithin(port, 3_000);
      await pty.close();
      expect(await closed, `round ${round}`).toMatchObject({ disconnected: true });
      expect(port.isOpen).toBe(false);
    }
  });
});
