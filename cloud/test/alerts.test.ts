import type { Alert, Reading } from '@ruong/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestCloud, type TestCloud } from './test-cloud.ts';

const PASSWORD = 'lua-chin-vang-2026';
const MIN = 60_000;

describe('alerts', () => {
  let cloud: TestCloud;
  let gatewayToken: string;
  const admin = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
  const put = async (path: string, body: object) => {
    const res = await fetch(`${cloud.url}${path}`, { method: 'PUT', headers: admin, body: JSON.stringify(body) });
    expect(res.status, await res.clone().text()).toBe(200);
  };
  let batch = 0;
  const ingest = async (readings: Reading[]) => {
    const res = await fetch(`${cloud.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${gatewayToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ batchId: `alerts-${++batch}`, readings }),
    });
    expect(res.status).toBe(200);
  };
  const alertsAs = async (headers: Record<string, string>) => ((await (await fetch(`${cloud.url}/api/v1/alerts`, { headers })).json()) as { alerts: Alert[] }).alerts;
  let farmer: Record<string, string>;

  beforeAll(async () => {
    // Checks are driven by the test; the timer is set far away.
    cloud = await startTestCloud({ env: { RUONG_ALERT_CHECK_SEC: '3600', RUONG_ALERT_SILENT_MIN: '30', RUONG_ALERT_OFFLINE_MIN: '10' } });
    await put('/api/v1/cooperatives/htx', { name: 'HTX' });
    for (const farm of ['f1', 'f2']) {
      await put(`/api/v1/farms/${farm}`, { name: farm, cooperativeId: 'htx' });
      await put(`/api/v1/fields/${farm}-field`, { farmId: farm, name: farm });
      await put(`/api/v1/zones/${farm}-zone`, { fieldId: `${farm}-field`, name: farm, sensors: [`${farm}-soil`], valve: `${farm}-valve` });
    }
    await put('/api/v1/users/farmer-1', { name: 'Farmer 1', role: 'farmer', cooperativeId: 'htx', farms: ['f1'], password: PASSWORD });
    gatewayToken = await cloud.registerGateway('gw-alerts');
    const res = await fetch(`${cloud.url}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'farmer-1', password: PASSWORD }) });
    farmer = { Cookie: res.headers.get('set-cookie')!.split(';')[0]! };
  });
  afterAll(async () => cloud.stop());

  it('opens alerts for a low battery and a dry zone, lets a member acknowledge them, and clears them when readings recover', async () => {
    const now = Date.now();
    await ingest([
      { node: 'f1-soil', metric: 'soil_moisture', value: 8.5, ts: now },
      { node: 'f1-soil', metric: 'battery_voltage', value: 3.31, ts: now },
      { node: 'f2-soil', metric: 'soil_moisture', value: 30, ts: now },
    ]);
    await cloud.monitor.check(now + 1000);
    const open = await alertsAs(admin);
    expect(open.map((a) => [a.kind, a.subject, a.state]).sort()).toEqual([
      ['battery_low', 'f1-soil', 'open'],
      ['out_of_range', 'f1-soil/soil_moisture', 'open'],
    ]);
    expect(open.find((a) => a.kind === 'battery_low')).toMatchObject({ farmId: 'f1', value: 3.31, detail: 'battery 3.31 V (below 3.5 V)' });

    const battery = open.find((a) => a.kind === 'battery_low')!;
    const ack = await fetch(`${cloud.url}/api/v1/alerts/${battery.id}/acknowledge`, { method: 'POST', headers: farmer });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'farmer-1' });
    expect((await fetch(`${cloud.url}/api/v1/alerts/${battery.id}/acknowledge`, { method: 'POST', headers: farmer })).status).toBe(409);

    // The same condition at the next check is the same alert, not a second one.
    await cloud.monitor.check(now + 2000);
    expect(await alertsAs(admin)).toHaveLength(2);

    await ingest([
      { node: 'f1-soil', metric: 'soil_moisture', value: 31, ts: now + 1 },
      { node: 'f1-soil', metric: 'battery_voltage', value: 3.9, ts: now + 1 },
    ]);
    await cloud.monitor.check(now + 3000);
    const after = await alertsAs(admin);
    expect(after.map((a) => a.state)).toEqual(['cleared', 'cleared']);
    expect(after.find((a) => a.id === battery.id)).toMatchObject({ acknowledgedBy: 'farmer-1', clearedAt: now + 3000 });
  });

  it('raises silent sensors and an offline gateway after their limits, only to the farms they serve', async () => {
    const later = Date.now() + 31 * MIN;
    await cloud.monitor.check(later);
    const all = await alertsAs(admin);
    const active = all.filter((a) => a.state === 'open');
    expect(active.map((a) => `${a.kind} ${a.subject} ${a.farmId}`).sort()).toEqual([
      'gateway_offline gw-alerts f1',
      'gateway_offline gw-alerts f2',
      'sensor_silent f1-soil f1',
      'sensor_silent f2-soil f2',
    ]);
    const mine = (await alertsAs(farmer)).filter((a) => a.state === 'open');
    expect(mine.every((a) => a.farmId === 'f1')).toBe(true);
    expect(mine).toHaveLength(2);
    const theirs = active.find((a) => a.farmId === 'f2')!;
    expect((await fetch(`${cloud.url}/api/v1/alerts/${theirs.id}/acknowledge`, { method: 'POST', headers: farmer })).status).toBe(404);
  });
});
