import { encodeTelemetry, SEQ_MAX, topics, type ReadingSet } from '@ruong/shared';
import mqtt, { type MqttClient } from 'mqtt';
import type { Farm } from '../farm.ts';
import { rollFault, type FaultKind, type FaultRates } from '../faults.ts';
import { Random } from '../random.ts';
import { sampleSensor, type SensorKind } from './sensor-readings.ts';

export type MqttSensorNodeOptions = {
  id: string;
  secret: string;
  brokerUrl: string;
  kind: SensorKind;
  zone: string;
  intervalMs: number;
  faults?: FaultRates;
  seed?: number;
};

/**
 * A sensor node on MQTT: logs in as itself, leaves `offline` as its last will, and publishes telemetry
 * at QoS 1 every interval of field time. `onSent` sees each good reading set once the broker took it.
 */
export class MqttSensorNode {
  readonly options: MqttSensorNodeOptions;
  readonly #farm: Farm;
  readonly #rng: Random;
  readonly #state = { rainSeen: 0, battery: 3.95 };
  readonly #queued: FaultKind[] = [];
  #client: MqttClient | undefined;
  #stopTimer: (() => void) | undefined;
  #seq = 0;
  #lastPayload: string | undefined;
  onSent: (set: ReadingSet) => void = () => {};

  constructor(options: MqttSensorNodeOptions, farm: Farm) {
    this.options = options;
    this.#farm = farm;
    this.#rng = new Random(options.seed ?? 2);
    this.#state.rainSeen = farm.rainTotalMm;
  }

  /** Connects (rejecting if the broker refuses the login) and starts reporting. */
  async start(): Promise<void> {
    const { id, secret, brokerUrl } = this.options;
    const client = mqtt.connect(brokerUrl, {
      protocolVersion: 4,
      clientId: `${id}-${Math.floor(this.#rng.next() * 1e9)}`,
      username: id,
      password: secret,
      reconnectPeriod: 1_000,
      will: { topic: topics.status(id), payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    this.#client = client;
    // A refused first login is fatal; errors after that (a gateway restarting) are retried by mqtt.js.
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        client.end(true);
        reject(err);
      };
      client.once('error', onError);
      client.once('connect', () => {
        client.off('error', onError);
        resolve();
      });
    });
    client.on('error', () => {});
    client.on('connect', () => client.publish(topics.status(id), 'online', { qos: 1, retain: true }));
    await client.publishAsync(topics.status(id), 'online', { qos: 1, retain: true });
    this.#stopTimer = this.#farm.clock.every(this.options.intervalMs, () => this.report());
  }

  async stop(): Promise<void> {
    this.#stopTimer?.();
    await this.#client?.publishAsync(topics.status(this.options.id), 'offline', { qos: 1, retain: true }).catch(() => {});
    await this.#client?.endAsync();
  }

  inject(kind: FaultKind): void {
    this.#queued.push(kind);
  }

  /** Publishes a raw payload on the node's telemetry topic. */
  publishRaw(payload: string | Buffer): Promise<unknown> | undefined {
    return this.#client?.publishAsync(topics.telemetry(this.options.id), payload, { qos: 1 });
  }

  report(): void {
    const client = this.#client;
    if (!client) return;
    const fault = this.#queued.shift() ?? rollFault(this.options.faults, (p) => this.#rng.chance(p));
    const readings = sampleSensor(this.options.kind, this.#farm, this.options.zone, this.#rng, this.#state);
    const set: ReadingSet = { node: this.options.id, seq: this.#seq, ts: this.#farm.clock.now(), readings };
    this.#seq = this.#seq === SEQ_MAX ? 0 : this.#seq + 1;
    let payload = encodeTelemetry(set);
    let good = true;
    switch (fault) {
      case 'drop':
        return;
      case 'garbage':
      case 'overlong':
        payload = fault === 'garbage' ? '{"readings": garbage' : JSON.stringify({ readings: { x: 1 }, pad: 'x'.repeat(20_000) });
        good = false;
        break;
      case 'badChecksum':
      case 'outOfRange':
        payload = encodeTelemetry({ ...set, readings: { ...readings, [this.options.kind === 'soil' ? 'soil_moisture' : 'air_humidity']: 150 } });
        good = false;
        break;
      case 'repeatSeq':
        if (this.#lastPayload) client.publish(topics.telemetry(this.options.id), this.#lastPayload, { qos: 1 });
        break;
      case 'disconnect':
        // An ungraceful drop: the broker publishes the will; mqtt.js reconnects and says online again.
        client.stream.destroy();
        return;
    }
    // onSent once the broker acknowledged it (PUBACK): from then on the reading is the gateway's to keep.
    client.publish(topics.telemetry(this.options.id), payload, { qos: 1 }, (err) => {
      if (!err && good) this.onSent(set);
    });
    if (good) this.#lastPayload = payload;
  }

}
