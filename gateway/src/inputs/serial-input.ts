import { decodeLine, MAX_LINE_BYTES } from '@ruong/shared';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { backoffDelay } from '../backoff.ts';
import type { Intake } from '../intake.ts';
import { LineSplitter } from '../line-splitter.ts';
import { serialPort, type SerialPort } from '../serial-port.ts';

export type SerialInputOptions = { path: string; baudRate: number };

/**
 * One serial port speaking the line protocol. When the device goes away (unplugged, socat gone) the
 * port is reopened with backoff until it is back; nothing on the line can stop the reader.
 */
export class SerialInput extends EventEmitter<{ open: []; close: [] }> {
  readonly #options: SerialInputOptions;
  readonly #intake: Intake;
  readonly #log: Logger;
  readonly #source: string;
  #port: SerialPort | undefined;
  #retry: NodeJS.Timeout | undefined;
  #attempt = 0;
  #stopped = false;

  constructor(options: SerialInputOptions, intake: Intake, log: Logger) {
    super();
    this.#options = options;
    this.#intake = intake;
    this.#log = log.child({ input: 'serial', path: options.path });
    this.#source = `serial:${options.path}`;
  }

  get isOpen(): boolean {
    return this.#port?.isOpen ?? false;
  }

  start(): void {
    this.#open();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    const port = this.#port;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  #open(): void {
    if (this.#stopped) return;
    const splitter = new LineSplitter(
      (line) => {
        const result = decodeLine(line);
        if (result.ok) this.#intake.readingSet(result.set, this.#source);
        else this.#intake.reject(result, this.#source);
      },
      () => this.#intake.reject({ reason: 'too_long', detail: `line is over ${MAX_LINE_BYTES} bytes` }, this.#source),
    );
    const port = serialPort({ path: this.#options.path, baudRate: this.#options.baudRate, autoOpen: false });
    this.#port = port;
    port.on('data', (chunk: Buffer) => splitter.push(chunk));
    port.on('error', (err) => this.#log.warn({ err: err.message }, 'serial port error'));
    port.on('close', () => {
      if (this.#stopped) return;
      this.#log.warn('serial port closed; reopening');
      this.emit('close');
      this.#scheduleReopen();
    });
    port.open((err) => {
      if (err) {
        if (this.#attempt === 0) this.#log.warn({ err: err.message }, 'cannot open serial port; retrying');
        this.#scheduleReopen();
        return;
      }
      this.#attempt = 0;
      this.#log.info({ baudRate: this.#options.baudRate }, 'serial port open');
      this.emit('open');
    });
  }

  #scheduleReopen(): void {
    if (this.#stopped) return;
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => this.#open(), backoffDelay(this.#attempt++, 200, 5_000));
  }
}
