/**
 * Opens and closes a serial port again and again while its device keeps writing, so that closes land
 * while a read is out. Run as a process of its own: a port that polls after closing crashes it.
 * Arguments: the device end and the gateway end of a pty pair, and how many rounds.
 */
import { once } from 'node:events';
import { closeSync, openSync, writeSync } from 'node:fs';
import { serialPort } from '../src/serial-port.ts';

const [devicePath, portPath, rounds] = process.argv.slice(2) as [string, string, string];
const device = openSync(devicePath, 'w');
const writer = setInterval(() => writeSync(device, `${'x'.repeat(60)}\n`), 0);
for (let round = 0; round < Number(rounds); round++) {
  const port = serialPort({ path: portPath, baudRate: 9600 });
  await once(port, 'open');
  port.on('data', () => {});
  if (round % 3) await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => port.close(resolve));
}
clearInterval(writer);
closeSync(device);
console.log(`closed ${rounds} times`);
