import { describe, expect, it } from 'vitest';
import { SimClock } from '../src/clock.ts';

describe('SimClock catching up', () => {
  it('replays the past at speed, then keeps to the wall clock', async () => {
    const HOUR = 3_600_000;
    const clock = new SimClock(Date.now() - HOUR, 36_000, { catchUp: true }); // an hour of field in 100 ms
    const ticks: number[] = [];
    await new Promise<void>((resolve) => {
      const stop = clock.every(60_000, () => {
        ticks.push(clock.now());
        if (clock.currentSpeed === 1 && ticks.length > 5) {
          stop();
          resolve();
        }
      });
    });
    // A tick every field minute through the hour of history: about 60 of them, quickly.
    expect(ticks.length).toBeGreaterThanOrEqual(55);
    expect(ticks[0]!).toBeLessThan(Date.now() - 50 * 60_000);
    // Field time never runs ahead of the wall clock, and stays on it once caught up.
    expect(Math.max(...ticks)).toBeLessThanOrEqual(Date.now());
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(5);
    expect(clock.currentSpeed).toBe(1);
    clock.stopAll();
  });
});
