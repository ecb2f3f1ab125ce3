import type { Alert, AlertKind } from '@ruong/shared';
import { SqliteStore, transaction } from '../stores/sqlite.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS alerts (
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, farm_id TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL, n TEXT NOT NULL DEFAULT '{}', value REAL,
  state TEXT NOT NULL, opened_at INTEGER NOT NULL, acknowledged_at INTEGER, acknowledged_by TEXT, cleared_at INTEGER
);
CREATE INDEX IF NOT EXISTS alerts_active ON alerts (state) WHERE state != 'cleared';
CREATE INDEX IF NOT EXISTS alerts_opened ON alerts (farm_id, opened_at);
`;

/** A condition that holds now: one kind of trouble with one node or gateway of one farm. */
export type Condition = { kind: AlertKind; farmId: string; subject: string; detail: string; n: Record<string, number | string>; value?: number };

type Row = {
  id: number; kind: AlertKind; farm_id: string; subject: string; detail: string; n: string; value: number | null; state: Alert['state'];
  opened_at: number; acknowledged_at: number | null; acknowledged_by: string | null; cleared_at: number | null;
};

const toAlert = (r: Row): Alert => ({
  id: r.id,
  kind: r.kind,
  farmId: r.farm_id,
  subject: r.subject,
  detail: r.detail,
  n: JSON.parse(r.n) as Alert['n'],
  state: r.state,
  openedAt: r.opened_at,
  ...(r.value !== null && { value: r.value }),
  ...(r.acknowledged_at !== null && { acknowledgedAt: r.acknowledged_at }),
  ...(r.acknowledged_by !== null && { acknowledgedBy: r.acknowledged_by }),
  ...(r.cleared_at !== null && { clearedAt: r.cleared_at }),
});

const keyOf = (c: { kind: string; subject: string }) => `${c.kind}:${c.subject}`;

/** Alerts with their history: one active alert per kind and subject at a time. */
export class AlertStore extends SqliteStore {
  constructor(file: string) {
    super(file, SCHEMA);
  }

  /** Opens alerts for new conditions, refreshes the detail of active ones, clears those whose condition is gone. */
  reconcile(conditions: readonly Condition[], now: number, unknown: readonly AlertKind[] = []): { opened: Alert[]; cleared: Alert[] } {
    return transaction(this.db, () => {
      const active = new Map(this.active().map((a) => [keyOf(a), a]));
      const opened: Alert[] = [];
      for (const c of conditions) {
        const current = active.get(keyOf(c));
        active.delete(keyOf(c));
        if (current) {
          this.sql('UPDATE alerts SET detail = ?, n = ?, value = ?, farm_id = ? WHERE id = ?').run(c.detail, JSON.stringify(c.n), c.value ?? null, c.farmId, current.id);
          continue;
        }
        const { lastInsertRowid } = this.sql("INSERT INTO alerts (kind, farm_id, subject, detail, n, value, state, opened_at) VALUES (?, ?, ?, ?, ?, ?, 'open', ?)")
          .run(c.kind, c.farmId, c.subject, c.detail, JSON.stringify(c.n), c.value ?? null, now);
        opened.push(this.get(Number(lastInsertRowid))!);
      }
      // An alert of a kind that could not be checked this time stays as it is.
      const cleared = [...active.values()].filter((a) => !unknown.includes(a.kind));
      for (const a of cleared) this.sql("UPDATE alerts SET state = 'cleared', cleared_at = ? WHERE id = ?").run(now, a.id);
      return { opened, cleared };
    });
  }

  acknowledge(id: number, by: string, now: number): boolean {
    return this.sql("UPDATE alerts SET state = 'acknowledged', acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND state = 'open'").run(now, by, id).changes === 1;
  }

  get(id: number): Alert | undefined {
    const row = this.sql('SELECT * FROM alerts WHERE id = ?').get(id) as Row | undefined;
    return row && toAlert(row);
  }

  active(): Alert[] {
    return (this.sql("SELECT * FROM alerts WHERE state != 'cleared' ORDER BY id").all() as Row[]).map(toAlert);
  }

  /** Newest first: the active ones of `farms`, then history, up to `limit`. */
  list(farms: readonly string[] | undefined, limit: number): Alert[] {
    const rows = farms
      ? this.sql("SELECT * FROM alerts WHERE farm_id IN (SELECT value FROM json_each(?)) ORDER BY state = 'cleared', id DESC LIMIT ?").all(JSON.stringify(farms), limit)
      : this.sql("SELECT * FROM alerts ORDER BY state = 'cleared', id DESC LIMIT ?").all(limit);
    return (rows as Row[]).map(toAlert);
  }
}
