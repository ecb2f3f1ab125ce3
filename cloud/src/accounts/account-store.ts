import type { ApiTokenInfo, Cooperative, User, UserConfig } from '@ruong/shared';
import { SqliteStore } from '../stores/sqlite.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS cooperatives (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  username TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, cooperative_id TEXT, farms TEXT NOT NULL,
  language TEXT, password_hash TEXT, created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT PRIMARY KEY, username TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (username);
CREATE TABLE IF NOT EXISTS api_tokens (
  id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, username TEXT NOT NULL, label TEXT NOT NULL,
  created_at INTEGER NOT NULL, last_used_at INTEGER
);
`;

type UserRow = { username: string; name: string; role: User['role']; cooperative_id: string | null; farms: string; language: User['language'] | null };

const toUser = (r: UserRow): User => ({
  username: r.username,
  name: r.name,
  role: r.role,
  cooperativeId: r.cooperative_id,
  farms: JSON.parse(r.farms) as string[],
  ...(r.language && { language: r.language }),
});

/** Cooperatives, people, their sign-in sessions and their API tokens. Secrets are kept hashed only. */
export class AccountStore extends SqliteStore {
  constructor(file: string) {
    super(file, SCHEMA);
  }

  putCooperative(c: Cooperative): void {
    this.sql('INSERT INTO cooperatives (id, name) VALUES (?, ?) ON CONFLICT DO UPDATE SET name = excluded.name').run(c.id, c.name);
  }

  cooperatives(): Cooperative[] {
    return this.sql('SELECT id, name FROM cooperatives ORDER BY id').all() as Cooperative[];
  }

  /** Creates or replaces a person; a missing password keeps the one they have. */
  putUser(username: string, u: Omit<UserConfig, 'password'>, passwordHash: string | undefined, now: number): User {
    this.sql(
        `INSERT INTO users (username, name, role, cooperative_id, farms, language, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET name = excluded.name, role = excluded.role, cooperative_id = excluded.cooperative_id, farms = excluded.farms,
           language = excluded.language, password_hash = coalesce(excluded.password_hash, password_hash)`,
      )
      .run(username, u.name, u.role, u.cooperativeId, JSON.stringify(u.farms), u.language ?? null, passwordHash ?? null, now);
    return this.user(username)!;
  }

  user(username: string): User | undefined {
    const row = this.sql('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    return row && toUser(row);
  }

  users(): User[] {
    return (this.sql('SELECT * FROM users ORDER BY username').all() as UserRow[]).map(toUser);
  }

  passwordHash(username: string): string | undefined {
    const row = this.sql('SELECT password_hash FROM users WHERE username = ?').get(username) as { password_hash: string | null } | undefined;
    return row?.password_hash ?? undefined;
  }

  /** Sets a new password and ends every session but `keepSession`: whoever knew the old one is signed out. */
  setPassword(username: string, passwordHash: string, keepSession: string | undefined): void {
    this.sql('UPDATE users SET password_hash = ? WHERE username = ?').run(passwordHash, username);
    this.sql('DELETE FROM sessions WHERE username = ? AND token_hash IS NOT ?').run(username, keepSession ?? null);
  }

  /** Removes a person with every session and token they held. */
  removeUser(username: string): boolean {
    this.sql('DELETE FROM sessions WHERE username = ?').run(username);
    this.sql('DELETE FROM api_tokens WHERE username = ?').run(username);
    return this.sql('DELETE FROM users WHERE username = ?').run(username).changes === 1;
  }

  createSession(tokenHash: string, username: string, expiresAt: number): void {
    this.sql('INSERT INTO sessions (token_hash, username, expires_at) VALUES (?, ?, ?)').run(tokenHash, username, expiresAt);
  }

  userBySession(tokenHash: string, now: number): User | undefined {
    const row = this.sql('SELECT username FROM sessions WHERE token_hash = ? AND expires_at > ?').get(tokenHash, now) as { username: string } | undefined;
    return row && this.user(row.username);
  }

  endSession(tokenHash: string): void {
    this.sql('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
  }

  pruneSessions(now: number): number {
    return Number(this.sql('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes);
  }

  createApiToken(id: string, tokenHash: string, username: string, label: string, now: number): void {
    this.sql('INSERT INTO api_tokens (id, token_hash, username, label, created_at) VALUES (?, ?, ?, ?, ?)').run(id, tokenHash, username, label, now);
  }

  userByApiToken(tokenHash: string, now: number): User | undefined {
    const row = this.sql('SELECT username FROM api_tokens WHERE token_hash = ?').get(tokenHash) as { username: string } | undefined;
    if (!row) return undefined;
    this.sql('UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?').run(now, tokenHash);
    return this.user(row.username);
  }

  apiTokens(username: string): ApiTokenInfo[] {
    return this.sql('SELECT id, label, created_at AS createdAt, last_used_at AS lastUsedAt FROM api_tokens WHERE username = ? ORDER BY created_at')
      .all(username) as ApiTokenInfo[];
  }

  revokeApiToken(username: string, id: string): boolean {
    return this.sql('DELETE FROM api_tokens WHERE username = ? AND id = ?').run(username, id).changes === 1;
  }
}
