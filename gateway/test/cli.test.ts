import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../src/config.ts';
import { tempDir } from './helpers.ts';

const CLI = join(import.meta.dirname, '../src/cli.ts');

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH!, ...env }, timeout: 20_000 });
}

describe('ruong-gateway command line', () => {
  it('prints help', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('ruong-gateway --config');
    // The smallest config it shows is one the gateway takes.
    const example = r.stdout.split('at least:\n')[1]!.split('\ndocs/')[0]!;
    const file = join(tempDir('cli'), 'gateway.json');
    writeFileSync(file, example);
    expect(loadGatewayConfig(file, {})).toMatchObject({ gatewayId: 'field-gw-1', serial: [{ path: '/dev/ttyUSB0', baudRate: 9600 }] });
  });

  it('runs as the command npm install links (node_modules/.bin/ruong-gateway)', () => {
    const r = spawnSync(join(import.meta.dirname, '../../node_modules/.bin/ruong-gateway'), ['--help'], { encoding: 'utf8', env: { PATH: process.env.PATH! }, timeout: 20_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('ruong-gateway --config');
  });

  it.each([
    ['a missing file', null, /cannot read config file .*ENOENT/],
    ['broken JSON', '{"gatewayId": ', /is not valid JSON/],
    ['a bad cloud URL', JSON.stringify({ gatewayId: 'gw-1', cloud: { url: 'ftp://x', token: 'abcdefgh' } }), /cloud\.url: must be an http/],
    ['a node without a secret', JSON.stringify({ gatewayId: 'gw-1', cloud: { url: 'http://x', token: 'abcdefgh' }, nodes: { 'soil-1': {} } }), /nodes\.soil-1\.secret: is needed/],
    ['a missing token', JSON.stringify({ gatewayId: 'gw-1', cloud: { url: 'http://x' } }), /cloud\.token/],
    ['a missing gateway id', JSON.stringify({ cloud: { url: 'http://x', token: 'abcdefgh' } }), /: gatewayId: is missing$/m],
    ['a number written as text', JSON.stringify({ gatewayId: 'gw-1', cloud: { url: 'http://x', token: 'abcdefgh', batchMaxReadings: '100' } }), /cloud\.batchMaxReadings: must be a number$/m],
    ['a misspelt setting', JSON.stringify({ gatewayId: 'gw-1', cloud: { url: 'http://x', token: 'abcdefgh', batchMaxReading: 10 } }), /cloud\.batchMaxReading: is not a setting; did you mean batchMaxReadings\?$/m],
    ['a broker mode that does not exist', JSON.stringify({ gatewayId: 'gw-1', cloud: { url: 'http://x', token: 'abcdefgh' }, mqtt: { mode: 'embeded', port: 1884 } }), /: mqtt\.mode: must be one of embedded, client, off; did you mean embedded\?$/m],
    ['a setting that does not exist', JSON.stringify({ gatewayId: 'gw-1', cloud: { url: 'http://x', token: 'abcdefgh' }, seriall: [] }), /: seriall: is not a setting; did you mean serial\?$/m],
  ])('refuses %s with one clear line and a non-zero exit', (_what, content, message) => {
    const dir = tempDir('cli');
    const file = join(dir, 'gateway.json');
    if (content !== null) writeFileSync(file, content);
    const r = run(['--config', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names a data folder it cannot write, in one line', () => {
    const dir = tempDir('cli');
    const file = join(dir, 'gateway.json');
    writeFileSync(join(dir, 'not-a-folder'), '');
    writeFileSync(file, JSON.stringify({ gatewayId: 'gw-1', dataDir: join(dir, 'not-a-folder', 'data'), cloud: { url: 'http://x', token: 'abcdefgh' }, mqtt: { mode: 'off' } }));
    const r = run(['--config', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^ruong-gateway: dataDir .*not-a-folder\/data: cannot keep the outbox there: ENOTDIR: not a directory, mkdir .*\n$/);
  });

  it('moves the embedded broker with a port alone, as the advice for a taken port 1883 says', () => {
    const file = join(tempDir('cli'), 'gateway.json');
    writeFileSync(file, JSON.stringify({ gatewayId: 'gw-1', cloud: { url: 'http://x', token: 'abcdefgh' }, mqtt: { port: 1884 } }));
    expect(loadGatewayConfig(file, {}).mqtt).toEqual({ mode: 'embedded', host: '0.0.0.0', port: 1884 });
    expect(loadGatewayConfig(undefined, { RUONG_GATEWAY_ID: 'gw-1', RUONG_CLOUD_URL: 'http://x', RUONG_GATEWAY_TOKEN: 'abcdefgh', RUONG_MQTT_PORT: '1885' }).mqtt).toMatchObject({ mode: 'embedded', port: 1885 });
  });

  it('asks for --config when given neither a file nor a gateway in the environment', () => {
    const r = run([]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('ruong-gateway: needs --config <file> (see --help)\n');
  });

  it('names the setting the environment got wrong', () => {
    const dir = tempDir('cli');
    const file = join(dir, 'gateway.json');
    writeFileSync(file, JSON.stringify({ gatewayId: 'gw-1', cloud: { url: 'http://x', token: 'abcdefgh' }, mqtt: { mode: 'off' } }));
    const r = run(['--config', file], { RUONG_CLOUD_URL: 'not a url' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cloud\.url/);
  });
});
