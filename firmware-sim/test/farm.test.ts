import { describe, expect, it } from 'vitest';
import { SimClock } from '../src/clock.ts';
import { Farm } from '../src/farm.ts';
import { Random } from '../src/random.ts';
import { Weather } from '../src/weather.ts';
import { Zone } from '../src/zone.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 2, 1, 17); // local midnight at UTC+7

describe('simulated field', () => {
  it('repeats itself for the same seed and differs for another', () => {
    const run = (seed: number) => {
      const w = new Weather(seed);
      return Array.from({ length: 200 }, (_, h) => w.at(START + h * HOUR));
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });

  it('rains at the same field times however often it is sampled', () => {
    // A loaded machine samples at other moments than an idle one; the field must not notice.
    const jitter = new Random(7);
    const often = new Weather(5);
    const seldom = new Weather(5);
    const rainyHours: number[] = [];
    for (let h = 0; h < 24 * 30; h++) {
      for (let m = 0; m < 60; m++) often.at(START + h * HOUR + m * 60_000);
      seldom.at(START + h * HOUR + jitter.between(0, 29) * 60_000);
      const half = START + h * HOUR + 30 * 60_000;
      const a = often.at(half);
      const b = seldom.at(half);
      expect([b.rainRate, b.airTemperature]).toEqual([a.rainRate, a.airTemperature]);
      if (a.rainRate > 0) rainyHours.push(h);
    }
    expect(rainyHours.length).toBeGreaterThan(0);

    const farmAt = (steps: (t: number) => number) => {
      const farm = new Farm(new SimClock(START, 1), 5, ['a']);
      for (let t = START; t < START + 5 * DAY; t = steps(t)) farm.advance(t);
      farm.advance(START + 5 * DAY);
      return farm;
    };
    const regular = farmAt((t) => t + 5 * 60_000);
    const jumpy = farmAt((t) => t + jitter.between(1, 3 * HOUR));
    // Only the 5-minute steps either side of a shower's edges differ.
    expect(Math.abs(jumpy.rainTotalMm - regular.rainTotalMm)).toBeLessThan(0.05 * regular.rainTotalMm);
    expect(jumpy.zone('a').moisture).toBeCloseTo(regular.zone('a').moisture, 0);
  });

  it('is warm in the afternoon, cool before dawn, and sunny only by day', () => {
    const w = new Weather(1, { tMin: 24, tMax: 33, rainChancePerHour: 0, utcOffsetHours: 7 });
    const at = (localHour: number) => w.at(START + 10 * DAY + localHour * HOUR);
    expect(at(14).airTemperature).toBeGreaterThan(at(5).airTemperature + 5);
    expect(at(2).solarRadiation).toBe(0);
    expect(at(12).solarRadiation).toBeGreaterThan(800);
  });

  it('dries soil under sun and no rain, and wets it with rain or irrigation', () => {
    const dry = new Zone('z');
    const sunny = { airTemperature: 32, airHumidity: 50, solarRadiation: 900, windSpeed: 2, rainRate: 0 };
    const before = dry.moisture;
    for (let i = 0; i < 48; i++) dry.step(HOUR / 4, sunny);
    expect(dry.moisture).toBeLessThan(before - 1);
    const wet = new Zone('z');
    wet.moisture = 20;
    wet.step(HOUR, { ...sunny, solarRadiation: 0, rainRate: 10 });
    expect(wet.moisture).toBeCloseTo(20 + (10 / 300) * 100, 5);
    wet.irrigationRate = 1000;
    wet.step(HOUR, sunny);
    expect(wet.moisture).toBe(48);
  });

  it('runs days of field time in a fraction of a second at speed', async () => {
    const clock = new SimClock(START, 86_400 * 10); // ten field days per wall second
    const farm = new Farm(clock, 2, ['a']);
    const days = await new Promise<number>((resolve) => {
      const stop = clock.every(DAY, () => {
        farm.advance();
        if (clock.now() - START >= 3 * DAY) {
          stop();
          resolve((clock.now() - START) / DAY);
        }
      });
    });
    expect(days).toBeGreaterThanOrEqual(3);
    expect(farm.rainTotalMm).toBeGreaterThanOrEqual(0);
    expect(farm.zone('a').moisture).not.toBe(34);
  });
});
