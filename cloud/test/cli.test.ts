import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudConfig, parseCloudConfig } from '../src/config.ts';
import { ruongCloud } from './cloud-cli.ts';
import { ADMIN_TOKEN, startTestCloud, type TestCloud } from './test-cloud.ts';

/** `ruong-cloud` over the data folder of a running cloud, as on the cloud machine. */
const cli = (dataDir: string, ...args: string[]) => ruongCloud({ RUONG_DATA_DIR: dataDir }, ...args);

describe('ruong-cloud register-gateway', () => {
  let cloud: TestCloud;
  const admin = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
  const put = (path: string, body: object) => fetch(`${cloud.url}${path}`, { method: 'PUT', headers: admin, body: JSON.stringify(body) });
  const ingest = (token: string, batchId: string) =>
    fetch(`${cloud.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ batchId, readings: [{ node: 'soil-cli', metric: 'soil_moisture', value: 31.5, ts: Date.UTC(2026, 10, 1) }] }),
    });
  const gateway = async (id: string) => ((await (await cloud.get('/api/v1/gateways')).json()) as { gateways: { id: string; farmId?: string }[] }).gateways.find((g) => g.id === id);

  beforeAll(async () => {
    cloud = await startTestCloud();
    expect((await put('/api/v1/cooperatives/htx-cli', { name: 'HTX CLI' })).status).toBe(200);
    expect((await put('/api/v1/farms/farm-cli', { name: 'Ruộng CLI', cooperativeId: 'htx-cli', latitude: 10.03 })).status).toBe(200);
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('refuses a farm that does not exist, naming it, and registers nothing', async () => {
    const { code, stdout, stderr } = await cli(cloud.dataDir, 'register-gateway', 'gw-cli', '--farm', 'farm-nope');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`ruong-cloud: farm "farm-nope" does not exist in ${cloud.dataDir}; create it first (PUT /api/v1/farms/farm-nope)\n`);
    expect(await gateway('gw-cli')).toBeUndefined();
  });

  it('registers a gateway for a farm; its token uploads; registering again replaces the token and keeps the farm', async () => {
    const first = await cli(cloud.dataDir, 'register-gateway', 'gw-cli', '--farm', 'farm-cli');
    expect(first.code).toBe(0);
    const token = first.stdout.trim();
    expect(token).toMatch(/^rgw_/);
    expect(await gateway('gw-cli')).toMatchObject({ farmId: 'farm-cli' });
    expect((await ingest(token, 'cli-1')).status).toBe(200);

    const again = await cli(cloud.dataDir, 'register-gateway', 'gw-cli');
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).not.toBe(token);
    expect((await ingest(token, 'cli-2')).status).toBe(401);
    expect((await ingest(again.stdout.trim(), 'cli-2')).status).toBe(200);
    expect(await gateway('gw-cli')).toMatchObject({ farmId: 'farm-cli' });
    // Two runs of the command: 3 s in CI, 12 s on a loaded two-core machine.
  }, 60_000);

  it('says --farm belongs to register-gateway when given to serve', async () => {
    expect(await cli(cloud.dataDir, 'serve', '--farm', 'farm-cli')).toMatchObject({ code: 2, stderr: 'ruong-cloud: --farm belongs to register-gateway; see --help\n' });
  });
});

describe('ruong-cloud settings', () => {
  it('names a data folder it cannot use, in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ruong-cli-'));
    writeFileSync(join(dir, 'not-a-folder'), '');
    const failed = await ruongCloud({ RUONG_DATA_DIR: join(dir, 'not-a-folder', 'data'), RUONG_PORT: '0' });
    rmSync(dir, { recursive: true, force: true });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^ruong-cloud: RUONG_DATA_DIR .*not-a-folder\/data: ENOTDIR: not a directory, mkdir .*\n$/);
  });

  it('names a setting that is not a number, in one line', async () => {
    const failed = await ruongCloud({ RUONG_PORT: 'tám nghìn' });
    expect(failed).toMatchObject({ code: 2, stderr: 'ruong-cloud: bad setting RUONG_PORT: must be a number\n' });
  });

  it('stops at a misspelt setting, naming the one meant, rather than running without it', async () => {
    const failed = await ruongCloud({ RUONG_TELEMETRY_STOR: 'influxdb' });
    expect(failed).toMatchObject({ code: 2, stderr: 'ruong-cloud: bad setting RUONG_TELEMETRY_STOR: is not a setting; did you mean RUONG_TELEMETRY_STORE?\n' });
  });

  it('takes one way to sign in to InfluxDB, whole', () => {
    const influx = { RUONG_TELEMETRY_STORE: 'influxdb' };
    expect(() => parseCloudConfig({ ...influx, RUONG_INFLUX_TOKEN: 't0k3n', RUONG_INFLUX_USERNAME: 'ruong', RUONG_INFLUX_PASSWORD: 'pw' })).toThrow(
      'RUONG_INFLUX_TOKEN: give a token (InfluxDB 2.x, 3.x) or RUONG_INFLUX_USERNAME and RUONG_INFLUX_PASSWORD (1.x), not both',
    );
    expect(() => parseCloudConfig({ ...influx, RUONG_INFLUX_USERNAME: 'ruong' })).toThrow('RUONG_INFLUX_PASSWORD: is missing: RUONG_INFLUX_USERNAME is set');
    expect(() => parseCloudConfig({ ...influx, RUONG_INFLUX_PASSWORD: 'pw' })).toThrow('RUONG_INFLUX_USERNAME: is missing: RUONG_INFLUX_PASSWORD is set');
    expect(parseCloudConfig({ ...influx, RUONG_INFLUX_USERNAME: 'ruong', RUONG_INFLUX_PASSWORD: 'pw' })).toMatchObject({ RUONG_INFLUX_USERNAME: 'ruong' });
    expect(parseCloudConfig({ ...influx, RUONG_INFLUX_TOKEN: 't0k3n' })).toMatchObject({ RUONG_INFLUX_TOKEN: 't0k3n' });
  });

  it("leaves the other programs' settings in the environment alone", () => {
    const others = { RUONG_GATEWAY_ID: 'gw-1', RUONG_GATEWAY_TOKEN: 'rgw_x', RUONG_CLOUD_URL: 'http://x', RUONG_MQTT_PORT: '1884', RUONG_SIM_SPEED: '60', RUONG_DEMO_PASSWORD: 'x' };
    expect(parseCloudConfig({ ...others, RUONG_PORT: '8081' })).toMatchObject({ RUONG_PORT: 8081, RUONG_TELEMETRY_STORE: 'sqlite' });
  });
});

describe('ruong-cloud --help', () => {
  it('lists every setting the cloud reads, each with what it does, as docs/deployment.md does', async () => {
    const { code, stdout } = await cli('.ruong-data', '--help');
    expect(code).toBe(0);
    const docs = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'deployment.md'), 'utf8');
    for (const [name, schema] of Object.entries(CloudConfig.shape)) {
      expect(schema.description, name).toBeTruthy();
      const line = stdout.split('\n').find((l) => l.trimStart().startsWith(`${name} `));
      expect(line?.trim().replace(/ +/, ' ')).toBe(`${name} ${schema.description}`);
      expect(docs).toContain(`\`${name}\``);
    }
  });
});
