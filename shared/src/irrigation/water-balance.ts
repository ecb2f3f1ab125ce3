import { dayOfYear, hargreavesEt0 } from './hargreaves.ts';

export type DailyWeather = {
  /** Any time within the day (its noon is best), epoch ms. */
  day: number;
  tMin: number;
  tMax: number;
  rainMm: number;
  irrigationMm: number;
};

/**
 * The soil water deficit after some days: each day crop ET (kc × Hargreaves ET0) takes water out, rain
 * and irrigation put it back; the deficit never goes below zero (excess drains away).
 */
export function accumulateDeficit(startMm: number, days: readonly DailyWeather[], latitude: number, kc: number): number {
  let deficit = startMm;
  for (const d of days) {
    const et = kc * hargreavesEt0(d.tMin, d.tMax, latitude, dayOfYear(d.day));
    deficit = Math.max(0, deficit + et - d.rainMm - d.irrigationMm);
  }
  return deficit;
}

/** The deficit soil moisture sensors show: the water missing to field capacity over the root depth. */
export function sensorDeficit(moisturePct: number, fieldCapacityPct: number, rootDepthMm: number): number {
  return Math.max(0, ((fieldCapacityPct - moisturePct) / 100) * rootDepthMm);
}
