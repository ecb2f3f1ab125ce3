import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestCloud, type TestCloud } from './test-cloud.ts';

const PASSWORD = 'lua-chin-vang-2026';

describe('accounts, roles and cooperative scope', () => {
  let cloud: TestCloud;
  const admin = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
  const call = (method: string, path: string, headers: Record<string, string>, body?: object) =>
    fetch(`${cloud.url}${path}`, { method, headers: { 'Content-Type': 'application/json', ...headers }, ...(body && { body: JSON.stringify(body) }) });
  const asAdmin = async (method: string, path: string, body?: object) => {
    const res = await call(method, path, admin, body);
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res;
  };
  /** Signs in and returns the Cookie header the browser would send. */
  const signIn = async (username: string, password = PASSWORD) => {
    const res = await call('POST', '/api/v1/session', {}, { username, password });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    return { Cookie: cookie.split(';')[0]! };
  };
  const rule = { zoneId: 'a1-zone', mode: { type: 'threshold', startBelow: 25, stopAbove: 32 } };

  beforeAll(async () => {
    cloud = await startTestCloud();
    for (const coop of ['htx-a', 'htx-b']) await asAdmin('PUT', `/api/v1/cooperatives/${coop}`, { name: coop.toUpperCase() });
    for (const [farm, coop] of [['a1', 'htx-a'], ['a2', 'htx-a'], ['b1', 'htx-b']] as const) {
      await asAdmin('PUT', `/api/v1/farms/${farm}`, { name: `Farm ${farm}`, cooperativeId: coop });
      await asAdmin('PUT', `/api/v1/fields/${farm}-field`, { farmId: farm, name: `Field ${farm}` });
      await asAdmin('PUT', `/api/v1/zones/${farm}-zone`, { fieldId: `${farm}-field`, name: `Zone ${farm}`, sensors: [`${farm}-soil`], valve: `${farm}-valve` });
    }
    await asAdmin('PUT', '/api/v1/rules/a1-rule', rule);
    await asAdmin('PUT', '/api/v1/users/staff-a', { name: 'Cán bộ A', role: 'staff', cooperativeId: 'htx-a', password: PASSWORD });
    await asAdmin('PUT', '/api/v1/users/staff-b', { name: 'Cán bộ B', role: 'staff', cooperativeId: 'htx-b', password: PASSWORD });
    await asAdmin('PUT', '/api/v1/users/farmer-a1', { name: 'Nông dân A1', role: 'farmer', cooperativeId: 'htx-a', farms: ['a1'], password: PASSWORD });
  });
  afterAll(async () => cloud.stop());

  it('signs in with a password into an HTTP-only, same-site session cookie, and out again', async () => {
    const res = await call('POST', '/api/v1/session', {}, { username: 'farmer-a1', password: PASSWORD });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ username: 'farmer-a1', name: 'Nông dân A1', role: 'farmer', cooperativeId: 'htx-a', farms: ['a1'] });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^ruong_session=rses_[\w-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = { Cookie: cookie.split(';')[0]! };
    expect(await (await call('GET', '/api/v1/me', session)).json()).toMatchObject({ username: 'farmer-a1' });
    expect((await call('DELETE', '/api/v1/session', session)).status).toBe(204);
    expect((await call('GET', '/api/v1/me', session)).status).toBe(401);
  });

  it('refuses a wrong password, an unknown person, a missing and a forged session alike', async () => {
    for (const body of [{ username: 'farmer-a1', password: 'not-the-password' }, { username: 'nobody', password: PASSWORD }]) {
      const res = await call('POST', '/api/v1/session', {}, body);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'unauthorized', message: 'wrong username or password' } });
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    expect((await call('GET', '/api/v1/farms', {})).status).toBe(401);
    expect((await call('GET', '/api/v1/farms', { Cookie: 'ruong_session=rses_forged0000000000000000000000000000000000000' })).status).toBe(401);
    expect((await call('GET', '/api/v1/farms', { Authorization: 'Bearer rpat_forged' })).status).toBe(401);
  });

  it('shows a farmer only their member farms, and a staff member only their cooperative', async () => {
    const farmer = await signIn('farmer-a1');
    const ids = async (headers: Record<string, string>, kind: string) =>
      ((await (await call('GET', `/api/v1/${kind}`, headers)).json()) as Record<string, { id: string }[]>)[kind]!.map((x) => x.id);
    expect(await ids(farmer, 'farms')).toEqual(['a1']);
    expect(await ids(farmer, 'zones')).toEqual(['a1-zone']);
    expect(await ids(farmer, 'rules')).toEqual(['a1-rule']);
    const staffA = await signIn('staff-a');
    expect(await ids(staffA, 'farms')).toEqual(['a1', 'a2']);
    const staffB = await signIn('staff-b');
    expect(await ids(staffB, 'farms')).toEqual(['b1']);
    expect(await ids(staffB, 'rules')).toEqual([]);
    expect((await call('GET', '/api/v1/farms/a1', staffB)).status).toBe(404);
    expect((await call('GET', '/api/v1/farms/a2', farmer)).status).toBe(404);
    expect((await call('GET', '/api/v1/readings?node=a1-soil&from=0', staffB)).status).toBe(404);
    expect((await call('GET', '/api/v1/rules/a1-rule/versions', staffB)).status).toBe(404);
    expect((await call('GET', '/api/v1/decisions?zone=a1-zone', staffB)).status).toBe(404);
  });

  it('refuses a farmer on staff routes, with 403 and nothing changed', async () => {
    const farmer = await signIn('farmer-a1');
    const put = await call('PUT', '/api/v1/rules/a1-rule', farmer, { ...rule, enabled: false });
    expect(put.status).toBe(403);
    expect(await put.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect((await call('POST', '/api/v1/rules/a1-rule/simulate', farmer, { from: '0', to: '1000' })).status).toBe(403);
    expect((await call('PUT', '/api/v1/zones/a1-zone', farmer, { fieldId: 'a1-field', name: 'Renamed' })).status).toBe(403);
    expect((await call('PUT', '/api/v1/users/farmer-a1', farmer, { name: 'x', role: 'staff' })).status).toBe(403);
    expect((await call('GET', '/api/v1/users', farmer)).status).toBe(403);
    const saved = (await (await asAdmin('GET', '/api/v1/rules')).json()) as { rules: { id: string; version: number; enabled: boolean }[] };
    expect(saved.rules.find((r) => r.id === 'a1-rule')).toMatchObject({ version: 1, enabled: true });
    expect(await (await asAdmin('GET', '/api/v1/zones/a1-zone')).json()).toMatchObject({ name: 'Zone a1' });
  });

  it('refuses staff across cooperatives, with nothing changed', async () => {
    const staffB = await signIn('staff-b');
    expect((await call('PUT', '/api/v1/rules/a1-rule', staffB, rule)).status).toBe(403);
    expect((await call('PUT', '/api/v1/rules/new-rule', staffB, rule)).status).toBe(400); // a zone it cannot see does not exist
    expect((await call('PUT', '/api/v1/zones/a1-zone', staffB, { fieldId: 'b1-field', name: 'Stolen' })).status).toBe(403);
    expect((await call('PUT', '/api/v1/farms/a2', staffB, { name: 'Stolen' })).status).toBe(403);
    expect((await call('PUT', '/api/v1/farms/b9', staffB, { name: 'Elsewhere', cooperativeId: 'htx-a' })).status).toBe(403);
    expect((await call('DELETE', '/api/v1/zones/a1-zone', staffB)).status).toBe(404);
    expect((await call('PUT', '/api/v1/users/farmer-a1', staffB, { name: 'x', role: 'farmer', cooperativeId: 'htx-b' })).status).toBe(403);
    expect((await call('PUT', '/api/v1/users/spy', staffB, { name: 'Spy', role: 'farmer', farms: ['a1'], password: PASSWORD })).status).toBe(400);
    expect((await call('PUT', '/api/v1/users/boss', staffB, { name: 'Boss', role: 'admin', password: PASSWORD })).status).toBe(403);
    expect((await call('POST', '/api/v1/commands', staffB, { node: 'a1-valve', action: 'valve.open', durationMin: 5 })).status).toBe(404);
    expect(await (await asAdmin('GET', '/api/v1/zones/a1-zone')).json()).toMatchObject({ fieldId: 'a1-field', name: 'Zone a1' });
    expect((await asAdmin('GET', '/api/v1/farms/a2')).status).toBe(200);
    expect(await (await asAdmin('GET', '/api/v1/farms/a2')).json()).toMatchObject({ name: 'Farm a2', cooperativeId: 'htx-a' });
    expect((await call('GET', '/api/v1/farms/b9', admin)).status).toBe(404);
    const users = (await (await asAdmin('GET', '/api/v1/users')).json()) as { users: { username: string; name: string }[] };
    expect(users.users.map((u) => u.username).sort()).toEqual(['farmer-a1', 'staff-a', 'staff-b']);
    expect(users.users.find((u) => u.username === 'farmer-a1')!.name).toBe('Nông dân A1');
  });

  it('lets staff change their own cooperative: rules are versioned under their name', async () => {
    const staffA = await signIn('staff-a');
    const res = await call('PUT', '/api/v1/rules/a1-rule', staffA, { ...rule, enabled: false });
    expect(res.status).toBe(200);
    const versions = (await (await call('GET', '/api/v1/rules/a1-rule/versions', staffA)).json()) as { versions: { by: string }[] };
    expect(versions.versions.at(-1)!.by).toBe('staff-a');
    expect((await call('PUT', '/api/v1/users/farmer-a2', staffA, { name: 'Nông dân A2', role: 'farmer', farms: ['a2'], password: PASSWORD })).status).toBe(200);
    expect(await (await asAdmin('GET', '/api/v1/users')).json()).toMatchObject({ users: expect.arrayContaining([expect.objectContaining({ username: 'farmer-a2', cooperativeId: 'htx-a' })]) });
  });

  it("keeps a node reporting through one cooperative's gateway out of another's zones", async () => {
    expect((await call('POST', '/api/v1/gateways', admin, { id: 'gw-x', farmId: 'no-such-farm' })).status).toBe(400);
    expect((await call('POST', '/api/v1/gateways', await signIn('staff-b'), { id: 'gw-x', farmId: 'a1' })).status).toBe(403);
    const { token } = (await (await asAdmin('POST', '/api/v1/gateways', { id: 'gw-a1', farmId: 'a1' })).json()) as { token: string };
    const ingest = await fetch(`${cloud.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ batchId: 'a1-1', readings: [{ node: 'a1-soil', metric: 'soil_moisture', value: 30, ts: Date.now() }] }),
    });
    expect(ingest.status).toBe(200);
    const staffB = await signIn('staff-b');
    const claim = await call('PUT', '/api/v1/zones/b1-zone', staffB, { fieldId: 'b1-field', name: 'Zone b1', sensors: ['b1-soil', 'a1-soil'] });
    expect(claim.status).toBe(400);
    expect(await claim.json()).toMatchObject({ error: { issues: [{ path: 'sensors.1', message: 'belongs to another cooperative' }] } });
    expect((await call('GET', '/api/v1/readings?node=a1-soil&from=0', staffB)).status).toBe(404);
    expect((await call('GET', '/api/v1/readings?node=a1-soil&from=0', await signIn('staff-a'))).status).toBe(200);
    expect(((await (await call('GET', '/api/v1/gateways', staffB)).json()) as { gateways: unknown[] }).gateways).toEqual([]);
    // Nor may it name a node another cooperative's zone names, whatever gateway it reports through.
    const named = await call('PUT', '/api/v1/zones/b1-zone', staffB, { fieldId: 'b1-field', name: 'Zone b1', sensors: ['b1-soil'], valve: 'a2-valve' });
    expect(named.status).toBe(400);
    expect(await named.json()).toMatchObject({ error: { issues: [{ path: 'valve' }] } });
    expect((await call('PUT', '/api/v1/zones/b1-zone', staffB, { fieldId: 'b1-field', name: 'Zone b1', sensors: ['b1-soil'], valve: 'b1-valve' })).status).toBe(200);
  });

  it('refuses a signed-in change sent from another site', async () => {
    const staffA = await signIn('staff-a');
    const res = await call('PUT', '/api/v1/rules/a1-rule', { ...staffA, Origin: 'http://evil.example' }, rule);
    expect(res.status).toBe(403);
  });

  it('gives people API tokens that act as them, and can be revoked', async () => {
    const farmer = await signIn('farmer-a1');
    const created = (await (await call('POST', '/api/v1/me/tokens', farmer, { label: 'my script' })).json()) as { id: string; token: string };
    const bearer = { Authorization: `Bearer ${created.token}` };
    expect(await (await call('GET', '/api/v1/farms', bearer)).json()).toMatchObject({ farms: [{ id: 'a1' }] });
    expect((await call('PUT', '/api/v1/rules/a1-rule', bearer, rule)).status).toBe(403);
    expect(await (await call('GET', '/api/v1/me/tokens', farmer)).json()).toMatchObject({ tokens: [{ id: created.id, label: 'my script' }] });
    expect((await call('DELETE', `/api/v1/me/tokens/${created.id}`, farmer)).status).toBe(204);
    expect((await call('GET', '/api/v1/farms', bearer)).status).toBe(401);
  });

  it('lets a person change their own password, which signs out their other sessions', async () => {
    await asAdmin('PUT', '/api/v1/users/farmer-pw', { name: 'Pw', role: 'farmer', cooperativeId: 'htx-a', farms: ['a1'], password: PASSWORD });
    const phone = await signIn('farmer-pw');
    const laptop = await signIn('farmer-pw');
    const wrong = await call('PUT', '/api/v1/me/password', phone, { current: 'not-it-at-all', password: 'mat-khau-moi-2026' });
    expect(wrong.status).toBe(403);
    expect((await call('GET', '/api/v1/me', laptop)).status).toBe(200);
    expect((await call('PUT', '/api/v1/me/password', phone, { current: PASSWORD, password: 'short' })).status).toBe(400);
    expect((await call('PUT', '/api/v1/me/password', phone, { current: PASSWORD, password: 'mat-khau-moi-2026' })).status).toBe(204);
    expect((await call('GET', '/api/v1/me', phone)).status).toBe(200);
    expect((await call('GET', '/api/v1/me', laptop)).status).toBe(401);
    expect((await call('POST', '/api/v1/session', {}, { username: 'farmer-pw', password: PASSWORD })).status).toBe(401);
    await signIn('farmer-pw', 'mat-khau-moi-2026');
    // Staff setting a new password signs the person out everywhere.
    const before = await signIn('farmer-pw', 'mat-khau-moi-2026');
    await asAdmin('PUT', '/api/v1/users/farmer-pw', { name: 'Pw', role: 'farmer', cooperativeId: 'htx-a', farms: ['a1'], password: PASSWORD });
    expect((await call('GET', '/api/v1/me', before)).status).toBe(401);
    await signIn('farmer-pw');
    // About a dozen scrypt hashes: 2.4 s in CI, 12 s on a loaded two-core machine.
  }, 60_000);

  it('rate-limits sign-in attempts for a username', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await call('POST', '/api/v1/session', {}, { username: 'staff-b', password: `guess-${i}` })).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.at(-1)).toBe(429);
    const limited = await call('POST', '/api/v1/session', {}, { username: 'staff-b', password: PASSWORD });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
