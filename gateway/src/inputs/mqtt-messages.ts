import { decodeTelemetry, NodeCommandAck, NodeStatus, parseTopic } from '@ruong/shared';
import type { Logger } from 'pino';
import type { Intake } from '../intake.ts';

/**
 * What the gateway does with a message on a node's topic, whichever broker carried it: telemetry
 * goes to the intake, status changes are remembered and logged.
 */
export class MqttMessages {
  readonly #intake: Intake;
  readonly #log: Logger;
  readonly #known: ReadonlySet<string> | undefined;
  readonly status = new Map<string, NodeStatus>();
  /** Where valve nodes' answers go (the valve driver). */
  onAck: (node: string, ack: NodeCommandAck) => void = () => {};
  onOnline: (node: string) => void = () => {};

  /** `known`: the nodes this gateway serves; others are refused. Undefined accepts every node. */
  constructor(intake: Intake, log: Logger, known?: ReadonlySet<string>) {
    this.#intake = intake;
    this.#log = log;
    this.#known = known;
  }

  /** Calls `fn` when what was handled so far is on disk. */
  afterCommit(fn: () => void): void {
    this.#intake.afterCommit(fn);
  }

  handle(topic: string, payload: Buffer): void {
    const parsed = parseTopic(topic);
    if (!parsed) return;
    const source = `mqtt:${parsed.node}`;
    if (this.#known && !this.#known.has(parsed.node)) {
      this.#intake.reject({ reason: 'unknown_node', detail: `${parsed.node} is not one of this gateway's nodes` }, source);
      return;
    }
    if (parsed.kind === 'telemetry') {
      const result = decodeTelemetry(parsed.node, payload);
      if (result.ok) this.#intake.readingSet(result.set, source);
      else this.#intake.reject(result, source);
    } else if (parsed.kind === 'status') {
      const status = NodeStatus.safeParse(payload.toString());
      if (!status.success) return this.#intake.reject({ reason: 'bad_payload', detail: 'status must be online or offline' }, source);
      if (this.status.get(parsed.node) !== status.data) this.#log.info({ node: parsed.node, status: status.data }, 'node status');
      this.status.set(parsed.node, status.data);
      if (status.data === 'online') this.onOnline(parsed.node);
    } else if (parsed.kind === 'cmd/ack') {
      let ack;
      try {
        ack = NodeCommandAck.safeParse(JSON.parse(payload.toString()));
      } catch {
        return this.#intake.reject({ reason: 'bad_json', detail: 'command ack is not JSON' }, source);
      }
      if (!ack.success) return this.#intake.reject({ reason: 'bad_payload', detail: `command ack: ${ack.error.issues[0]!.message}` }, source);
      this.onAck(parsed.node, ack.data);
    }
  }
}
