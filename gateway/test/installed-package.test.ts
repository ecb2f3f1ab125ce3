/**
 * The gateway as a Pi gets it: `npm pack` of the gateway package, installed into an empty folder with
 * npm, run as the `ruong-gateway` npm links. Its runtime needs only serialport's packages (the rest is
 * in its bundle), so nothing else is downloaded or built on the Pi, johnny-five's serialport 8 least of all.
 */
import { FirmataBoard, Farm, SimClock, createPtyPair, type PtyPair } from '@ruong/firmware-sim';
import { encodeLine } from '@ruong/shared';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../../cloud/test/test-cloud.ts';
import { spawnGateway, type GatewayProcess } from './gateway-process.ts';
import { storedPoints, tempDir, waitUntil } from './helpers.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const SECRET = 'node-secret-installed';

describe('the gateway installed from its npm package', () => {
  const dir = tempDir('installed');
  const prefix = join(dir, 'pi');
  let cloud: TestCloud;
  let gateway: GatewayProcess;
  const ptys: PtyPair[] = [];
  let board: FirmataBoard;

  beforeAll(async () => {
    const { stdout } = await run('npm', ['pack', '-w', '@ruong/gateway', '--pack-destination', dir, '--json'], { cwd: ROOT });
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    writeFileSync(join(dir, 'package.json'), '{}');
    await run('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', join(dir, filename)], { cwd: dir });
  }, 120_000);

  afterAll(async () => {
    gateway?.child.kill('SIGTERM');
    if (gateway) await gateway.exited;
    await board?.stop();
    for (const p of ptys) await p.close();
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('installs serialport and nothing its bundle already holds', () => {
    const installed = readdirSync(join(prefix, 'node_modules'));
    expect(installed).toContain('@serialport');
    expect(readdirSync(join(prefix, 'node_modules', '@ruong'))).toEqual(['gateway']);
    for (const bundled of ['johnny-five', 'firmata-io', 'aedes', 'mqtt', 'pino', 'zod', 'serialport']) expect(existsSync(join(prefix, 'node_modules', bundled)), bundled).toBe(false);
  });

  it('reads a serial node and an MQTT node and drives a Firmata relay, all reaching the cloud', async () => {
    cloud = await startTestCloud();
    const serial = await createPtyPair(dir, 'soil');
    const uno = await createPtyPair(dir, 'uno');
    ptys.push(serial, uno);
    board = new FirmataBoard(uno.simPath, new Farm(new SimClock(Date.UTC(2026, 6, 1), 60), 1, ['zone-1']), [{ pin: 7, zone: 'zone-1', applicationMmPerHour: 30 }]);
    await board.start();
    gateway = await spawnGateway(
      join(dir, 'gateway.json'),
      {
        gatewayId: 'gw-pi',
        dataDir: join(dir, 'data'),
        cloud: { url: cloud.url, token: await cloud.registerGateway('gw-pi') },
        serial: [{ path: serial.gatewayPath }],
        mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0 },
        nodes: { 'soil-mqtt': { secret: SECRET } },
        firmata: [{ path: uno.gatewayPath, relays: { 'relay-7': 7 } }],
      },
      join(prefix, 'node_modules', '.bin', 'ruong-gateway'),
    );

    const ts = Date.UTC(2026, 6, 1, 6);
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${gateway.mqttPort}`, { protocolVersion: 4, clientId: 'soil-mqtt', username: 'soil-mqtt', password: SECRET, reconnectPeriod: 0 });
    await client.publishAsync('ruong/soil-mqtt/telemetry', JSON.stringify({ seq: 1, ts, readings: { soil_moisture: 41.5 } }), { qos: 1 });
    await client.endAsync();
    await waitUntil('the gateway has its serial port open', () => gateway.stdout().some((l) => l.includes('"serial port open"')), { timeoutMs: 10_000 });
    const port = await open(serial.simPath, 'w');
    await port.write(encodeLine({ node: 'soil-serial', seq: 1, ts, readings: { soil_moisture: 28.25 } }));
    await port.close();

    await waitUntil(
      'the serial reading, the MQTT reading and the relay closed at boot reached the cloud',
      async () => {
        const points = await storedPoints(cloud, ['soil-serial', 'soil-mqtt', 'relay-7']);
        return points.get('soil-serial/soil_moisture')?.[0]?.[1] === 28.25 && points.get('soil-mqtt/soil_moisture')?.[0]?.[1] === 41.5 && points.get('relay-7/valve_state')?.at(-1)?.[1] === 0;
      },
      { timeoutMs: 30_000, pollMs: 200 },
    );
    // Node 22 warns that node:sqlite is experimental; nothing else may reach stderr.
    expect(gateway.stderr().replace(/^\(node:\d+\) ExperimentalWarning: SQLite .*\n\(Use `node --trace-warnings .*\n/m, '')).toBe('');
  }, 60_000);
});
