import { Farm, SerialSensorNode, SimClock, createPtyPair, type PtyPair } from '@ruong/firmware-sim';
import type { ReadingSet } from '@ruong/shared';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../../cloud/test/test-cloud.ts';
import type { Gateway } from '../src/gateway.ts';
import { countPoints, expectedPoints, startTestGateway, storedPoints, tempDir, waitUntil } from './helpers.ts';

describe('sim serial node -> real pty (socat) -> gateway -> cloud', () => {
  let cloud: TestCloud;
  let gateway: Gateway;
  let pty: PtyPair;
  const dir = tempDir('pty');
  const clock = new SimClock(Date.UTC(2026, 5, 1), 3600);
  const farm = new Farm(clock, 11, ['zone-1']);

  beforeAll(async () => {
    cloud = await startTestCloud();
    pty = await createPtyPair(dir, 'soil-01');
    gateway = await startTestGateway({
      serial: [{ path: pty.gatewayPath }],
      cloud: { url: cloud.url, token: await cloud.registerGateway('gw-serial') },
    });
    await waitUntil('the gateway opened the serial port', () => gateway.serial[0]!.isOpen, { events: [[gateway.serial[0]!, 'open']] });
  });
  afterAll(async () => {
    await gateway?.stop();
    await pty?.close();
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every good line once and counts every bad one by reason, without stopping', async () => {
    const node = new SerialSensorNode({ id: 'soil-01', path: pty.simPath, kind: 'soil', zone: 'zone-1', intervalMs: 60_000 }, farm);
    const sent: ReadingSet[] = [];
    node.onSent = (s) => sent.push(s);
    await node.start();
    const faults = ['garbage', 'badChecksum', 'overlong', 'outOfRange', 'repeatSeq', 'drop'] as const;
    for (const f of faults) node.inject(f);
    node.writeRaw('\r\n\n$RG,soil-01,1,soil_moisture=30*7F\n');
    await waitUntil('40 good reading sets were sent', () => sent.length >= 40, { timeoutMs: 20_000 });
    await node.stop();

    const expected = expectedPoints(sent);
    await waitUntil('the cloud holds every reading', async () => countPoints(await storedPoints(cloud, ['soil-01'])) >= countPoints(expected), {
      events: [[gateway.uploader, 'uploaded']],
    });
    expect(await storedPoints(cloud, ['soil-01'])).toEqual(expected);
    expect(gateway.intake.rejects).toMatchObject({ bad_checksum: 2, too_long: 1, out_of_range: 1, duplicate: 1 });
    expect(gateway.intake.rejects.bad_framing ?? 0).toBeGreaterThanOrEqual(1);
  });

  it('reopens the port when the device goes away and comes back', async () => {
    const input = gateway.serial[0]!;
    const closed = new Promise<void>((resolve) => input.once('close', () => resolve()));
    await pty.close();
    await closed;
    pty = await createPtyPair(dir, 'soil-01');
    await waitUntil('the gateway reopened the serial port', () => input.isOpen, { events: [[input, 'open']] });

    const node = new SerialSensorNode({ id: 'soil-01', path: pty.simPath, kind: 'soil', zone: 'zone-1', intervalMs: 60_000, seed: 99 }, farm);
    const sent: ReadingSet[] = [];
    node.onSent = (s) => sent.push(s);
    // A rebooted node starts its sequence again; readings after the dedupe window are new readings.
    for (let i = 0; i < 70; i++) node.inject('drop');
    await node.start();
    await waitUntil('5 reading sets were sent after the reconnect', () => sent.length >= 5);
    await node.stop();
    const from = sent[0]!.ts!;
    await waitUntil('they reached the cloud', async () => countPoints(await storedPoints(cloud, ['soil-01'], from)) >= countPoints(expectedPoints(sent)), {
      events: [[gateway.uploader, 'uploaded']],
    });
    expect(await storedPoints(cloud, ['soil-01'], from)).toEqual(expectedPoints(sent));
  });
});
