import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from './free-port.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../gateway/test/helpers.ts';


describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ruong-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('runs cloud, gateway and a simulated farm; readings show through the API; Ctrl-C stops all of it', async () => {
    const port = await freePort();
    const adminToken = 'start-test-admin-token-123';
    const child = spawn(process.execPath, [join(import.meta.dirname, 'start.ts')], {
      env: { ...process.env, RUONG_PORT: String(port), RUONG_DATA_DIR: dataDir, RUONG_ADMIN_TOKEN: adminToken, RUONG_SIM_SPEED: '30' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const exited = once(child, 'exit');

    await waitUntil('the platform says it runs', () => out.includes('Press Ctrl-C to stop.'), { timeoutMs: 30_000, events: [[child.stdout!, 'data']] });
    expect(out).toContain(`Dashboard:    http://127.0.0.1:${port}/`);
    expect(out).toContain(`Admin token:  ${adminToken}`);

    type Nodes = { nodes: { node: string; latest: Record<string, unknown> }[] };
    let nodes: Nodes['nodes'] = [];
    await waitUntil(
      'all seven nodes have readings in the cloud',
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/nodes`, { headers: { Authorization: `Bearer ${adminToken}` } });
        nodes = ((await res.json()) as Nodes).nodes;
        return nodes.length === 7;
      },
      { timeoutMs: 30_000, pollMs: 250 },
    );
    expect(nodes.map((n) => n.node)).toEqual(['soil-01', 'soil-02', 'soil-11', 'soil-12', 'valve-01', 'valve-02', 'weather-01']);
    expect(Object.keys(nodes.find((n) => n.node === 'weather-01')!.latest)).toEqual(expect.arrayContaining(['air_temperature', 'rainfall']));
    const dashboard = await fetch(`http://127.0.0.1:${port}/`);
    expect(dashboard.status).toBe(200);

    // A farmer opens the valve by hand and sees the command go through to done.
    const auth = { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' };
    const zones = (await (await fetch(`http://127.0.0.1:${port}/api/v1/zones`, { headers: auth })).json()) as { zones: { id: string }[] };
    expect(zones.zones.map((z) => z.id)).toEqual(['ruong-bac', 'ruong-nam']);
    const created = await fetch(`http://127.0.0.1:${port}/api/v1/commands`, { method: 'POST', headers: auth, body: JSON.stringify({ node: 'valve-01', action: 'valve.open', durationMin: 5 }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await waitUntil(
      'the open command is done',
      async () => ((await (await fetch(`http://127.0.0.1:${port}/api/v1/commands/${id}`, { headers: auth })).json()) as { state: string }).state === 'done',
      { timeoutMs: 10_000, pollMs: 100 },
    );

    child.kill('SIGINT');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(out).toContain('Stopped.');
    expect(running(dataDir)).toEqual([]);
    // Its own waits allow up to 70 s; the whole takes about 6 s in CI and 15 s on a loaded two-core machine.
  }, 90_000);

  it('stops everything it started when its terminal closes (SIGHUP)', async () => {
    const hupDir = mkdtempSync(join(tmpdir(), 'ruong-start-hup-'));
    try {
      const child = spawn(process.execPath, [join(import.meta.dirname, 'start.ts')], {
        env: { ...process.env, RUONG_PORT: String(await freePort()), RUONG_DATA_DIR: hupDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      const exited = once(child, 'exit');
      await waitUntil('the platform says it runs', () => out.includes('Press Ctrl-C to stop.'), { timeoutMs: 30_000, events: [[child.stdout!, 'data']] });
      expect(running(hupDir).length).toBeGreaterThanOrEqual(3);
      child.kill('SIGHUP');
      expect(await exited).toEqual([0, null]);
      expect(running(hupDir)).toEqual([]);
    } finally {
      // Were any left behind, they must not outlive the test.
      if (running(hupDir).length) execFileSync('pkill', ['-f', hupDir]);
      rmSync(hupDir, { recursive: true, force: true });
    }
  }, 60_000);
});

/** The command lines of running processes that name `dir`: the platform's programs started on it. */
function running(dir: string): string[] {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(dir));
}
