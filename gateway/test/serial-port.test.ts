import { createPtyPair } from '@ruong/firmware-sim';
import { once } from 'node:events';
import { openSync, rmSync, writeSync, closeSync } from 'node:fs';
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
