import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { OutboxBatch, type StoredSet } from './outbox-batch.ts';

/**
 * One row per reading set (a serial line, an MQTT message): node and time are stored once for all its
 * metrics, which keeps a week-long backlog small on the SD card and the inserts few.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY, node TEXT NOT NULL, ts INTEGER NOT NULL, n INTEGER NOT NULL, readings TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inflight (batch_id TEXT PRIMARY KEY, first_id INTEGER NOT NULL, last_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS quarantine (batch_id TEXT NOT NULL, id INTEGER NOT NULL, node TEXT NOT NULL, ts INTEGER NOT NULL, n INTEGER NOT NULL, readings TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO counters (name, value) VALUES ('depth', 0), ('dropped', 0);
`;

export type OutboxOptions = {
  /** The most the outbox may take on disk; past it the oldest unsent readings are dropped. */
  maxBytes: number;
  /** How long a reading may wait in memory before its group commit. */
  commitIntervalMs: number;
  /** Commit at once when this many reading sets are waiting. */
  commitBatch?: number;
  onDrop?: (dropped: number, oldestTs: number) => void;
  /** A commit failed (a full or failing card): reading sets wait in memory, unacknowledged, and the commit is tried again. */
  onWriteFailed?: (err: Error) => void;
  /** A commit went through again, after failing for `failedMs`. */
  onWriteRecovered?: (failedMs: number) => void;
};

/** How often a commit that failed is tried again. */
const RETRY_COMMIT_MS = 2_000;
/** Reading sets held in memory while commits fail; past it the oldest are dropped, as past maxBytes on disk. */
const MAX_HELD_SETS = 50_000;

type Pending = { node: string; ts: number; readings: Record<string, number>; n: number };
type Row = StoredSet & { id: number };

/**
 * The gateway's durable queue: every good reading is written here before anything else, and leaves
 * only when the cloud has acknowledged the batch that carried it. Reading sets are grouped into one
 * SQLite transaction per `commitIntervalMs` so the SD card sees few syncs. A batch, once formed, is
 * recorded with its id, so after a crash it is sent again with the same id and the same readings.
 * While one batch is at the cloud the next may be formed and recorded too (`batchAfter`); batches in
 * flight go out oldest first.
 */
export class Outbox {
  readonly #db: DatabaseSync;
  readonly #options: Required<Pick<OutboxOptions, 'maxBytes' | 'commitIntervalMs' | 'commitBatch'>> & OutboxOptions;
  readonly #sql: Record<'insert' | 'addDepth' | 'getCounter' | 'inflight' | 'inflightCount' | 'inflightEnd' | 'oldest' | 'rowsFrom' | 'rowsBetween' | 'deleteBetween', StatementSync>;
  #pending: Pending[] = [];
  #pendingReadings = 0;
  #afterCommit: (() => void)[] = [];
  readonly #committedListeners = new Set<() => void>();
  #timer: NodeJS.Timeout | undefined;
  #sinceCapCheck = 0;
  /** Readings on disk, kept in step with the table so nobody has to count rows. */
  #depth: number;
  /** Since when commits fail, and why; reading sets wait in `#pending` meanwhile. */
  #failure: { since: number; error: string } | undefined;
  /** Readings dropped from memory while commits failed: the counter on disk could not take them. */
  #droppedHeld = 0;

  constructor(file: string, options: OutboxOptions) {
    mkdirSync(dirname(file), { recursive: true });
    this.#options = { commitBatch: 500, ...options };
    this.#db = new DatabaseSync(file);
    // FULL: a commit is on the card before we count the reading as kept, power cut or not.
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
    this.#db.exec(SCHEMA);
    const p = (sql: string) => this.#db.prepare(sql);
    this.#sql = {
      insert: p('INSERT INTO outbox (node, ts, n, readings) VALUES (?, ?, ?, ?)'),
      addDepth: p("UPDATE counters SET value = value + ? WHERE name = 'depth'"),
      getCounter: p('SELECT value FROM counters WHERE name = ?'),
      inflight: p('SELECT batch_id, first_id, last_id FROM inflight ORDER BY first_id LIMIT 1'),
      inflightCount: p('SELECT count(*) AS n FROM inflight'),
      inflightEnd: p('SELECT max(last_id) AS last FROM inflight'),
      oldest: p('SELECT ts FROM outbox ORDER BY id LIMIT 1'),
      rowsFrom: p('SELECT id, node, ts, n, readings FROM outbox WHERE id > ? ORDER BY id'),
      rowsBetween: p('SELECT id, node, ts, n, readings FROM outbox WHERE id BETWEEN ? AND ? ORDER BY id'),
      deleteBetween: p('DELETE FROM outbox WHERE id BETWEEN ? AND ?'),
    };
    this.#depth = this.#counter('depth');
  }

  get droppedByCap(): number {
    return this.#counter('dropped') + this.#droppedHeld;
  }

  /** While commits fail: since when, why, and how many readings wait in memory. */
  failing(): { since: number; error: string; heldReadings: number } | undefined {
    return this.#failure && { ...this.#failure, heldReadings: this.#pendingReadings };
  }

  /** Queues one reading set for the next group commit. */
  append(node: string, ts: number, readings: Record<string, number>, n: number): void {
    this.#pending.push({ node, ts, readings, n });
    this.#pendingReadings += n;
    // While commits fail, the retry timer runs: only memory needs watching.
    if (this.#failure) {
      if (this.#pending.length > MAX_HELD_SETS) this.#dropHeld(MAX_HELD_SETS / 10);
    } else if (this.#pending.length >= this.#options.commitBatch) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), this.#options.commitIntervalMs);
  }

  /** Calls `fn` once every reading appended so far is committed to disk. */
  afterCommit(fn: () => void): void {
    if (this.#pending.length === 0) queueMicrotask(fn);
    else this.#afterCommit.push(fn);
  }

  onCommitted(listener: () => void): () => void {
    this.#committedListeners.add(listener);
    return () => this.#committedListeners.delete(listener);
  }

  /** Commits every queued reading set now. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0 || !this.#db.isOpen) return;
    const sets = this.#pending;
    const n = this.#pendingReadings;
    try {
      this.#transaction(() => {
        for (const s of sets) this.#sql.insert.run(s.node, s.ts, s.n, JSON.stringify(s.readings));
        this.#sql.addDepth.run(n);
      });
    } catch (err) {
      // Nothing was written: the sets wait in memory, and so do their senders' acknowledgements.
      if (!this.#failure) {
        this.#failure = { since: Date.now(), error: (err as Error).message.slice(0, 300) };
        this.#options.onWriteFailed?.(err as Error);
      }
      this.#timer = setTimeout(() => this.flush(), RETRY_COMMIT_MS);
      return;
    }
    this.#pending = [];
    this.#pendingReadings = 0;
    if (this.#failure) {
      this.#options.onWriteRecovered?.(Date.now() - this.#failure.since);
      this.#failure = undefined;
    }
    this.#depth += n;
    this.#sinceCapCheck += n;
    if (this.#sinceCapCheck >= 10_000) this.enforceCap();
    const waiting = this.#afterCommit;
    this.#afterCommit = [];
    // On a later turn: a flush inside a flood of MQTT messages would otherwise let the broker read and
    // handle the next ones at once, and uploads, serial lines and valve commands wait the whole flood out.
    setImmediate(() => {
      for (const fn of waiting) fn();
    });
    for (const listener of this.#committedListeners) listener();
  }

  /**
   * The oldest batch in flight if there is one (to be sent again as it was), else a new one of about
   * `max` readings (whole reading sets) when at least `min` are waiting. `known` is a batch the caller
   * already holds: when it is the one due, it is handed back without reading it again.
   */
  nextBatch(max: number, min = 1, known?: OutboxBatch): OutboxBatch | undefined {
    const inflight = this.#sql.inflight.get() as { batch_id: string; first_id: number; last_id: number } | undefined;
    if (inflight) {
      if (inflight.batch_id === known?.batchId) return known;
      return new OutboxBatch(inflight.batch_id, this.#sql.rowsBetween.all(inflight.first_id, inflight.last_id) as Row[]);
    }
    if (this.#depth < min || this.#depth === 0) return undefined;
    return this.#formBatch(0, max, min);
  }

  /**
   * The batch to follow `batchId`, the only batch in flight: formed and recorded now, so it can be
   * made ready while the cloud works on that one. `nextBatch` hands it out once `batchId` has left.
   */
  batchAfter(batchId: string, max: number, min = 1): OutboxBatch | undefined {
    const inflight = this.#sql.inflight.get() as { batch_id: string; last_id: number } | undefined;
    if (inflight?.batch_id !== batchId || (this.#sql.inflightCount.get() as { n: number }).n !== 1) return undefined;
    return this.#formBatch(inflight.last_id, max, min);
  }

  /**
   * A new batch of the reading sets after id `after`, recorded in flight; none when fewer than `min`
   * readings wait there (a batch that is full as whole sets go counts as enough).
   */
  #formBatch(after: number, max: number, min: number): OutboxBatch | undefined {
    const rows: Row[] = [];
    let count = 0;
    let full = false;
    for (const row of this.#sql.rowsFrom.iterate(after) as Iterable<Row>) {
      if (rows.length > 0 && count + row.n > max) {
        full = true;
        break;
      }
      rows.push(row);
      count += row.n;
    }
    if (rows.length === 0 || (count < min && !full)) return undefined;
    const batchId = randomUUID();
    this.#db.prepare('INSERT INTO inflight (batch_id, first_id, last_id) VALUES (?, ?, ?)').run(batchId, rows[0]!.id, rows.at(-1)!.id);
    return new OutboxBatch(batchId, rows);
  }

  /** The cloud has stored the batch: its readings leave the outbox. Returns how many left. */
  ack(batchId: string): number {
    return this.#removeBatch(batchId, false);
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
    return this.#removeBatch(batchId, true);
  }

  /** Readings on disk waiting for the cloud, and the time of the oldest. */
  backlog(): { depth: number; oldestTs: number | null } {
    if (this.#depth === 0) return { depth: 0, oldestTs: null };
    const oldest = this.#sql.oldest.get() as { ts: number } | undefined;
    return { depth: this.#depth, oldestTs: oldest?.ts ?? null };
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
    this.#sinceCapCheck = 0;
    let dropped = 0;
    while (this.bytesUsed() > this.#options.maxBytes) {
      const after = (this.#sql.inflightEnd.get() as { last: number | null }).last ?? 0;
      const victims: Row[] = [];
      const chunk = Math.max(200, Math.ceil(this.#depth / 100));
      for (const row of this.#sql.rowsFrom.iterate(after) as Iterable<Row>) {
        victims.push(row);
        if (victims.length >= chunk) break;
      }
      if (victims.length === 0) break;
      const n = victims.reduce((sum, r) => sum + r.n, 0);
      this.#transaction(() => {
        this.#sql.deleteBetween.run(victims[0]!.id, victims.at(-1)!.id);
        this.#sql.addDepth.run(-n);
        this.#db.prepare("UPDATE counters SET value = value + ? WHERE name = 'dropped'").run(n);
      });
      this.#depth -= n;
      dropped += n;
      this.#options.onDrop?.(n, victims[0]!.ts);
    }
    return dropped;
  }

  close(): void {
    if (!this.#db.isOpen) return;
    this.flush();
    clearTimeout(this.#timer);
    this.#db.close();
  }

  /** Drops the oldest `sets` reading sets held in memory, counting and reporting them. */
  #dropHeld(sets: number): void {
    const dropped = this.#pending.splice(0, sets);
    const n = dropped.reduce((sum, s) => sum + s.n, 0);
    this.#pendingReadings -= n;
    this.#droppedHeld += n;
    this.#options.onDrop?.(n, dropped[0]!.ts);
  }

  #removeBatch(batchId: string, keep: boolean): number {
    const inflight = this.#db.prepare('SELECT first_id, last_id FROM inflight WHERE batch_id = ?').get(batchId) as { first_id: number; last_id: number } | undefined;
    if (!inflight) return 0;
    const { first_id: first, last_id: last } = inflight;
    const n = Number((this.#db.prepare('SELECT coalesce(sum(n), 0) AS n FROM outbox WHERE id BETWEEN ? AND ?').get(first, last) as { n: number }).n);
    this.#transaction(() => {
      if (keep) this.#db.prepare('INSERT INTO quarantine SELECT ?, id, node, ts, n, readings FROM outbox WHERE id BETWEEN ? AND ?').run(batchId, first, last);
      this.#sql.deleteBetween.run(first, last);
      this.#sql.addDepth.run(-n);
      this.#db.prepare('DELETE FROM inflight WHERE batch_id = ?').run(batchId);
    });
    this.#depth -= n;
    return n;
  }

  #counter(name: string): number {
    return Number((this.#sql.getCounter.get(name) as { value: number }).value);
  }

  #transaction(fn: () => void): void {
    this.#db.exec('BEGIN');
    try {
      fn();
      this.#db.exec('COMMIT');
    } catch (err) {
      // SQLite has rolled back already after some errors (a full SD card): a ROLLBACK then would hide the error.
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw err;
    }
  }
}
