import { topics, type NodeCommand, type NodeCommandAck } from '@ruong/shared';
import type { ValveDriver } from './valve-driver.ts';

export type MqttPublish = (topic: string, payload: string) => Promise<void>;

/**
 * Valves behind MQTT valve nodes: the command goes to `ruong/<node>/cmd`, and the node's answer on
 * `ruong/<node>/cmd/ack` resolves it. No answer within `timeoutMs` is a failure, never a success.
 */
export class MqttValveDriver implements ValveDriver {
  readonly #publish: MqttPublish;
  readonly #timeoutMs: number;
  readonly #waiting = new Map<string, (ack: NodeCommandAck) => void>();

  constructor(publish: MqttPublish, timeoutMs: number) {
    this.#publish = publish;
    this.#timeoutMs = timeoutMs;
  }

  /** Feed every `cmd/ack` message here. */
  acked(ack: NodeCommandAck): void {
    this.#waiting.get(ack.id)?.(ack);
  }

  async send(node: string, command: NodeCommand): Promise<NodeCommandAck> {
    const answered = new Promise<NodeCommandAck>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(command.id);
        resolve({ id: command.id, status: 'failed', detail: `${node} did not confirm within ${this.#timeoutMs / 1000} s` });
      }, this.#timeoutMs);
      this.#waiting.set(command.id, (ack) => {
        clearTimeout(timer);
        this.#waiting.delete(command.id);
        resolve(ack);
      });
    });
    await this.#publish(topics.cmd(node), JSON.stringify(command));
    return answered;
  }
}
