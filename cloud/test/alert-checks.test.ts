import { alertText, type Command } from '@ruong/shared';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alertConditions } from '../src/alerts/alert-checks.ts';
import { RegistryIndex } from '../src/registry-index.ts';
import { SqliteIrrigationStore } from '../src/stores/sqlite-irrigation-store.ts';
import { SqliteMetadataStore } from '../src/stores/sqlite-metadata-store.ts';

const NOW = Date.UTC(2026, 10, 25, 3);
const MIN = 60_000;
const limits = { silentAfterMs: 30 * MIN, offlineAfterMs: 10 * MIN };

describe('alert conditions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ruong-alerts-'));
  const irrigation = new SqliteIrrigationStore(join(dir, 'cloud.db'));
  const meta = new SqliteMetadataStore(join(dir, 'cloud.db'));
  afterAll(() => {
    irrigation.close();
    meta.close();
    rmSync(dir, { recursive: true, force: true });
  });
  irrigation.put('farms', 'f1', { name: 'F1', cooperativeId: 'c' });
  irrigation.put('fields', 'f1-field', { farmId: 'f1', name: 'x' });
  irrigation.put('zones', 'z1', { fieldId: 'f1-field', name: 'z1', sensors: ['soil-1'], weather: [], valve: 'valve-1' });
  meta.createGateway('gw-new', 'new', 'f1', 'hash-1', NOW - 20 * MIN);
  const command = (state: Command['state'], detail?: string): Command => ({ id: 'c1', gateway: 'gw', node: 'valve-1', action: 'valve.open', source: 'rule', state, createdAt: NOW - MIN, expiresAt: NOW, ...(detail && { detail }) });
  const conditions = (lastCommands: Map<string, Command>, latest: { node: string; metric: string; value: number; ts: number }[] = []) =>
    alertConditions({ registry: new RegistryIndex(irrigation, meta), nodes: meta.listNodes(), gateways: meta.listGateways(), latest, lastCommands }, limits, NOW);

  it('raises a valve whose last command failed or expired, and not one whose last command was done', () => {
    expect(conditions(new Map([['valve-1', command('failed', 'no answer from the valve')]])).filter((c) => c.kind === 'valve_unconfirmed')).toEqual([
      { kind: 'valve_unconfirmed', farmId: 'f1', subject: 'valve-1', detail: 'valve.open failed: no answer from the valve', n: { action: 'valve.open', state: 'failed', detail: 'no answer from the valve' } },
    ]);
    expect(conditions(new Map([['valve-1', command('expired')]])).some((c) => c.kind === 'valve_unconfirmed')).toBe(true);
    expect(conditions(new Map([['valve-1', command('done')]])).some((c) => c.kind === 'valve_unconfirmed')).toBe(false);
  });

  it('raises a gateway of the farm that never made contact, past the offline limit', () => {
    expect(conditions(new Map()).filter((c) => c.kind === 'gateway_offline')).toEqual([{ kind: 'gateway_offline', farmId: 'f1', subject: 'gw-new', detail: 'never made contact', n: {} }]);
  });

  it('tells each alert in Vietnamese with the facts of the English detail', () => {
    const [battery] = conditions(new Map(), [{ node: 'soil-1', metric: 'battery_voltage', value: 3.31, ts: NOW }]).filter((c) => c.kind === 'battery_low');
    expect(battery!.detail).toBe('battery 3.31 V (below 3.5 V)');
    expect(alertText(battery!.kind, battery!.n, 'vi')).toBe('pin 3.31 V (dưới 3.5 V)');
    const [valve] = conditions(new Map([['valve-1', command('expired')]])).filter((c) => c.kind === 'valve_unconfirmed');
    expect(alertText(valve!.kind, valve!.n, 'vi')).toBe('lệnh mở van quá hạn, van chưa nhận');
    const [wet] = conditions(new Map(), [{ node: 'soil-1', metric: 'soil_moisture', value: 75, ts: NOW }]).filter((c) => c.kind === 'out_of_range');
    expect(wet!.detail).toBe('Soil moisture 75 is above 70');
    expect(alertText(wet!.kind, wet!.n, 'vi')).toBe('Độ ẩm đất 75 trên 70');
  });

  it('judges readings against the agronomic limits at their edges, and ignores nodes of no farm', () => {
    const at = (node: string, metric: string, value: number) => ({ node, metric, value, ts: NOW });
    const kinds = (latest: ReturnType<typeof at>[]) => conditions(new Map(), latest).filter((c) => c.kind !== 'gateway_offline').map((c) => `${c.kind} ${c.subject}`);
    expect(kinds([at('soil-1', 'soil_moisture', 12), at('soil-1', 'battery_voltage', 3.5)])).toEqual([]);
    expect(kinds([at('soil-1', 'soil_moisture', 11.9), at('soil-1', 'battery_voltage', 3.49)])).toEqual(['out_of_range soil-1/soil_moisture', 'battery_low soil-1']);
    expect(kinds([at('soil-1', 'soil_moisture', 70.1)])).toEqual(['out_of_range soil-1/soil_moisture']);
    expect(kinds([at('stray-9', 'soil_moisture', 1)])).toEqual([]);
  });

  it('counts a sensor silent up to the readings its gateway still holds, not past them', () => {
    const health = (oldestUnsentTs: number | null) => ({ uptimeSec: 60, rssBytes: 1, queueDepth: oldestUnsentTs === null ? 0 : 10, oldestUnsentTs, readingsIn: 0, readingsOut: 0, droppedByCap: 0, rejects: {} });
    const silent = () => conditions(new Map()).filter((c) => c.kind === 'sensor_silent');
    meta.touchNodes('gw-new', new Map([['soil-1', NOW - 45 * MIN]]));
    meta.recordContact('gw-new', NOW, health(null));
    expect(silent()).toEqual([{ kind: 'sensor_silent', farmId: 'f1', subject: 'soil-1', detail: alertText('sensor_silent', { min: 45, limit: 30 }), n: { min: 45, limit: 30 } }]);
    // Its readings from 40 minutes ago on are still in the gateway's outbox: 5 minutes of known silence.
    meta.recordContact('gw-new', NOW, health(NOW - 40 * MIN));
    expect(silent()).toEqual([]);
    meta.recordContact('gw-new', NOW, health(NOW - 10 * MIN));
    expect(silent().map((c) => c.n)).toEqual([{ min: 35, limit: 30 }]);
  });

  it('raises a gateway whose card cannot be written, for as long as its health says so', () => {
    const health = { uptimeSec: 60, rssBytes: 1, queueDepth: 0, oldestUnsentTs: null, readingsIn: 0, readingsOut: 0, droppedByCap: 0, rejects: {} };
    const card = () => conditions(new Map()).filter((c) => c.kind === 'gateway_card');
    meta.recordContact('gw-new', NOW, { ...health, outboxFailing: { since: NOW - 25 * MIN, error: 'database or disk is full', heldReadings: 3_000 } });
    expect(card()).toEqual([
      {
        kind: 'gateway_card',
        farmId: 'f1',
        subject: 'gw-new',
        detail: 'cannot write to its card for 25 min (database or disk is full); holding 3000 readings in memory',
        n: { min: 25, held: 3_000, error: 'database or disk is full' },
      },
    ]);
    expect(alertText('gateway_card', card()[0]!.n, 'vi')).toBe('không ghi được thẻ nhớ 25 phút nay (database or disk is full); đang giữ 3000 số đo trong bộ nhớ');
    meta.recordContact('gw-new', NOW, health);
    expect(card()).toEqual([]);
  });
});
