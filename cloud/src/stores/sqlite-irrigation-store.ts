import type { DecisionRecord, IrrigationRule, Why, Zone, ZoneConfig, ZoneRun } from '@ruong/shared';
import { SqliteStore, transaction } from './sqlite.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS farms (id TEXT PRIMARY KEY, config TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fields (id TEXT PRIMARY KEY, config TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS zones (id TEXT PRIMARY KEY, config TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rules (id TEXT PRIMARY KEY, zone TEXT NOT NULL, version INTEGER NOT NULL, rule TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rule_versions (id TEXT NOT NULL, version INTEGER NOT NULL, rule TEXT NOT NULL, at INTEGER NOT NULL, by TEXT NOT NULL, PRIMARY KEY (id, version));
CREATE TABLE IF NOT EXISTS zone_state (zone TEXT PRIMARY KEY, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS decisions (
  id INTEGER PRIMARY KEY, zone TEXT NOT NULL, rule TEXT NOT NULL, rule_version INTEGER NOT NULL, at INTEGER NOT NULL,
  action TEXT NOT NULL, duration_min REAL, reason TEXT NOT NULL, saw TEXT NOT NULL, command TEXT, origin TEXT NOT NULL DEFAULT 'cloud'
);
CREATE INDEX IF NOT EXISTS decisions_zone ON decisions (zone, at);
-- A gateway resends its offline decisions until the cloud answers; each is kept once.
CREATE UNIQUE INDEX IF NOT EXISTS decisions_once ON decisions (zone, rule, at, action, reason);
`;

type DecisionRow = {
  id: number; zone: string; rule: string; rule_version: number; at: number; action: DecisionRecord['action'];
  duration_min: number | null; reason: string; why: string | null; saw: string; command: string | null; origin: DecisionRecord['origin'];
};

/** Zones, rules with every version (who changed what, when), zone run state and decision records. */
export class SqliteIrrigationStore extends SqliteStore {
  constructor(file: string) {
    super(file, SCHEMA);
    // Decisions recorded before reasons were kept as phrases have no `why` column yet.
    this.addMissingColumn('decisions', 'why', 'TEXT');
  }

  /** Farms, fields and zones are kept alike: an id and its validated JSON. */
  put(kind: 'farms' | 'fields' | 'zones', id: string, config: object): void {
    this.sql(`INSERT INTO ${kind} (id, config) VALUES (?, ?) ON CONFLICT DO UPDATE SET config = excluded.config`).run(id, JSON.stringify(config));
  }

  list<T>(kind: 'farms' | 'fields' | 'zones'): (T & { id: string })[] {
    return (this.sql(`SELECT id, config FROM ${kind} ORDER BY id`).all() as { id: string; config: string }[]).map((r) => ({ id: r.id, ...(JSON.parse(r.config) as T) }));
  }

  remove(kind: 'farms' | 'fields' | 'zones', id: string): boolean {
    return this.sql(`DELETE FROM ${kind} WHERE id = ?`).run(id).changes === 1;
  }

  zones(): Zone[] {
    return this.list<ZoneConfig>('zones');
  }

  zone(id: string): Zone | undefined {
    return this.zones().find((z) => z.id === id);
  }

  /** Saves a new version of a rule and returns it. */
  putRule(rule: Omit<IrrigationRule, 'version'>, by: string, at: number): IrrigationRule {
    return transaction(this.db, () => {
      const prev = this.sql('SELECT version FROM rules WHERE id = ?').get(rule.id) as { version: number } | undefined;
      const saved: IrrigationRule = { ...rule, version: (prev?.version ?? 0) + 1 };
      const json = JSON.stringify(saved);
      this.sql('INSERT INTO rules (id, zone, version, rule) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET zone = excluded.zone, version = excluded.version, rule = excluded.rule').run(saved.id, saved.zoneId, saved.version, json);
      this.sql('INSERT INTO rule_versions (id, version, rule, at, by) VALUES (?, ?, ?, ?, ?)').run(saved.id, saved.version, json, at, by);
      return saved;
    });
  }

  rules(): IrrigationRule[] {
    return (this.sql('SELECT rule FROM rules ORDER BY id').all() as { rule: string }[]).map((r) => JSON.parse(r.rule) as IrrigationRule);
  }

  rule(id: string): IrrigationRule | undefined {
    const row = this.sql('SELECT rule FROM rules WHERE id = ?').get(id) as { rule: string } | undefined;
    return row && (JSON.parse(row.rule) as IrrigationRule);
  }

  ruleVersions(id: string): { version: number; at: number; by: string; rule: IrrigationRule }[] {
    return (this.sql('SELECT version, at, by, rule FROM rule_versions WHERE id = ? ORDER BY version').all(id) as { version: number; at: number; by: string; rule: string }[]).map((r) => ({
      version: r.version,
      at: r.at,
      by: r.by,
      rule: JSON.parse(r.rule) as IrrigationRule,
    }));
  }

  zoneState(zone: string): ZoneRun {
    const row = this.sql('SELECT state FROM zone_state WHERE zone = ?').get(zone) as { state: string } | undefined;
    return row ? (JSON.parse(row.state) as ZoneRun) : { valveOpen: false, usedMin: 0 };
  }

  setZoneState(zone: string, state: ZoneRun): void {
    this.sql('INSERT INTO zone_state (zone, state) VALUES (?, ?) ON CONFLICT DO UPDATE SET state = excluded.state').run(zone, JSON.stringify(state));
  }

  addDecision(d: Omit<DecisionRecord, 'id'>): number {
    const r = this.sql('INSERT OR IGNORE INTO decisions (zone, rule, rule_version, at, action, duration_min, reason, why, saw, command, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(d.zone, d.rule, d.ruleVersion, d.at, d.action, d.durationMin ?? null, d.reason, d.why ? JSON.stringify(d.why) : null, JSON.stringify(d.saw), d.command ?? null, d.origin);
    return Number(r.lastInsertRowid);
  }

  /** Newest first, of one zone, of any of `zones`, or of all. */
  decisions(filter: { zone?: string | undefined; zones?: readonly string[]; limit: number }): DecisionRecord[] {
    const zones = filter.zone !== undefined ? [filter.zone] : filter.zones;
    const rows = (
      zones
        ? this.sql('SELECT * FROM decisions WHERE zone IN (SELECT value FROM json_each(?)) ORDER BY id DESC LIMIT ?').all(JSON.stringify(zones), filter.limit)
        : this.sql('SELECT * FROM decisions ORDER BY id DESC LIMIT ?').all(filter.limit)
    ) as DecisionRow[];
    return rows.map((r) => ({
      id: r.id,
      zone: r.zone,
      rule: r.rule,
      ruleVersion: r.rule_version,
      at: r.at,
      action: r.action,
      reason: r.reason,
      ...(r.why !== null && { why: JSON.parse(r.why) as Why[] }),
      saw: JSON.parse(r.saw) as Record<string, number>,
      origin: r.origin,
      ...(r.duration_min !== null && { durationMin: r.duration_min }),
      ...(r.command !== null && { command: r.command }),
    }));
  }
}
