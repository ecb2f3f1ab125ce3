import { Farm, FirmataBoard, SimClock, createPtyPair, type PtyPair } from '@ruong/firmware-sim';
import type { CommandAckUp } from '@ruong/shared';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../../cloud/test/test-cloud.ts';
import type { Gateway } from '../src/gateway.ts';
import { countPoints, startTestGateway, storedPoints, tempDir, waitUntil } from './helpers.ts';

describe('relays on an emulated Arduino (StandardFirmata on a real pty), driven through johnny-five', () => {
  let cloud: TestCloud;
  let gateway: Gateway;
  let pty: PtyPair;
  let board: FirmataBoard;
  const dir = tempDir('firmata');
  const acks: CommandAckUp[] = [];
  const farm = new Farm(new SimClock(Date.UTC(2026, 6, 1), 60), 2, ['zone-1']);

  beforeAll(async () => {
    cloud = await startTestCloud();
    pty = await createPtyPair(dir, 'uno');
    board = new FirmataBoard(pty.simPath, farm, [{ pin: 7, zone: 'zone-1', applicationMmPerHour: 30 }]);
    await board.start();
    gateway = await startTestGateway({
      gatewayId: 'gw-uno',
      firmata: [{ path: pty.gatewayPath, relays: { 'relay-7': 7 } }],
      safety: { maxOpenSec: 3600, ackTimeoutMs: 2000 },
      cloud: { url: cloud.url, token: await cloud.registerGateway('gw-uno') },
    });
    gateway.commands.onAck = (a) => acks.push(a);
  });
  afterAll(async () => {
    await gateway?.stop();
    await board?.stop();
    await pty?.close();
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('drives the relay closed at boot and reports it to the cloud as the relay node', async () => {
    await waitUntil('the relay was closed at boot', () => acks.some((a) => a.node === 'relay-7' && a.id.startsWith('boot-close-') && a.status === 'done'), { timeoutMs: 20_000 });
    expect(board.pin(7)).toBe(0);
    await waitUntil('the cloud knows relay-7', async () => countPoints(await storedPoints(cloud, ['relay-7'])) > 0, { events: [[gateway.uploader, 'uploaded']] });
  });

  it('opens and closes the valve with confirmation read back from the board', async () => {
    await gateway.commands.handle({ id: 'uno-open', node: 'relay-7', action: 'valve.open', durationSec: 600 });
    expect(board.pin(7)).toBe(1);
    expect(farm.zone('zone-1').irrigationRate).toBe(30);
    expect(acks.at(-1)).toMatchObject({ id: 'uno-open', node: 'relay-7', status: 'done' });
    await gateway.commands.handle({ id: 'uno-close', node: 'relay-7', action: 'valve.close' });
    expect(board.pin(7)).toBe(0);
    expect(farm.zone('zone-1').irrigationRate).toBe(0);
    expect(acks.at(-1)).toMatchObject({ id: 'uno-close', status: 'done' });
    await waitUntil('valve_state 1 then 0 reached the cloud', async () => {
      const points = (await storedPoints(cloud, ['relay-7'])).get('relay-7/valve_state') ?? [];
      return points.some(([, v]) => v === 1) && points.at(-1)?.[1] === 0;
    }, { events: [[gateway.uploader, 'uploaded']] });
  });

  it('closes the relay at the open deadline on its own', async () => {
    // The deadline counts from the open, so the clock starts before it: a slow confirmation under load must not shorten the wait measured.
    const t0 = Date.now();
    let opened = false;
    const closed = new Promise<void>((resolve) => {
      board.onPin = (pin, value) => {
        if (pin === 7 && value === 1) opened = true;
        else if (pin === 7 && value === 0 && opened) resolve();
      };
    });
    await gateway.commands.handle({ id: 'uno-short', node: 'relay-7', action: 'valve.open', durationSec: 1 });
    expect(board.pin(7)).toBe(1);
    await closed;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    await waitUntil('the deadline close was confirmed', () => acks.some((a) => a.id === 'uno-short-deadline' && a.status === 'done'));
  });
});

describe('an Arduino that is unplugged and plugged back in', () => {
  it('is reconnected, and its relay obeys again', async () => {
    const dir = tempDir('firmata-replug');
    const farm = new Farm(new SimClock(Date.now(), 1), 3, ['zone-1']);
    const cloud = await startTestCloud();
    // The board is not there when the gateway starts.
    const gateway = await startTestGateway({
      gatewayId: 'gw-replug',
      firmata: [{ path: `${dir}/uno.gw`, relays: { 'relay-3': 3 } }],
      safety: { maxOpenSec: 3600, ackTimeoutMs: 2000 },
      cloud: { url: cloud.url, token: await cloud.registerGateway('gw-replug') },
    });
    const acks: CommandAckUp[] = [];
    gateway.commands.onAck = (a) => acks.push(a);
    let pty = await createPtyPair(dir, 'uno');
    let board = new FirmataBoard(pty.simPath, farm, [{ pin: 3, zone: 'zone-1', applicationMmPerHour: 30 }]);
    await board.start();
    try {
      await waitUntil('the late board was closed at boot', () => acks.some((a) => a.node === 'relay-3' && a.id.startsWith('boot-close-') && a.status === 'done'), { timeoutMs: 20_000 });
      await board.stop();
      await pty.close();
      pty = await createPtyPair(dir, 'uno');
      board = new FirmataBoard(pty.simPath, farm, [{ pin: 3, zone: 'zone-1', applicationMmPerHour: 30 }]);
      await board.start();
      await waitUntil(
        'the relay obeys again',
        async () => {
          await gateway.commands.handle({ id: `replug-${Date.now()}`, node: 'relay-3', action: 'valve.open', durationSec: 60 });
          return board.pin(3) === 1;
        },
        { timeoutMs: 20_000, pollMs: 500 },
      );
    } finally {
      await gateway.stop();
      await board.stop();
      await pty.close();
      await cloud.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
