import type { CommandAckUp, GatewayCommand, NodeCommand, NodeCommandAck } from '@ruong/shared';
import type { Logger } from 'pino';
import type { ActuationStore } from './actuation-store.ts';
import { writeOrLog } from './card-write.ts';
import type { ValveDriver } from './valve-driver.ts';

const CANNOT_RECORD = 'valve state cannot be written (is the card full?); the command goes no further, and its ack may not reach the cloud';

export type CommandRunnerOptions = {
  /** The longest a valve may stay open, whatever a command says; the gateway enforces it alone. */
  maxOpenSec: number;
  /** The valves this gateway drives, by node id. */
  valves: ReadonlyMap<string, ValveDriver>;
};

/**
 * Carries out valve commands from the cloud (or local rules) exactly once each, and keeps the field
 * safe on its own: every open has a deadline kept on disk and enforced by a timer here, so a valve
 * closes on time even when the cloud is gone or the gateway restarted meanwhile; at boot every valve
 * is driven closed. What each valve answered goes up to the cloud as an ack.
 */
export class CommandRunner {
  readonly #store: ActuationStore;
  readonly #options: CommandRunnerOptions;
  readonly #log: Logger;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #now: () => number;
  /** Valves not yet confirmed closed since boot. */
  readonly #closeWhenOnline = new Set<string>();
  onAck: (ack: CommandAckUp) => void = () => {};

  constructor(store: ActuationStore, options: CommandRunnerOptions, log: Logger, now: () => number = Date.now) {
    this.#store = store;
    this.#options = options;
    this.#log = log;
    this.#now = now;
  }

  /**
   * Drives every valve closed: after a restart nothing may stay open on a deadline that was lost. A
   * valve node that is not connected yet is closed as soon as it says it is online.
   */
  async closeAllAtBoot(): Promise<void> {
    for (const node of this.#options.valves.keys()) this.#closeWhenOnline.add(node);
    await Promise.all([...this.#options.valves.keys()].map((node) => this.#bootClose(node)));
  }

  /** A valve node came (back) online. */
  valveOnline(node: string): void {
    if (this.#closeWhenOnline.has(node)) void this.#bootClose(node);
  }

  async #bootClose(node: string): Promise<void> {
    const wasOpen = this.#store.deadlines().some((d) => d.node === node);
    const ack = await this.#drive(node, { id: `boot-close-${node}-${this.#now()}`, action: 'valve.close' });
    if (ack.status !== 'done' || !this.#closeWhenOnline.delete(node)) return;
    this.#log.info({ node, wasOpen }, 'valve closed at boot');
    writeOrLog(this.#log, { node }, CANNOT_RECORD, () => {
      this.#store.clearDeadline(node);
      this.#report(node, ack);
    });
  }

  /** Carries out a command once; never rejects: what cannot be recorded on the card is logged, and goes no further. */
  async handle(cmd: GatewayCommand): Promise<void> {
    try {
      await this.#handle(cmd);
    } catch (err) {
      this.#log.error({ commandId: cmd.id, node: cmd.node, err: (err as Error).message }, CANNOT_RECORD);
    }
  }

  async #handle(cmd: GatewayCommand): Promise<void> {
    if (!this.#options.valves.has(cmd.node)) {
      this.#report(cmd.node, { id: cmd.id, status: 'failed', detail: `${cmd.node} is not a valve of this gateway` });
      return;
    }
    if (!this.#store.firstTime(cmd.id, cmd.node, cmd.action, this.#now())) {
      this.#log.info({ commandId: cmd.id, node: cmd.node }, 'command already carried out; ignored');
      return;
    }
    if (cmd.expiresAt !== undefined && cmd.expiresAt < this.#now()) {
      this.#report(cmd.node, { id: cmd.id, status: 'failed', detail: 'expired before it reached the gateway; not carried out' });
      return;
    }
    this.#report(cmd.node, { id: cmd.id, status: 'delivered' });
    const durationSec = Math.min(cmd.durationSec ?? this.#options.maxOpenSec, this.#options.maxOpenSec);
    const nodeCommand: NodeCommand = cmd.action === 'valve.open' ? { id: cmd.id, action: cmd.action, durationSec } : { id: cmd.id, action: cmd.action };
    if (cmd.action === 'valve.open') this.#schedule(cmd.node, this.#now() + durationSec * 1000, cmd.id);
    const ack = await this.#drive(cmd.node, nodeCommand);
    if (cmd.action === 'valve.close' && ack.status === 'done') this.#unschedule(cmd.node);
    this.#report(cmd.node, ack);
  }

  stop(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  #schedule(node: string, deadline: number, commandId: string): void {
    // The timer first: a deadline the card cannot take is still kept in memory.
    clearTimeout(this.#timers.get(node));
    this.#timers.set(
      node,
      setTimeout(() => void this.#closeAtDeadline(node, commandId), Math.max(0, deadline - this.#now())),
    );
    this.#store.setDeadline(node, deadline, commandId);
  }

  #unschedule(node: string): void {
    clearTimeout(this.#timers.get(node));
    this.#timers.delete(node);
    this.#store.clearDeadline(node);
  }

  async #closeAtDeadline(node: string, commandId: string): Promise<void> {
    this.#timers.delete(node);
    const ack = await this.#drive(node, { id: `${commandId}-deadline`, action: 'valve.close' });
    this.#log[ack.status === 'done' ? 'info' : 'error']({ node, commandId, status: ack.status }, 'valve closed at its deadline');
    writeOrLog(this.#log, { node, commandId }, CANNOT_RECORD, () => {
      if (ack.status === 'done') this.#store.clearDeadline(node);
      else this.#schedule(node, this.#now() + 10_000, commandId); // keep trying: an open valve floods the field
      this.#report(node, ack);
    });
  }

  async #drive(node: string, command: NodeCommand): Promise<NodeCommandAck> {
    try {
      return await this.#options.valves.get(node)!.send(node, command);
    } catch (err) {
      return { id: command.id, status: 'failed', detail: (err as Error).message };
    }
  }

  #report(node: string, ack: NodeCommandAck | Omit<CommandAckUp, 'node' | 'ts'>): void {
    const up: CommandAckUp = { ...ack, node, ts: this.#now() };
    this.#store.queueAck(up);
    this.onAck(up);
  }
}
