import { describe, expect, it } from 'vitest';
import { BACKLOG_MS, backlogOf, type GatewaySeen } from '../web/src/gateway-backlog.ts';

describe("a gateway's backlog on the overview", () => {
  const spoke = Date.UTC(2026, 10, 30, 9);
  const gateway = (health: GatewaySeen['health'], lastContact: number | null = spoke): GatewaySeen => ({ lastContact, health });

  it('is the readings held unsent once the oldest has waited longer than a few uploads take', () => {
    expect(backlogOf(gateway({ queueDepth: 12_400, oldestUnsentTs: spoke - 3 * 3_600_000 }))).toEqual({ readings: 12_400, since: spoke - 3 * 3_600_000 });
    expect(backlogOf(gateway({ queueDepth: 40, oldestUnsentTs: spoke - BACKLOG_MS - 1 }))).toEqual({ readings: 40, since: spoke - BACKLOG_MS - 1 });
  });

  it('is nothing for the few seconds of readings a gateway holds between uploads, an empty outbox, or no health yet', () => {
    expect(backlogOf(gateway({ queueDepth: 27, oldestUnsentTs: spoke - 5_000 }))).toBeUndefined();
    expect(backlogOf(gateway({ queueDepth: 27, oldestUnsentTs: spoke - BACKLOG_MS }))).toBeUndefined();
    expect(backlogOf(gateway({ queueDepth: 0, oldestUnsentTs: null }))).toBeUndefined();
    expect(backlogOf(gateway(null))).toBeUndefined();
    expect(backlogOf(gateway({ queueDepth: 5, oldestUnsentTs: spoke - 3_600_000 }, null))).toBeUndefined();
  });
});
