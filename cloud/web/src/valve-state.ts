import type { Command } from '@ruong/shared';

/**
 * Whether a valve is open, by the commands it confirmed: open through the run of its last confirmed
 * `valve.open`, closed once that run is over or after a confirmed `valve.close`. Undefined before any,
 * and for a run of no stated length (the gateway then closes it after a limit of its own). The overview
 * shows this while the valve's own readings cannot be read, the cloud's store of readings being down.
 */
export function valveOpenByCommands(commands: readonly Command[], now: number): boolean | undefined {
  let last: Command | undefined;
  for (const c of commands) {
    if (c.state === 'done' && (!last || (c.doneAt ?? c.createdAt) > (last.doneAt ?? last.createdAt))) last = c;
  }
  if (!last) return undefined;
  if (last.action === 'valve.close') return false;
  if (last.durationSec === undefined) return undefined;
  return now < (last.doneAt ?? last.createdAt) + last.durationSec * 1000;
}
