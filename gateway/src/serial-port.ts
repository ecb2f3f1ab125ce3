import { autoDetect, BindingsError, DarwinPortBinding, LinuxPortBinding, type BindingInterface, type OpenOptions } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';
import { read } from 'node:fs';
import { promisify } from 'node:util';

export type SerialPort = SerialPortStream<BindingInterface>;

const detected = autoDetect() as BindingInterface;
const readAsync = promisify(read);

/**
 * serialport's unix read retries a zero-byte read at once, forever. A tty reads zero bytes only
 * once it has hung up (USB adapter unplugged, pty master closed), so when the hangup lands between
 * the poll and the read the port spins a thread and never closes: about half the time when a pty
 * goes away right after a read, seen here. This read ends the port there instead.
 */
async function readUntilHangup(port: LinuxPortBinding | DarwinPortBinding, buffer: Buffer, offset: number, length: number) {
  for (;;) {
    if (port.fd === null) throw new BindingsError('Port is not open', { canceled: true });
    let bytesRead: number;
    try {
      const reading = readAsync(port.fd, buffer, offset, length, null);
      readsOut.set(port, reading.catch(() => {}));
      ({ bytesRead } = await reading);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK' && code !== 'EINTR') throw err;
      // Closed while the read was out: its poller is destroyed, and polling it would crash the process.
      if (port.fd === null) throw new BindingsError('Port is not open', { canceled: true });
      await new Promise<void>((resolve, reject) => port.poller.once('readable', (e) => (e ? reject(e) : resolve())));
      continue;
    }
    // Any error that is not `canceled` makes the stream close the port as disconnected.
    if (bytesRead === 0) throw new Error('the device hung up');
    return { bytesRead, buffer };
  }
}

/**
 * The read each port has out, if any. A read still in the kernel holds the port's file, and with it
 * the port's lock, after its descriptor is closed: reopening the port at once would fail with
 * "Cannot lock port" (3 times in 20 runs of 300 reopenings, seen here), so a close waits for it.
 */
const readsOut = new WeakMap<LinuxPortBinding | DarwinPortBinding, Promise<unknown>>();

const hangupAwareBinding: BindingInterface = {
  list: () => detected.list(),
  async open(options: OpenOptions) {
    const port = await detected.open(options);
    if (port instanceof LinuxPortBinding || port instanceof DarwinPortBinding) {
      port.read = (buffer, offset, length) => readUntilHangup(port, buffer, offset, length);
      const close = port.close.bind(port);
      port.close = async () => {
        await close();
        await readsOut.get(port);
      };
    }
    return port;
  },
};

/** A serial port of this machine (VMIN 1, the default, so a read never ends empty while the tty is up). */
export function serialPort(options: { path: string; baudRate: number; autoOpen?: boolean }): SerialPort {
  return new SerialPortStream({ ...options, binding: hangupAwareBinding });
}
