import { encodeLine, SEQ_MAX, type ReadingSet } from '@ruong/shared';
import { SerialPort } from 'serialport';
import type { Farm } from '../farm.ts';
import { rollFault, type FaultKind, type FaultRates } from '../faults.ts';
import { Random } from '../random.ts';
import { sampleSensor, type SensorKind } from './sensor-readings.ts';

export type SerialSensorNodeOptions = {
  id: string;
  path: string;
  kind: SensorKind;
  zone: string;
  /** Field time between reports. */
  intervalMs: number;
  faults?: FaultRates;
  seed?: number;
};

/**
 * A sensor node on a serial line: every interval it writes one line of the line protocol with its
 * readings and the field time. `onSent` sees every reading set the gateway should keep; faults it
 * injects (garbage, bad checksums, repeats...) are what the gateway must refuse.
 */
export class SerialSensorNode {
  readonly options: SerialSensorNodeOptions;
  readonly #farm: Farm;
  readonly #rng: Random;
  readonly #state = { rainSeen: 0, battery: 3.9 };
  readonly #queued: FaultKind[] = [];
  #port: SerialPort | undefined;
  #stopTimer: (() => void) | undefined;
  #seq = 0;
  #lastLine: string | undefined;
  onSent: (set: ReadingSet) => void = () => {};

  constructor(options: SerialSensorNodeOptions, farm: Farm) {
    this.options = options;
    this.#farm = farm;
    this.#rng = new Random(options.seed ?? 1);
    this.#state.rainSeen = farm.rainTotalMm;
  }

  async start(): Promise<void> {
    const port = new SerialPort({ path: this.options.path, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    this.#port = port;
    this.#stopTimer = this.#farm.clock.every(this.options.intervalMs, () => this.report());
  }

  async stop(): Promise<void> {
    this.#stopTimer?.();
    const port = this.#port;
    if (port?.isOpen) await new Promise<void>((resolve) => port.drain(() => port.close(() => resolve())));
  }

  /** Makes the next report show this fault, whatever the rates say. */
  inject(kind: FaultKind): void {
    this.#queued.push(kind);
  }

  /** Writes a raw line as it is (for tests of what the gateway does with it). */
  writeRaw(text: string): void {
    this.#port?.write(text);
  }

  report(): void {
    const fault = this.#queued.shift() ?? rollFault(this.options.faults, (p) => this.#rng.chance(p));
    const readings = sampleSensor(this.options.kind, this.#farm, this.options.zone, this.#rng, this.#state);
    const set: ReadingSet = { node: this.options.id, seq: this.#seq, ts: this.#farm.clock.now(), readings };
    this.#seq = this.#seq === SEQ_MAX ? 0 : this.#seq + 1;
    let line = encodeLine(set);
    let good = true;
    switch (fault) {
      case 'drop':
        return; // the radio lost it: a gap in seq, nothing on the line
      case 'garbage':
        this.writeRaw(Buffer.from(Array.from({ length: 40 }, () => Math.floor(this.#rng.next() * 256))).toString('latin1') + '\n');
        break;
      case 'badChecksum':
        line = line.replace(/\*[0-9A-F]{2}/, (m) => (m === '*00' ? '*01' : '*00'));
        good = false;
        break;
      case 'overlong':
        line = `$RG,${this.options.id},${set.seq},${'x'.repeat(600)}=1*00\n`;
        good = false;
        break;
      case 'outOfRange':
        line = encodeLine({ ...set, readings: { ...readings, soil_moisture: 150 } });
        good = false;
        break;
      case 'repeatSeq':
        if (this.#lastLine) this.#port?.write(this.#lastLine);
        break;
    }
    this.#port?.write(line);
    if (!good) return;
    this.#lastLine = line;
    this.onSent(set);
  }

}
