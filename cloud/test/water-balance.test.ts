import type { Command, DecisionRecord, Reading } from '@ruong/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestCloud, type TestCloud } from './test-cloud.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 6, 1, 17); // local midnight, 2 July, UTC+7

/** A week of hourly weather: 24–33 °C with the warmest hour at 14:00 local, and rain on the days given. */
function week(node: string, rainByDay: Record<number, number> = {}): Reading[] {
  const out: Reading[] = [];
  for (let h = 0; h < 7 * 24; h++) {
    const local = h % 24;
    const t = 24 + 9 * Math.max(0, Math.sin((Math.PI * (local - 6)) / 16));
    out.push({ node, metric: 'air_temperature', value: Math.round(t * 10) / 10, ts: T0 + h * HOUR });
    out.push({ node, metric: 'rainfall', value: local === 15 ? (rainByDay[Math.floor(h / 24)] ?? 0) : 0, ts: T0 + h * HOUR });
  }
  return out;
}

describe('water-balance rules in the cloud, from stored weather', () => {
  let cloud: TestCloud;
  let token: string;
  const headers = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
  const put = (path: string, body: object) => fetch(`${cloud.url}${path}`, { method: 'PUT', headers, body: JSON.stringify(body) });
  const ingest = (batchId: string, readings: Reading[]) =>
    fetch(`${cloud.url}/api/v1/ingest`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ batchId, readings }) });
  const decisions = async (zone: string) => ((await (await cloud.get(`/api/v1/decisions?zone=${zone}`)).json()) as { decisions: DecisionRecord[] }).decisions;

  beforeAll(async () => {
    cloud = await startTestCloud();
    token = await cloud.registerGateway('gw-wb');
    // The valves report once, so the cloud knows which gateway drives them.
    await ingest('valves', ['valve-dry', 'valve-wet'].map((node) => ({ node, metric: 'valve_state', value: 0, ts: T0 })));
    const mode = { type: 'water_balance', latitude: 10, kc: 1, allowedDepletionMm: 20, applicationMmPerHour: 30 };
    await put('/api/v1/zones/dry', { name: 'dry week', weather: ['weather-dry'], valve: 'valve-dry' });
    await put('/api/v1/zones/wet', { name: 'rainy week', weather: ['weather-wet'], valve: 'valve-wet' });
    await put('/api/v1/rules/wb-dry', { zoneId: 'dry', mode, maxRunMin: 60, cooldownMin: 0 });
    await put('/api/v1/rules/wb-wet', { zoneId: 'wet', mode, maxRunMin: 60, cooldownMin: 0 });
  });
  afterAll(async () => cloud.stop());

  it('waters after a dry week: Hargreaves ET0 from the daily temperature range adds up past the allowed depletion', async () => {
    expect((await ingest('dry-week', week('weather-dry'))).status).toBe(200);
    const [d] = await decisions('dry');
    expect(d).toMatchObject({ action: 'open', durationMin: 60, rule: 'wb-dry', origin: 'cloud' });
    expect(d!.reason).toMatch(/^soil water deficit (2\d|3\d)(\.\d)? mm ≥ 20 mm → open 60 min$/);
    const { commands } = (await (await cloud.get('/api/v1/commands?node=valve-dry')).json()) as { commands: Command[] };
    expect(commands[0]).toMatchObject({ action: 'valve.open', durationSec: 3600, source: 'rule' });
  });

  it('does not water when rain refilled the soil during the week', async () => {
    expect((await ingest('wet-week', week('weather-wet', { 5: 40 }))).status).toBe(200);
    expect((await decisions('wet')).filter((d) => d.action === 'open')).toEqual([]);
    const { commands } = (await (await cloud.get('/api/v1/commands?node=valve-wet')).json()) as { commands: Command[] };
    expect(commands).toEqual([]);
  });

  it('counts litres from the zone flow meter against a litre budget', async () => {
    const t = T0 + 8 * 24 * HOUR + 7 * HOUR; // 07:00 local
    await ingest('flow-valve', [{ node: 'valve-flow', metric: 'valve_state', value: 0, ts: t - 3 * HOUR }]);
    await put('/api/v1/zones/flow', { name: 'metered', sensors: ['soil-flow'], valve: 'valve-flow', flowMeter: 'flow-1' });
    await put('/api/v1/rules/flow-rule', { zoneId: 'flow', mode: { type: 'threshold', startBelow: 25, stopAbove: 30 }, dailyBudget: { litres: 1000 }, cooldownMin: 0 });
    // 120 L/min for 10 minutes this morning: 1 200 L, past the budget.
    await ingest('flow-meter', [
      { node: 'flow-1', metric: 'water_flow', value: 120, ts: t - 2 * HOUR },
      { node: 'flow-1', metric: 'water_flow', value: 0, ts: t - 2 * HOUR + 10 * 60_000 },
    ]);
    await ingest('flow-dry', [{ node: 'soil-flow', metric: 'soil_moisture', value: 20, ts: t }]);
    const [d] = await decisions('flow');
    expect(d).toMatchObject({ action: 'none', reason: 'moisture 20% < 25% over 15 min, but the daily budget of 1000 L is used' });
  });
});
