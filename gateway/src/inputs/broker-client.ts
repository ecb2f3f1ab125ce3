import { topics } from '@ruong/shared';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { MqttMessages } from './mqtt-messages.ts';

export type BrokerClientOptions = { url: string; username?: string | undefined; password?: string | undefined; clientId: string };

/**
 * The gateway as a client of a broker that is already there (Mosquitto on the Pi, say). That broker
 * does the nodes' authentication and ACL; the gateway takes telemetry only from its own nodes. A
 * persistent session with QoS 1 lets the broker keep messages while the gateway restarts.
 */
export class BrokerClient {
  readonly #options: BrokerClientOptions;
  readonly #messages: MqttMessages;
  readonly #log: Logger;
  #client: MqttClient | undefined;
  #subscribed: (() => void) | undefined;
  /** Resolves once the gateway is subscribed to its nodes' topics. */
  readonly subscribed = new Promise<void>((resolve) => (this.#subscribed = resolve));

  constructor(options: BrokerClientOptions, messages: MqttMessages, log: Logger) {
    this.#options = options;
    this.#messages = messages;
    this.#log = log.child({ input: 'mqtt-client', url: options.url });
  }

  /** Connects in the background: a broker that is not up yet is retried, not fatal. */
  start(): void {
    const client = mqtt.connect(this.#options.url, {
      protocolVersion: 4,
      clientId: this.#options.clientId,
      clean: false,
      reconnectPeriod: 2_000,
      ...(this.#options.username !== undefined && { username: this.#options.username }),
      ...(this.#options.password !== undefined && { password: this.#options.password }),
    });
    this.#client = client;
    client.on('message', (topic, payload) => this.#messages.handle(topic, payload));
    client.on('error', (err) => this.#log.warn({ err: err.message }, 'MQTT client error'));
    client.on('offline', () => this.#log.warn('MQTT broker unreachable; reconnecting'));
    client.on('connect', (connack) => {
      this.#log.info({ sessionPresent: connack.sessionPresent }, 'connected to MQTT broker');
      client.subscribe([topics.allTelemetry, topics.allStatus, topics.allAcks], { qos: 1 }, (err) => {
        if (err) this.#log.error({ err: err.message }, 'MQTT subscribe failed');
        else this.#subscribed?.();
      });
    });
  }

  /** Publishes from the gateway itself (commands to valve nodes), at QoS 1. */
  async publish(topic: string, payload: string): Promise<void> {
    if (!this.#client) throw new Error('MQTT client not started');
    await this.#client.publishAsync(topic, payload, { qos: 1 });
  }

  async stop(): Promise<void> {
    await this.#client?.endAsync();
  }
}
