import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestCloud, type TestCloud } from './test-cloud.ts';

describe('registry: farms, fields, zones', () => {
  let cloud: TestCloud;
  const headers = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
  const call = (method: string, path: string, body?: object) => fetch(`${cloud.url}${path}`, { method, headers, ...(body && { body: JSON.stringify(body) }) });
  beforeAll(async () => {
    cloud = await startTestCloud();
    await call('PUT', '/api/v1/cooperatives/htx-hoa-binh', { name: 'HTX Hòa Bình' });
  });
  afterAll(async () => cloud.stop());

  it('creates, reads, lists, replaces and deletes, parents before children', async () => {
    expect((await call('PUT', '/api/v1/farms/hoa-binh', { name: 'HTX Hòa Bình', cooperativeId: 'htx-hoa-binh', latitude: 10.03 })).status).toBe(200);
    expect(await (await call('GET', '/api/v1/farms/hoa-binh')).json()).toEqual({ id: 'hoa-binh', name: 'HTX Hòa Bình', cooperativeId: 'htx-hoa-binh', latitude: 10.03, timeZone: 'Asia/Ho_Chi_Minh' });
    expect((await call('PUT', '/api/v1/fields/ruong-1', { farmId: 'hoa-binh', name: 'Ruộng 1', areaHa: 1.2 })).status).toBe(200);
    const zone = await call('PUT', '/api/v1/zones/ruong-1-bac', { fieldId: 'ruong-1', name: 'Bắc', sensors: ['soil-01'], valve: 'valve-1' });
    expect(await zone.json()).toMatchObject({ id: 'ruong-1-bac', fieldId: 'ruong-1', sensors: ['soil-01'], weather: [], valve: 'valve-1' });
    expect(((await (await call('GET', '/api/v1/zones')).json()) as { zones: unknown[] }).zones).toHaveLength(1);

    const busy = await call('DELETE', '/api/v1/farms/hoa-binh');
    expect(busy.status).toBe(409);
    expect(await busy.json()).toMatchObject({ error: { code: 'conflict' } });
    expect((await call('DELETE', '/api/v1/zones/ruong-1-bac')).status).toBe(204);
    expect((await call('DELETE', '/api/v1/fields/ruong-1')).status).toBe(204);
    expect((await call('DELETE', '/api/v1/farms/hoa-binh')).status).toBe(204);
    expect((await call('GET', '/api/v1/farms/hoa-binh')).status).toBe(404);
  });

  it('refuses a child whose parent does not exist, and bad ids, with the path of the problem', async () => {
    const orphan = await call('PUT', '/api/v1/fields/lost', { farmId: 'nowhere', name: 'Lost' });
    expect(orphan.status).toBe(400);
    expect(await orphan.json()).toMatchObject({ error: { issues: [{ path: 'farmId', message: 'does not exist' }] } });
    expect((await call('PUT', '/api/v1/farms/Bad Id', { name: 'x' })).status).toBe(400);
    expect((await call('PUT', '/api/v1/zones/z', { name: 'z', sensors: ['Not A Node'] })).status).toBe(400);
  });

  it('keeps every version of a rule with who saved it', async () => {
    await call('PUT', '/api/v1/zones/z1', { name: 'z1', sensors: ['soil-01'], valve: 'valve-1' });
    const rule = { zoneId: 'z1', mode: { type: 'threshold', startBelow: 25, stopAbove: 30 } };
    expect(await (await call('PUT', '/api/v1/rules/r1', rule)).json()).toMatchObject({ version: 1 });
    expect(await (await call('PUT', '/api/v1/rules/r1', { ...rule, mode: { ...rule.mode, startBelow: 22 } })).json()).toMatchObject({ version: 2 });
    const { versions } = (await (await call('GET', '/api/v1/rules/r1/versions')).json()) as { versions: { version: number; by: string; rule: { mode: { startBelow: number } } }[] };
    expect(versions.map((v) => [v.version, v.by, v.rule.mode.startBelow])).toEqual([[1, 'admin', 25], [2, 'admin', 22]]);
    expect((await call('DELETE', '/api/v1/zones/z1')).status).toBe(409);
    const bad = await call('PUT', '/api/v1/rules/r2', { zoneId: 'z1', mode: { type: 'threshold', startBelow: 30, stopAbove: 20 } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { issues: [{ path: 'mode.stopAbove', message: 'must be above startBelow' }] } });
  });

  it('lets one rule at a time water a zone', async () => {
    await call('PUT', '/api/v1/zones/z2', { name: 'z2', sensors: ['soil-02'], valve: 'valve-2' });
    const rule = { zoneId: 'z2', mode: { type: 'threshold', startBelow: 25, stopAbove: 30 } };
    expect((await call('PUT', '/api/v1/rules/first', rule)).status).toBe(200);
    const second = await call('PUT', '/api/v1/rules/second', rule);
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: 'conflict', issues: [{ path: 'enabled' }] } });
    expect((await call('PUT', '/api/v1/rules/second', { ...rule, enabled: false })).status).toBe(200);
    expect((await call('PUT', '/api/v1/rules/first', { ...rule, enabled: false })).status).toBe(200);
    expect((await call('PUT', '/api/v1/rules/second', rule)).status).toBe(200);
    expect((await call('PUT', '/api/v1/rules/second', { ...rule, mode: { ...rule.mode, startBelow: 20 } })).status).toBe(200);
  });
});
