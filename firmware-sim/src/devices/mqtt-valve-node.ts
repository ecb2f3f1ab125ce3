import { encodeTelemetry, NodeCommand, topics, type NodeCommandAck } from '@ruong/shared';
import mqtt, { type MqttClient } from 'mqtt';
import type { Farm } from '../farm.ts';

export type MqttValveNodeOptions = {
  id: string;
  secret: string;
  brokerUrl: string;
  zone: string;
  /** Water the open valve puts on the zone, mm/h. */
  applicationMmPerHour: number;
  /** What its flow meter reads while open, L/min. */
  flowLpm: number;
  /** Field time between state reports. */
  intervalMs: number;
  /** Fault: take commands but never confirm them (a stuck relay, a dead radio on the way back). */
  silent?: boolean;
};

/**
 * A valve node on MQTT: obeys `valve.open` / `valve.close` on its `cmd` topic, acknowledges each on
 * `cmd/ack`, and reports `valve_state` and `water_flow`. While open it waters its zone of the farm.
 * It does not close by itself: the gateway keeps time.
 */
export class MqttValveNode {
  readonly options: MqttValveNodeOptions;
  readonly #farm: Farm;
  #client: MqttClient | undefined;
  #stopTimer: (() => void) | undefined;
  #seq = 0;
  open = false;
  /** Every command received, with the wall time it arrived. */
  readonly received: (NodeCommand & { at: number })[] = [];
  onCommand: (cmd: NodeCommand) => void = () => {};

  constructor(options: MqttValveNodeOptions, farm: Farm) {
    this.options = options;
    this.#farm = farm;
  }

  async start(): Promise<void> {
    const { id, secret, brokerUrl } = this.options;
    const client = await mqtt.connectAsync(brokerUrl, {
      protocolVersion: 4,
      clientId: `${id}-valve`,
      username: id,
      password: secret,
      reconnectPeriod: 1_000,
      will: { topic: topics.status(id), payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    this.#client = client;
    client.on('error', () => {});
    client.on('message', (topic, payload) => {
      if (topic !== topics.cmd(id)) return;
      const cmd = NodeCommand.safeParse(JSON.parse(payload.toString()));
      if (cmd.success) this.#obey(cmd.data);
    });
    await client.subscribeAsync(topics.cmd(id), { qos: 1 });
    await client.publishAsync(topics.status(id), 'online', { qos: 1, retain: true });
    // After a reconnect (mqtt.js resubscribes by itself), say so again: the gateway closes valves it sees come online after its boot.
    client.on('connect', () => client.publish(topics.status(id), 'online', { qos: 1, retain: true }));
    this.#report();
    this.#stopTimer = this.#farm.clock.every(this.options.intervalMs, () => this.#report());
  }

  /** Stops at once: a valve node has nothing in flight worth waiting for a gone broker. */
  async stop(): Promise<void> {
    this.#stopTimer?.();
    await this.#client?.endAsync(true);
  }

  #obey(cmd: NodeCommand): void {
    this.received.push({ ...cmd, at: Date.now() });
    this.onCommand(cmd);
    this.#farm.advance(); // what fell so far fell at the old rate
    this.open = cmd.action === 'valve.open';
    this.#farm.zone(this.options.zone).irrigationRate = this.open ? this.options.applicationMmPerHour : 0;
    if (this.options.silent) return;
    const ack: NodeCommandAck = { id: cmd.id, status: 'done' };
    this.#client?.publish(topics.cmdAck(this.options.id), JSON.stringify(ack), { qos: 1 });
    this.#report();
  }

  #report(): void {
    const readings = { valve_state: this.open ? 1 : 0, water_flow: this.open ? this.options.flowLpm : 0 };
    this.#client?.publish(topics.telemetry(this.options.id), encodeTelemetry({ seq: this.#seq++, ts: this.#farm.clock.now(), readings }), { qos: 1 });
  }
}
