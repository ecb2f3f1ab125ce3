import type { GatewayHealth, User } from '@ruong/shared';
import type { GatewayRecord, MetadataStore, NodeRecord, StoredBatch } from './metadata-store.ts';
import { SqliteStore, transaction } from './sqlite.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS gateways (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL, last_contact INTEGER, health TEXT, farm_id TEXT
);
CREATE TABLE IF NOT EXISTS people_tokens (token_hash TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batches (
  gateway TEXT NOT NULL, batch_id TEXT NOT NULL, accepted INTEGER NOT NULL, at INTEGER NOT NULL,
  PRIMARY KEY (gateway, batch_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS batches_at ON batches (at);
CREATE TABLE IF NOT EXISTS nodes (node TEXT PRIMARY KEY, gateway TEXT NOT NULL, last_seen INTEGER NOT NULL) WITHOUT ROWID;
`;

type GatewayRow = { id: string; name: string; farm_id: string | null; created_at: number; last_contact: number | null; health: string | null };

export class SqliteMetadataStore extends SqliteStore implements MetadataStore {
  constructor(file: string) {
    super(file, SCHEMA);
    // Gateways registered before farms had cooperatives have no farm column yet.
    this.addMissingColumn('gateways', 'farm_id', 'TEXT');
  }

  createGateway(id: string, name: string, farmId: string | undefined, tokenHash: string, now: number): boolean {
    const r = this.sql('INSERT OR IGNORE INTO gateways (id, name, farm_id, token_hash, created_at) VALUES (?, ?, ?, ?, ?)').run(id, name, farmId ?? null, tokenHash, now);
    return r.changes === 1;
  }

  setGatewayToken(id: string, tokenHash: string): boolean {
    return this.sql('UPDATE gateways SET token_hash = ? WHERE id = ?').run(tokenHash, id).changes === 1;
  }

  setGatewayFarm(id: string, farmId: string): boolean {
    return this.sql('UPDATE gateways SET farm_id = ? WHERE id = ?').run(farmId, id).changes === 1;
  }

  gatewayByTokenHash(tokenHash: string): string | undefined {
    const row = this.sql('SELECT id FROM gateways WHERE token_hash = ?').get(tokenHash) as { id: string } | undefined;
    return row?.id;
  }

  listGateways(): GatewayRecord[] {
    const rows = this.sql('SELECT id, name, farm_id, created_at, last_contact, health FROM gateways ORDER BY id').all() as GatewayRow[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      farmId: r.farm_id ?? undefined,
      createdAt: r.created_at,
      lastContact: r.last_contact,
      health: r.health ? (JSON.parse(r.health) as GatewayHealth) : null,
    }));
  }

  recordContact(gateway: string, now: number, health: GatewayHealth | undefined): void {
    this.sql('UPDATE gateways SET last_contact = ?, health = coalesce(?, health) WHERE id = ?')
      .run(now, health ? JSON.stringify(health) : null, gateway);
  }

  hasAdminToken(): boolean {
    return this.sql("SELECT 1 FROM people_tokens WHERE role = 'admin'").get() !== undefined;
  }

  setAdminToken(tokenHash: string): void {
    transaction(this.db, () => {
      this.sql("DELETE FROM people_tokens WHERE name = 'admin'").run();
      this.sql("INSERT INTO people_tokens (token_hash, name, role) VALUES (?, 'admin', 'admin')").run(tokenHash);
    });
  }

  adminByTokenHash(tokenHash: string): User | undefined {
    const row = this.sql("SELECT name FROM people_tokens WHERE token_hash = ? AND role = 'admin'").get(tokenHash);
    return row && { username: 'admin', name: 'Administrator', role: 'admin', cooperativeId: null, farms: [] };
  }

  batchAccepted(gateway: string, batchId: string): number | undefined {
    const row = this.sql('SELECT accepted FROM batches WHERE gateway = ? AND batch_id = ?').get(gateway, batchId) as
      | { accepted: number }
      | undefined;
    return row?.accepted;
  }

  recordBatch(gateway: string, batch: StoredBatch, now: number): void {
    // One commit instead of three: each is a write to the WAL, and ingest makes one per batch.
    transaction(this.db, () => {
      this.sql('INSERT OR IGNORE INTO batches (gateway, batch_id, accepted, at) VALUES (?, ?, ?, ?)').run(gateway, batch.batchId, batch.accepted, now);
      this.#touch(gateway, batch.lastSeen);
      this.recordContact(gateway, now, batch.health);
    });
  }

  pruneBatches(before: number): number {
    return Number(this.sql('DELETE FROM batches WHERE at < ?').run(before).changes);
  }

  touchNodes(gateway: string, lastSeen: ReadonlyMap<string, number>): void {
    transaction(this.db, () => this.#touch(gateway, lastSeen));
  }

  #touch(gateway: string, lastSeen: ReadonlyMap<string, number>): void {
    const stmt = this.sql(
      `INSERT INTO nodes (node, gateway, last_seen) VALUES (?, ?, ?)
       ON CONFLICT DO UPDATE SET gateway = excluded.gateway, last_seen = max(last_seen, excluded.last_seen)`,
    );
    for (const [node, ts] of lastSeen) stmt.run(node, gateway, ts);
  }

  listNodes(): NodeRecord[] {
    return this.sql('SELECT node, gateway, last_seen AS lastSeen FROM nodes ORDER BY node').all() as NodeRecord[];
  }
}
