import type { NodeCommand, NodeCommandAck } from '@ruong/shared';
import firmataIo from 'firmata-io';
import johnnyFive from 'johnny-five';
import { once } from 'node:events';
import type { Logger } from 'pino';
import { backoffDelay } from '../backoff.ts';
import { serialPort, type SerialPort } from '../serial-port.ts';
import type { ValveDriver } from './valve-driver.ts';

// johnny-five and firmata-io are CommonJS without types (modules.d.ts); these are the few parts we use.
// Imported here, bundled into this module's own chunk of the gateway's build: loaded only for a board.
type FirmataIo = NodeJS.EventEmitter & { queryPinState(pin: number, cb: () => void): void; pins: { state?: number }[] };
type Relay = { open(): void; close(): void };
type Five = {
  Board: new (options: { io: FirmataIo; repl: boolean; debug: boolean; timeout: number }) => NodeJS.EventEmitter;
  Relay: new (options: { pin: number; type: 'NO' | 'NC'; board: unknown }) => Relay;
};
const five = johnnyFive as Five;
const { Firmata } = firmataIo as { Firmata: new (port: SerialPort, options: object) => FirmataIo };

export type FirmataBoardConfig = { path: string; baudRate: number; relays: Record<string, number> };

/**
 * Relays on an Arduino running StandardFirmata, driven through johnny-five over our serialport. A
 * relay wired normally-open waters while energised, so opening the valve closes the relay's circuit.
 * Confirmation comes from the board itself: after each write the pin's state is read back.
 */
export class FirmataValves implements ValveDriver {
  readonly #config: FirmataBoardConfig;
  readonly #log: Logger;
  readonly #timeoutMs: number;
  #io: FirmataIo | undefined;
  #port: SerialPort | undefined;
  readonly #relays = new Map<string, { relay: Relay; pin: number }>();
  #stopped = false;
  #retry: NodeJS.Timeout | undefined;
  /** A relay's confirmed state (1 open), reported as the relay node's `valve_state`. */
  onState: (node: string, open: 0 | 1) => void = () => {};

  constructor(config: FirmataBoardConfig, timeoutMs: number, log: Logger) {
    this.#config = config;
    this.#timeoutMs = timeoutMs;
    this.#log = log.child({ board: config.path });
  }

  get valves(): string[] {
    return Object.keys(this.#config.relays);
  }

  /**
   * Keeps the board connected: starts it, and when it fails to start or its port closes (unplugged,
   * reset), tries again with backoff. `onReady` runs after every (re)connection.
   */
  keepConnected(onReady: () => void): void {
    let attempt = 0;
    const connect = () => {
      if (this.#stopped) return;
      this.start().then(
        () => {
          attempt = 0;
          onReady();
          this.#port?.once('close', () => {
            this.#io = undefined;
            if (this.#stopped) return;
            this.#log.warn('Firmata board gone; reconnecting');
            this.#retry = setTimeout(connect, backoffDelay(attempt++, 500, 10_000));
          });
        },
        (err: Error) => {
          if (attempt === 0) this.#log.error({ err: err.message }, 'Firmata board did not start; retrying');
          void this.stop(false);
          this.#retry = setTimeout(connect, backoffDelay(attempt++, 500, 10_000));
        },
      );
    };
    connect();
  }

  /** Opens the port and waits until johnny-five reports the board ready. */
  async start(): Promise<void> {
    // Opened by serialport itself: Firmata must see the port's `open` event, which johnny-five waits for.
    const port = serialPort({ path: this.#config.path, baudRate: this.#config.baudRate });
    this.#port = port;
    const portFailed = once(port, 'error').then(([err]) => {
      throw err as Error;
    });
    // Ask for the version soon: a board already running does not announce itself again.
    const io = new Firmata(port, { reportVersionTimeout: 300 });
    io.on('error', (err: Error) => this.#log.warn({ err: err.message }, 'Firmata error'));
    const board = new five.Board({ io, repl: false, debug: false, timeout: 10_000 });
    await Promise.race([
      once(board, 'ready'),
      portFailed,
      once(board, 'error').then(([err]) => {
        throw err as Error;
      }),
    ]);
    this.#io = io;
    for (const [name, pin] of Object.entries(this.#config.relays)) this.#relays.set(name, { relay: new five.Relay({ pin, type: 'NO', board }), pin });
    this.#log.info({ relays: this.#config.relays }, 'Firmata board ready');
    for (const [name, r] of this.#relays) {
      const state = await this.#readBack(r.pin);
      if (state !== undefined) this.onState(name, state ? 1 : 0);
    }
  }

  async send(node: string, command: NodeCommand): Promise<NodeCommandAck> {
    const r = this.#relays.get(node);
    if (!r || !this.#io) return { id: command.id, status: 'failed', detail: `relay ${node} is not ready` };
    const want = command.action === 'valve.open' ? 1 : 0;
    if (want) r.relay.close();
    else r.relay.open();
    const state = await this.#readBack(r.pin);
    if (state !== undefined) this.onState(node, state ? 1 : 0);
    if (state === want) return { id: command.id, status: 'done' };
    return { id: command.id, status: 'failed', detail: state === undefined ? `board did not answer for pin ${r.pin}` : `pin ${r.pin} reads ${state}, wanted ${want}` };
  }

  async stop(forGood = true): Promise<void> {
    if (forGood) {
      this.#stopped = true;
      clearTimeout(this.#retry);
    }
    const port = this.#port;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  #readBack(pin: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), this.#timeoutMs);
      this.#io!.queryPinState(pin, () => {
        clearTimeout(timer);
        resolve(this.#io!.pins[pin]?.state);
      });
    });
  }
}
