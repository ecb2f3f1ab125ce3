import type { Command } from '@ruong/shared';
import { describe, expect, it } from 'vitest';
import { valveOpenByCommands } from '../web/src/valve-state.ts';

describe('a valve open or closed by the commands it confirmed', () => {
  const t0 = Date.UTC(2026, 10, 30, 6);
  let n = 0;
  const command = (action: Command['action'], state: Command['state'], doneAt: number | undefined, durationSec?: number): Command => ({
    id: `c${n++}`,
    gateway: 'gw-1',
    node: 'valve-01',
    action,
    ...(durationSec !== undefined && { durationSec }),
    source: 'person',
    state,
    createdAt: (doneAt ?? t0) - 2_000,
    expiresAt: (doneAt ?? t0) + 600_000,
    ...(doneAt !== undefined && { doneAt }),
  });

  it('is open through the run of the last valve.open it confirmed, and closed after it', () => {
    const opened = [command('valve.open', 'done', t0, 600)];
    expect(valveOpenByCommands(opened, t0 + 1_000)).toBe(true);
    expect(valveOpenByCommands(opened, t0 + 599_999)).toBe(true);
    expect(valveOpenByCommands(opened, t0 + 600_000)).toBe(false);
  });

  it('is closed after a confirmed valve.close, whichever order the commands come in', () => {
    const commands = [command('valve.close', 'done', t0 + 60_000), command('valve.open', 'done', t0, 600)];
    expect(valveOpenByCommands(commands, t0 + 120_000)).toBe(false);
    expect(valveOpenByCommands(commands.reverse(), t0 + 120_000)).toBe(false);
  });

  it('goes by confirmed commands only: one queued, failed or expired changes nothing', () => {
    const commands = [command('valve.open', 'done', t0, 600), command('valve.close', 'failed', undefined), command('valve.close', 'queued', undefined)];
    expect(valveOpenByCommands(commands, t0 + 120_000)).toBe(true);
  });

  it('is unknown before any confirmed command, and for a run of no stated length', () => {
    expect(valveOpenByCommands([], t0)).toBeUndefined();
    expect(valveOpenByCommands([command('valve.open', 'expired', undefined, 600)], t0)).toBeUndefined();
    expect(valveOpenByCommands([command('valve.open', 'done', t0)], t0 + 1_000)).toBeUndefined();
  });
});
