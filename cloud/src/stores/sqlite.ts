import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

/** Opens a SQLite file in WAL mode; `:memory:` works for tests of pure logic. */
function openSqlite(file: string): DatabaseSync {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
  return db;
}

/** Statements kept once prepared; beyond this many (SQL with a list of `?` of varying length) the cache starts again. */
const MAX_STATEMENTS = 256;

/**
 * `db.prepare`, remembering each statement: node:sqlite compiles the SQL again on every prepare (a few
 * µs), and an ingest request runs a dozen statements.
 */
function statements(db: DatabaseSync): (sql: string) => StatementSync {
  const cache = new Map<string, StatementSync>();
  return (sql) => {
    let statement = cache.get(sql);
    if (!statement) {
      if (cache.size >= MAX_STATEMENTS) cache.clear();
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
}

/** Runs fn inside one transaction, rolling back if it throws. */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    // SQLite has rolled back already after some errors (a full disk): a ROLLBACK then would hide the error.
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/** A store kept in a SQLite file of its own: opened with its schema, its statements prepared once. */
export class SqliteStore {
  protected readonly db: DatabaseSync;
  protected readonly sql: (sql: string) => StatementSync;

  constructor(file: string, schema: string) {
    this.db = openSqlite(file);
    this.sql = statements(this.db);
    this.db.exec(schema);
  }

  /** Adds a column that a file written before the column existed lacks. */
  protected addMissingColumn(table: string, column: string, type: string): void {
    const columns = this.sql(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[];
    if (!columns.some((c) => c.name === column)) this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
