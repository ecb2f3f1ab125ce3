import { SerialPort } from 'serialport';
import type { Farm } from '../farm.ts';

// Firmata protocol bytes (firmata.org protocol 2.5), as StandardFirmata on an Arduino Uno speaks them.
const REPORT_VERSION = 0xf9;
const START_SYSEX = 0xf0;
const END_SYSEX = 0xf7;
const QUERY_FIRMWARE = 0x79;
const CAPABILITY_QUERY = 0x6b;
const CAPABILITY_RESPONSE = 0x6c;
const ANALOG_MAPPING_QUERY = 0x69;
const ANALOG_MAPPING_RESPONSE = 0x6a;
const PIN_STATE_QUERY = 0x6d;
const PIN_STATE_RESPONSE = 0x6e;
const SET_PIN_MODE = 0xf4;
const SET_DIGITAL_PIN_VALUE = 0xf5;
const DIGITAL_MESSAGE = 0x90;
const ANALOG_MESSAGE = 0xe0;
const REPORT_ANALOG = 0xc0;
const REPORT_DIGITAL = 0xd0;
const SYSTEM_RESET = 0xff;
const PINS = 20; // Uno: D0–D13, A0–A5 as 14–19
const OUTPUT = 0x01;
const ANALOG = 0x02;
const FIRMWARE = 'StandardFirmata.ino';

export type FirmataRelay = { pin: number; zone: string; applicationMmPerHour: number };

/**
 * An Arduino Uno running StandardFirmata, emulated on a serial line (a socat pty): it answers the
 * version, firmware, capability, analog-mapping and pin-state queries and obeys pin modes and
 * digital writes, so johnny-five on the gateway drives it exactly as it would a board on USB. Relay
 * pins water their zone of the farm while high.
 */
export class FirmataBoard {
  readonly #path: string;
  readonly #farm: Farm;
  readonly #relays: FirmataRelay[];
  // As StandardFirmata resets them: digital pins are outputs, A0–A5 analog inputs.
  readonly #modes: number[] = Array.from({ length: PINS }, (_, pin) => (pin < 2 ? 0 : pin < 14 ? OUTPUT : ANALOG));
  readonly #values = new Array<number>(PINS).fill(0);
  #port: SerialPort | undefined;
  #buffer: number[] = [];
  /** Every change of a digital output, with the wall time it happened. */
  readonly changes: { pin: number; value: number; at: number }[] = [];
  onPin: (pin: number, value: number) => void = () => {};

  constructor(path: string, farm: Farm, relays: FirmataRelay[]) {
    this.#path = path;
    this.#farm = farm;
    this.#relays = relays;
  }

  async start(): Promise<void> {
    const port = new SerialPort({ path: this.#path, baudRate: 57600, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    this.#port = port;
    port.on('data', (chunk: Buffer) => {
      for (const byte of chunk) this.#byte(byte);
    });
    // What a board sends after a reset.
    this.#send([REPORT_VERSION, 2, 5]);
    this.#firmware();
  }

  async stop(): Promise<void> {
    const port = this.#port;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  pin(pin: number): number {
    return this.#values[pin] ?? 0;
  }

  #send(bytes: number[]): void {
    this.#port?.write(Buffer.from(bytes));
  }

  #firmware(): void {
    const name: number[] = [];
    for (const c of Buffer.from(FIRMWARE)) name.push(c & 0x7f, c >> 7);
    this.#send([START_SYSEX, QUERY_FIRMWARE, 2, 5, ...name, END_SYSEX]);
  }

  #byte(byte: number): void {
    const b = this.#buffer;
    if (b.length === 0 && byte < 0x80) return; // a data byte without a command: noise
    b.push(byte);
    const first = b[0]!;
    if (first === START_SYSEX) {
      if (byte === END_SYSEX) this.#sysex(b.slice(1, -1));
      else return;
    } else if (first === REPORT_VERSION) this.#send([REPORT_VERSION, 2, 5]);
    else if (first === SYSTEM_RESET) this.#values.fill(0);
    else {
      const command = first < 0xf0 ? first & 0xf0 : first;
      const length = command === REPORT_ANALOG || command === REPORT_DIGITAL ? 2 : 3;
      if (b.length < length) return;
      if (command === SET_PIN_MODE) this.#modes[b[1]!] = b[2]!;
      else if (command === SET_DIGITAL_PIN_VALUE) this.#write(b[1]!, b[2]!);
      else if (command === DIGITAL_MESSAGE) {
        const port = first & 0x0f;
        const mask = b[1]! | (b[2]! << 7);
        for (let i = 0; i < 8; i++) {
          const pin = port * 8 + i;
          if (pin < PINS && this.#modes[pin] === OUTPUT) this.#write(pin, (mask >> i) & 1);
        }
      } else if (command !== ANALOG_MESSAGE && command !== REPORT_ANALOG && command !== REPORT_DIGITAL) {
        // unknown command: drop it
      }
    }
    this.#buffer = [];
  }

  #sysex(body: number[]): void {
    const [command, ...data] = body;
    if (command === QUERY_FIRMWARE) this.#firmware();
    else if (command === CAPABILITY_QUERY) {
      const caps: number[] = [];
      for (let pin = 0; pin < PINS; pin++) {
        if (pin > 1) caps.push(0x00, 1, 0x01, 1); // digital input and output
        if (pin >= 14) caps.push(0x02, 10); // analog input, 10 bits
        caps.push(0x7f);
      }
      this.#send([START_SYSEX, CAPABILITY_RESPONSE, ...caps, END_SYSEX]);
    } else if (command === ANALOG_MAPPING_QUERY) {
      const map = Array.from({ length: PINS }, (_, pin) => (pin >= 14 ? pin - 14 : 0x7f));
      this.#send([START_SYSEX, ANALOG_MAPPING_RESPONSE, ...map, END_SYSEX]);
    } else if (command === PIN_STATE_QUERY) {
      const pin = data[0]!;
      this.#send([START_SYSEX, PIN_STATE_RESPONSE, pin, this.#modes[pin] ?? 0, this.#values[pin] ?? 0, END_SYSEX]);
    }
  }

  #write(pin: number, value: number): void {
    if (this.#values[pin] === value) return;
    this.#values[pin] = value;
    this.changes.push({ pin, value, at: Date.now() });
    const relay = this.#relays.find((r) => r.pin === pin);
    if (relay) {
      this.#farm.advance(); // what fell so far fell at the old rate
      this.#farm.zone(relay.zone).irrigationRate = value ? relay.applicationMmPerHour : 0;
    }
    this.onPin(pin, value);
  }
}
