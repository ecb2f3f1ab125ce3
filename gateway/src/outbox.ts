import type { Reading } from '@ruong/shared';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY, node TEXT NOT NULL, metric TEXT NOT NULL, value REAL NOT NULL, ts INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS inflight (batch_id TEXT PRIMARY KEY, first_id INTEGER NOT NULL, last_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS quarantine (batch_id TEXT NOT NULL, id INTEGER NOT NULL, node TEXT NOT NULL, metric TEXT NOT NULL, value REAL NOT NULL, ts INTEGER NOT NULL);
`;

export type OutboxOptions = {
  /** The most the outbox may take on disk; past it the oldest unsent readings are dropped. */
  maxBytes: number;
  /** How long a reading may wait in memory before its group commit. */
  commitIntervalMs: number;
  /** Commit at once when this many readings are waiting. */
  commitBatch?: number;
  onDrop?: (dropped: number, oldestTs: number) => void;
};

export type OutboxBatch = { batchId: string; readings: Reading[] };

type Row = { node: string; metric: string; value: number; ts: number };

/**
 * The gateway's durable queue: every good reading is written here before anything else, and leaves
 * only when the cloud has acknowledged the batch that carried it. Readings are grouped into one
 * SQLite transaction per `commitIntervalMs` so the SD card sees few syncs. A batch, once formed, is
 * recorded with its id, so after a crash it is sent again with the same id and the same readings.
 */
export class Outbox {
  readonly #db: DatabaseSync;
  readonly #options: Required<Omit<OutboxOptions, 'onDrop'>> & Pick<OutboxOptions, 'onDrop'>;
  readonly #insert: StatementSync;
  readonly #pending: Reading[] = [];
  readonly #committedListeners = new Set<() => void>();
  #afterCommit: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #appendsSinceCapCheck = 0;
  droppedByCap = 0;

  constructor(file: string, options: OutboxOptions) {
    mkdirSync(dirname(file), { recursive: true });
    this.#options = { commitBatch: 1000, ...options };
    this.#db = new DatabaseSync(file);
    // FULL: a commit is on the card before we count the reading as kept, power cut or not.
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
    this.#db.exec(SCHEMA);
    this.#insert = this.#db.prepare('INSERT INTO outbox (node, metric, value, ts) VALUES (?, ?, ?, ?)');
  }

  /** Queues readings for the next group commit. */
  append(readings: readonly Reading[]): void {
    for (const r of readings) this.#pending.push(r);
    if (this.#pending.length >= this.#options.commitBatch) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), this.#options.commitIntervalMs);
  }

  /** Calls `fn` once every reading appended so far is committed to disk. */
  afterCommit(fn: () => void): void {
    if (this.#pending.length === 0) queueMicrotask(fn);
    else this.#afterCommit.push(fn);
  }

  /** Commits every queued reading now. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0 || !this.#db.isOpen) return;
    const rows = this.#pending.splice(0);
    this.#db.exec('BEGIN');
    try {
      for (const r of rows) this.#insert.run(r.node, r.metric, r.value, r.ts);
      this.#db.exec('COMMIT');
    } catch (err) {
      this.#db.exec('ROLLBACK');
      this.#pending.unshift(...rows);
      throw err;
    }
    this.#appendsSinceCapCheck += rows.length;
    if (this.#appendsSinceCapCheck >= 10_000) this.enforceCap();
    const waiting = this.#afterCommit;
    this.#afterCommit = [];
    for (const fn of waiting) fn();
    for (const listener of this.#committedListeners) listener();
  }

  onCommitted(listener: () => void): () => void {
    this.#committedListeners.add(listener);
    return () => this.#committedListeners.delete(listener);
  }

  /**
   * The batch in flight if there is one (to be sent again as it was), else a new one of up to `max`
   * readings when at least `min` are waiting.
   */
  nextBatch(max: number, min = 1): OutboxBatch | undefined {
    const inflight = this.#db.prepare('SELECT batch_id, first_id, last_id FROM inflight').get() as
      | { batch_id: string; first_id: number; last_id: number }
      | undefined;
    if (inflight) {
      const rows = this.#db.prepare('SELECT node, metric, value, ts FROM outbox WHERE id BETWEEN ? AND ? ORDER BY id').all(inflight.first_id, inflight.last_id) as Row[];
      return { batchId: inflight.batch_id, readings: rows };
    }
    if (this.backlog().depth < min) return undefined;
    const rows = this.#db.prepare('SELECT id, node, metric, value, ts FROM outbox ORDER BY id LIMIT ?').all(max) as (Row & { id: number })[];
    if (rows.length === 0) return undefined;
    const batchId = randomUUID();
    this.#db.prepare('INSERT INTO inflight (batch_id, first_id, last_id) VALUES (?, ?, ?)').run(batchId, rows[0]!.id, rows.at(-1)!.id);
    return { batchId, readings: rows.map(({ node, metric, value, ts }) => ({ node, metric, value, ts })) };
  }

  /** The cloud has stored the batch: its readings leave the outbox. */
  ack(batchId: string): number {
    const inflight = this.#db.prepare('SELECT first_id, last_id FROM inflight WHERE batch_id = ?').get(batchId) as { first_id: number; last_id: number } | undefined;
    if (!inflight) return 0;
    this.#db.exec('BEGIN');
    const { changes } = this.#db.prepare('DELETE FROM outbox WHERE id BETWEEN ? AND ?').run(inflight.first_id, inflight.last_id);
    this.#db.prepare('DELETE FROM inflight WHERE batch_id = ?').run(batchId);
    this.#db.exec('COMMIT');
    return Number(changes);
  }

  /** Forgets a batch the cloud never stored (refused as too large): its readings go out again in smaller batches. */
  dissolve(batchId: string): void {
    this.#db.prepare('DELETE FROM inflight WHERE batch_id = ?').run(batchId);
  }

  /**
   * Sets aside a batch the cloud refused as invalid, so one bad batch cannot block the queue forever.
   * The readings stay on disk in `quarantine` for a person to look at; returns how many moved.
   */
  quarantine(batchId: string): number {
    const inflight = this.#db.prepare('SELECT first_id, last_id FROM inflight WHERE batch_id = ?').get(batchId) as { first_id: number; last_id: number } | undefined;
    if (!inflight) return 0;
    this.#db.exec('BEGIN');
    this.#db.prepare('INSERT INTO quarantine SELECT ?, id, node, metric, value, ts FROM outbox WHERE id BETWEEN ? AND ?').run(batchId, inflight.first_id, inflight.last_id);
    const { changes } = this.#db.prepare('DELETE FROM outbox WHERE id BETWEEN ? AND ?').run(inflight.first_id, inflight.last_id);
    this.#db.prepare('DELETE FROM inflight WHERE batch_id = ?').run(batchId);
    this.#db.exec('COMMIT');
    return Number(changes);
  }

  /** Readings on disk waiting for the cloud, and the time of the oldest. */
  backlog(): { depth: number; oldestTs: number | null } {
    // Rows leave from the old end only (acks, and cap drops just after the batch in flight), so a
    // few index lookups count them without a scan.
    const span = (after: number) => {
      const row = this.#db.prepare('SELECT min(id) AS lo, max(id) AS hi FROM outbox WHERE id > ?').get(after) as { lo: number | null; hi: number | null };
      return row.lo === null || row.hi === null ? 0 : row.hi - row.lo + 1;
    };
    const inflight = this.#db.prepare('SELECT first_id, last_id FROM inflight').get() as { first_id: number; last_id: number } | undefined;
    const depth = inflight ? inflight.last_id - inflight.first_id + 1 + span(inflight.last_id) : span(0);
    if (depth === 0) return { depth: 0, oldestTs: null };
    const oldest = this.#db.prepare('SELECT ts FROM outbox ORDER BY id LIMIT 1').get() as { ts: number };
    return { depth, oldestTs: oldest.ts };
  }

  bytesUsed(): number {
    const get = (pragma: string) => Number((this.#db.prepare(`PRAGMA ${pragma}`).get() as Record<string, number>)[pragma]);
    return (get('page_count') - get('freelist_count')) * get('page_size');
  }

  /**
   * Keeps the outbox under maxBytes by dropping the oldest readings that are not in flight: during a
   * long outage the newest data is worth more than the oldest. Each drop is counted and reported.
   */
  enforceCap(): number {
    this.#appendsSinceCapCheck = 0;
    let dropped = 0;
    while (this.bytesUsed() > this.#options.maxBytes) {
      const { depth } = this.backlog();
      const chunk = Math.max(1000, Math.ceil(depth * 0.01));
      const inflight = this.#db.prepare('SELECT last_id FROM inflight').get() as { last_id: number } | undefined;
      const floor = inflight?.last_id ?? 0;
      const oldest = this.#db.prepare('SELECT ts FROM outbox WHERE id > ? ORDER BY id LIMIT 1').get(floor) as { ts: number } | undefined;
      const { changes } = this.#db.prepare('DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE id > ? ORDER BY id LIMIT ?)').run(floor, chunk);
      if (changes === 0 || !oldest) break;
      dropped += Number(changes);
      this.#options.onDrop?.(Number(changes), oldest.ts);
    }
    this.droppedByCap += dropped;
    return dropped;
  }

  close(): void {
    if (!this.#db.isOpen) return;
    this.flush();
    this.#db.close();
  }
}
