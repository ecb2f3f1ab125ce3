import type { Command, CommandAckUp, GatewayCommand, NewCommand } from '@ruong/shared';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { ApiError } from './api-error.ts';
import type { MetadataStore } from './stores/metadata-store.ts';
import type { SqliteCommandStore } from './stores/sqlite-command-store.ts';

export function toGatewayCommand(c: Command): GatewayCommand {
  return { id: c.id, node: c.node, action: c.action, expiresAt: c.expiresAt, ...(c.durationSec !== undefined && { durationSec: c.durationSec }) };
}

/**
 * Valve commands from people and rules to gateways. At least once on the way down (pushed on the
 * gateway's stream and repeated in every ingest reply until the gateway says it has it); the gateway
 * carries each id out once. A command not delivered before it expires never runs.
 */
export class Commands {
  readonly #store: SqliteCommandStore;
  readonly #meta: MetadataStore;
  readonly #log: Logger;
  readonly #now: () => number;
  /** New commands, by gateway: the stream routes listen here. */
  readonly bus = new EventEmitter<Record<string, [GatewayCommand]>>();
  /**
   * Gateways found with nothing undelivered, so the ingest reply need not ask the store again: only a
   * new command (created here) gives a gateway something to receive; every other change takes away.
   */
  readonly #nothingPending = new Set<string>();

  constructor(store: SqliteCommandStore, meta: MetadataStore, log: Logger, now: () => number) {
    this.#store = store;
    this.#meta = meta;
    this.#log = log;
    this.#now = now;
    this.bus.setMaxListeners(0);
  }

  create(req: NewCommand, source: Command['source'], gatewayHint?: string): Command {
    const gateway = gatewayHint ?? this.#meta.listNodes().find((n) => n.node === req.node)?.gateway;
    if (!gateway) throw new ApiError('not_found', `node ${req.node} has never reported, so no gateway is known for it`);
    const now = this.#now();
    const command: Command = {
      id: randomUUID(),
      gateway,
      node: req.node,
      action: req.action,
      source,
      state: 'queued',
      createdAt: now,
      expiresAt: now + req.expiresInMin * 60_000,
      ...(req.action === 'valve.open' && req.durationMin !== undefined && { durationSec: Math.round(req.durationMin * 60) }),
    };
    this.#store.insert(command);
    this.#nothingPending.delete(gateway);
    this.#log.info({ commandId: command.id, gateway, node: req.node, action: req.action, source }, 'command queued');
    this.bus.emit(gateway, toGatewayCommand(command));
    return command;
  }

  get(id: string): Command | undefined {
    this.#expireOld(this.#store.get(id));
    return this.#store.get(id);
  }

  list(filter: { node?: string | undefined; nodes?: readonly string[]; limit: number }): Command[] {
    return this.#store.list(filter);
  }

  /** What the gateway should be told now; each is marked sent. Expired ones are marked so and dropped. */
  pendingFor(gateway: string): GatewayCommand[] {
    if (this.#nothingPending.has(gateway)) return [];
    const out: GatewayCommand[] = [];
    const undelivered = this.#store.undelivered(gateway);
    for (const c of undelivered) {
      if (this.#expireOld(c)) continue;
      this.#store.transition(c.id, ['queued'], 'sent', this.#now());
      out.push(toGatewayCommand(c));
    }
    if (undelivered.length === 0) this.#nothingPending.add(gateway);
    return out;
  }

  markSent(id: string): void {
    this.#store.transition(id, ['queued'], 'sent', this.#now());
  }

  /** Applies what a gateway reported; acks for ids the cloud did not issue (boot closes) are only logged. */
  applyAck(gateway: string, ack: CommandAckUp): void {
    const command = this.#store.get(ack.id);
    if (!command || command.gateway !== gateway) {
      this.#log.info({ gateway, node: ack.node, commandId: ack.id, status: ack.status, detail: ack.detail }, 'valve event from gateway');
      return;
    }
    // What the field reports wins, even over an expiry the cloud declared meanwhile.
    const from = ack.status === 'delivered' ? (['queued', 'sent', 'expired'] as const) : (['queued', 'sent', 'delivered', 'expired'] as const);
    if (this.#store.transition(ack.id, from, ack.status, ack.ts, ack.detail)) {
      this.#log.info({ commandId: ack.id, node: ack.node, state: ack.status, detail: ack.detail }, 'command state');
    }
  }

  #expireOld(c: Command | undefined): boolean {
    if (!c || (c.state !== 'queued' && c.state !== 'sent') || c.expiresAt > this.#now()) return false;
    return this.#store.transition(c.id, ['queued', 'sent'], 'expired', this.#now(), 'not delivered before it expired');
  }
}
