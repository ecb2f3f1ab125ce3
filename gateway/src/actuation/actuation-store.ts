import type { CommandAckUp, DecisionUp, GatewayRules } from '@ruong/shared';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS commands (id TEXT PRIMARY KEY, node TEXT NOT NULL, action TEXT NOT NULL, received_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS deadlines (node TEXT PRIMARY KEY, deadline INTEGER NOT NULL, command_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS acks_out (seq INTEGER PRIMARY KEY, ack TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS decisions_out (seq INTEGER PRIMARY KEY, decision TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS synced_rules (id INTEGER PRIMARY KEY CHECK (id = 1), rules TEXT NOT NULL);
`;

/**
 * What the gateway must remember about valves across restarts: which command ids it has carried out
 * (so a command delivered twice runs once), when each open valve must close at the latest, and the
 * acknowledgements still to send to the cloud.
 */
export class ActuationStore {
  readonly #db: DatabaseSync;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.#db = new DatabaseSync(file);
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
    this.#db.exec(SCHEMA);
  }

  /** Records a command id; false when it was seen before. */
  firstTime(id: string, node: string, action: string, now: number): boolean {
    return this.#db.prepare('INSERT OR IGNORE INTO commands (id, node, action, received_at) VALUES (?, ?, ?, ?)').run(id, node, action, now).changes === 1;
  }

  setDeadline(node: string, deadline: number, commandId: string): void {
    this.#db.prepare('INSERT OR REPLACE INTO deadlines (node, deadline, command_id) VALUES (?, ?, ?)').run(node, deadline, commandId);
  }

  clearDeadline(node: string): void {
    this.#db.prepare('DELETE FROM deadlines WHERE node = ?').run(node);
  }

  deadlines(): { node: string; deadline: number; commandId: string }[] {
    return this.#db.prepare('SELECT node, deadline, command_id AS commandId FROM deadlines').all() as { node: string; deadline: number; commandId: string }[];
  }

  queueAck(ack: CommandAckUp): void {
    this.#db.prepare('INSERT INTO acks_out (ack) VALUES (?)').run(JSON.stringify(ack));
  }

  pendingAcks(max = 500): { seq: number; ack: CommandAckUp }[] {
    return (this.#db.prepare('SELECT seq, ack FROM acks_out ORDER BY seq LIMIT ?').all(max) as { seq: number; ack: string }[]).map((r) => ({
      seq: r.seq,
      ack: JSON.parse(r.ack) as CommandAckUp,
    }));
  }

  /** The cloud has the acks up to and including `seq`. */
  acksDelivered(seq: number): void {
    this.#db.prepare('DELETE FROM acks_out WHERE seq <= ?').run(seq);
  }

  queueDecision(decision: DecisionUp): void {
    this.#db.prepare('INSERT INTO decisions_out (decision) VALUES (?)').run(JSON.stringify(decision));
  }

  pendingDecisions(max = 500): { seq: number; decision: DecisionUp }[] {
    return (this.#db.prepare('SELECT seq, decision FROM decisions_out ORDER BY seq LIMIT ?').all(max) as { seq: number; decision: string }[]).map((r) => ({
      seq: r.seq,
      decision: JSON.parse(r.decision) as DecisionUp,
    }));
  }

  decisionsDelivered(seq: number): void {
    this.#db.prepare('DELETE FROM decisions_out WHERE seq <= ?').run(seq);
  }

  /** The zone rules last synced from the cloud, kept for when it is unreachable. */
  syncedRules(): GatewayRules | undefined {
    const row = this.#db.prepare('SELECT rules FROM synced_rules WHERE id = 1').get() as { rules: string } | undefined;
    return row && (JSON.parse(row.rules) as GatewayRules);
  }

  saveRules(rules: GatewayRules): void {
    this.#db.prepare('INSERT OR REPLACE INTO synced_rules (id, rules) VALUES (1, ?)').run(JSON.stringify(rules));
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}
