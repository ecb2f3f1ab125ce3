import type { Command, CommandState } from '@ruong/shared';
import { SqliteStore } from './sqlite.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS commands (
  id TEXT PRIMARY KEY, gateway TEXT NOT NULL, node TEXT NOT NULL, action TEXT NOT NULL, duration_sec INTEGER,
  source TEXT NOT NULL, state TEXT NOT NULL, detail TEXT, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
  sent_at INTEGER, delivered_at INTEGER, done_at INTEGER, failed_at INTEGER, expired_at INTEGER
);
CREATE INDEX IF NOT EXISTS commands_gateway_state ON commands (gateway, state);
CREATE INDEX IF NOT EXISTS commands_node ON commands (node, created_at);
`;

type Row = {
  id: string; gateway: string; node: string; action: Command['action']; duration_sec: number | null; source: Command['source'];
  state: CommandState; detail: string | null; created_at: number; expires_at: number; sent_at: number | null;
  delivered_at: number | null; done_at: number | null; failed_at: number | null; expired_at: number | null;
};

function toCommand(r: Row): Command {
  const c: Command = { id: r.id, gateway: r.gateway, node: r.node, action: r.action, source: r.source, state: r.state, createdAt: r.created_at, expiresAt: r.expires_at };
  if (r.duration_sec !== null) c.durationSec = r.duration_sec;
  if (r.detail !== null) c.detail = r.detail;
  if (r.sent_at !== null) c.sentAt = r.sent_at;
  if (r.delivered_at !== null) c.deliveredAt = r.delivered_at;
  if (r.done_at !== null) c.doneAt = r.done_at;
  if (r.failed_at !== null) c.failedAt = r.failed_at;
  if (r.expired_at !== null) c.expiredAt = r.expired_at;
  return c;
}

const STAMP: Record<CommandState, string> = {
  queued: 'created_at', sent: 'sent_at', delivered: 'delivered_at', done: 'done_at', failed: 'failed_at', expired: 'expired_at',
};

/** Commands and every transition of their lifecycle, each time-stamped. */
export class SqliteCommandStore extends SqliteStore {
  constructor(file: string) {
    super(file, SCHEMA);
  }

  insert(c: Command): void {
    this.sql('INSERT INTO commands (id, gateway, node, action, duration_sec, source, state, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(c.id, c.gateway, c.node, c.action, c.durationSec ?? null, c.source, c.state, c.createdAt, c.expiresAt);
  }

  get(id: string): Command | undefined {
    const row = this.sql('SELECT * FROM commands WHERE id = ?').get(id) as Row | undefined;
    return row && toCommand(row);
  }

  /** Newest first, for one node, any of `nodes`, or all. */
  list(filter: { node?: string | undefined; nodes?: readonly string[]; limit: number }): Command[] {
    const nodes = filter.node !== undefined ? [filter.node] : filter.nodes;
    const rows = nodes
      ? this.sql('SELECT * FROM commands WHERE node IN (SELECT value FROM json_each(?)) ORDER BY created_at DESC LIMIT ?').all(JSON.stringify(nodes), filter.limit)
      : this.sql('SELECT * FROM commands ORDER BY created_at DESC LIMIT ?').all(filter.limit);
    return (rows as Row[]).map(toCommand);
  }

  /** Commands a gateway should have and has not confirmed receiving. */
  undelivered(gateway: string): Command[] {
    const rows = this.sql("SELECT * FROM commands WHERE gateway = ? AND state IN ('queued', 'sent') ORDER BY created_at").all(gateway) as Row[];
    return rows.map(toCommand);
  }

  /** Moves a command to `state` if it is in one of `from`; false when it was not. */
  transition(id: string, from: readonly CommandState[], state: CommandState, at: number, detail?: string): boolean {
    const sql = `UPDATE commands SET state = ?, ${STAMP[state]} = ?, detail = coalesce(?, detail) WHERE id = ? AND state IN (${from.map(() => '?').join(',')})`;
    return this.sql(sql).run(state, at, detail ?? null, id, ...from).changes === 1;
  }
}
