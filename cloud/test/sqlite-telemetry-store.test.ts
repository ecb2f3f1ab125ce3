import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteTelemetryStore } from '../src/stores/sqlite-telemetry-store.ts';
import { telemetryStoreContract } from './telemetry-store.contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'ruong-sqlite-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

telemetryStoreContract('embedded SQLite', async () => new SqliteTelemetryStore(join(dir, `telemetry-${Math.random()}.db`)));

describe('embedded SQLite with a full disk', () => {
  it('answers ping with why the last batch was refused, until one is stored again', async () => {
    const store = new SqliteTelemetryStore(join(dir, 'full.db'));
    const reading = (i: number) => ({ node: 'soil-01', metric: 'soil_moisture', value: 30, ts: Date.UTC(2026, 10, 30) + i * 60_000 });
    await store.write([reading(0)]);
    // SQLite's own cap on the file's pages fails a write the way a full disk does (SQLITE_FULL).
    const db = (store as unknown as { db: DatabaseSync }).db;
    const pages = Number((db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count);
    db.exec(`PRAGMA max_page_count = ${pages}`);
    const many = Array.from({ length: 5_000 }, (_, i) => reading(i + 1));
    await expect(store.write(many)).rejects.toThrow('database or disk is full');
    await expect(store.ping()).rejects.toThrow('SQLite refused the last batch written: database or disk is full');
    // Nothing of the refused batch was kept, and once there is room again the batch goes in whole.
    expect(store.count()).toBe(1);
    db.exec('PRAGMA max_page_count = 1073741823');
    await store.write(many);
    await expect(store.ping()).resolves.toBeUndefined();
    expect(store.count()).toBe(5_001);
    await store.close();
  });
});
