import type { Farm } from '../farm.ts';
import type { Random } from '../random.ts';

export type SensorKind = 'soil' | 'weather';

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * What a sensor node of a kind reads from the farm now, with sensor noise: a soil probe in its zone, or
 * a weather station (whose rain gauge reports the rain since its previous report).
 */
export function sampleSensor(kind: SensorKind, farm: Farm, zone: string, rng: Random, state: { rainSeen: number; battery: number }): Record<string, number> {
  const w = farm.advance();
  state.battery = Math.max(3.3, state.battery - 0.00001);
  const common = { battery_voltage: round(state.battery + rng.gaussian(0.005), 3), rssi: Math.round(-70 + rng.gaussian(4)) };
  if (kind === 'soil') {
    const z = farm.zone(zone);
    return {
      soil_moisture: round(Math.min(100, Math.max(0, z.moisture + rng.gaussian(0.3))), 2),
      soil_temperature: round(z.soilTemperature + rng.gaussian(0.1), 2),
      ...common,
    };
  }
  const rain = farm.rainTotalMm - state.rainSeen;
  state.rainSeen = farm.rainTotalMm;
  return {
    air_temperature: round(w.airTemperature + rng.gaussian(0.2), 2),
    air_humidity: round(Math.min(100, Math.max(0, w.airHumidity + rng.gaussian(1))), 1),
    solar_radiation: round(Math.max(0, w.solarRadiation + rng.gaussian(5)), 1),
    wind_speed: round(Math.max(0, w.windSpeed), 2),
    rainfall: round(rain, 2),
    ...common,
  };
}
