import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { SqliteTelemetryStore } from '../src/stores/sqlite-telemetry-store.ts';
import { telemetryStoreContract } from './telemetry-store.contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'ruong-sqlite-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

telemetryStoreContract('embedded SQLite', async () => new SqliteTelemetryStore(join(dir, `telemetry-${Math.random()}.db`)));
