import { parseTopic, topics } from '@ruong/shared';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import type { Logger } from 'pino';
import { ConfigError } from '../config.ts';
import type { MqttMessages } from './mqtt-messages.ts';

export type EmbeddedBrokerOptions = { host: string; port: number; nodes: Record<string, { secret?: string | undefined }> };

const BAD_USERNAME_OR_PASSWORD = 4;

function digest(s: string | Buffer): Buffer {
  return createHash('sha256').update(s).digest();
}


/**
 * The gateway's own MQTT broker (aedes, MQTT 3.1.1). Each node logs in with its id as username and
 * its secret as password, may publish only under `ruong/<its id>/`, and may subscribe only to its
 * own `cmd` topic.
 */
export class EmbeddedBroker {
  readonly #options: EmbeddedBrokerOptions;
  readonly #messages: MqttMessages;
  readonly #log: Logger;
  readonly #nodeOf = new WeakMap<Client, string>();
  #aedes: Aedes | undefined;
  #server: Server | undefined;
  port = 0;

  constructor(options: EmbeddedBrokerOptions, messages: MqttMessages, log: Logger) {
    this.#options = options;
    this.#messages = messages;
    this.#log = log.child({ input: 'mqtt-broker' });
  }

  async start(): Promise<void> {
    const aedes = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        const node = username ?? '';
        const secret = this.#options.nodes[node]?.secret;
        // Compare digests so the time taken says nothing about the secret's length or content.
        if (secret !== undefined && password && timingSafeEqual(digest(password), digest(secret))) {
          this.#nodeOf.set(client, node);
          return done(null, true);
        }
        this.#log.warn({ clientId: client.id, username: node }, 'MQTT login refused');
        const err = new Error(`bad username or password for ${node}`) as AuthenticateError;
        err.returnCode = BAD_USERNAME_OR_PASSWORD;
        done(err, false);
      },
      authorizePublish: (client, packet, done) => {
        if (!client) return done(null);
        const node = this.#nodeOf.get(client);
        const parsed = parseTopic(packet.topic);
        if (!node || parsed?.node !== node || parsed.kind === 'cmd') {
          this.#log.warn({ node, topic: packet.topic }, 'MQTT publish refused: a node may publish only under its own topics');
          return done(new Error(`${node} may not publish to ${packet.topic}`));
        }
        // aedes sends PUBACK only after this callback: a node's QoS 1 reading is acknowledged once
        // it is on the gateway's disk, so a power cut cannot lose what the node was told is safe.
        this.#messages.handle(packet.topic, packet.payload as Buffer);
        this.#messages.afterCommit(() => done(null));
      },
      authorizeSubscribe: (client, sub, done) => {
        const node = this.#nodeOf.get(client);
        const allowed = node !== undefined && sub.topic === topics.cmd(node);
        if (!allowed) this.#log.warn({ node, topic: sub.topic }, 'MQTT subscribe refused');
        done(null, allowed ? sub : null);
      },
    });
    aedes.on('clientError', (client, err) => this.#log.debug({ clientId: client.id, err: err.message }, 'MQTT client error'));
    this.#aedes = aedes;
    const server = createServer(aedes.handle);
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE') {
          reject(
            new ConfigError(
              `MQTT port ${this.#options.port} is taken (another broker, such as Mosquitto, may be running): ` +
                `give mqtt.port a free port ("mqtt": {"port": 1884}), or use that broker ("mqtt": {"mode": "client", "url": "mqtt://127.0.0.1:${this.#options.port}"})`,
            ),
          );
        } else reject(err);
      });
      server.listen(this.#options.port, this.#options.host, () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : this.#options.port;
    this.#log.info({ host: this.#options.host, port: this.port }, 'MQTT broker listening');
  }

  /** Publishes from the gateway itself (commands to valve nodes), at QoS 1. */
  publish(topic: string, payload: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.#aedes) return reject(new Error('broker not started'));
      this.#aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false }, (err) => (err ? reject(err) : resolve()));
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.#aedes ? this.#aedes.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.#server?.listening ? this.#server.close(() => resolve()) : resolve()));
  }
}
