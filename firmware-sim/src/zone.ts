import type { WeatherNow } from './weather.ts';

const HOUR = 3_600_000;

export type ZoneOptions = {
  /** Depth of the root zone in mm: water depth ΔW mm changes moisture by ΔW / depth × 100 %. */
  rootDepthMm: number;
  /** Moisture at saturation and at wilting point, % VWC. */
  saturation: number;
  wiltingPoint: number;
  initialMoisture: number;
};

export const PADDY: ZoneOptions = { rootDepthMm: 300, saturation: 48, wiltingPoint: 12, initialMoisture: 34 };

/**
 * The soil water balance of one irrigation zone: evapotranspiration takes water out (more under
 * sun and heat, less as the soil dries), rain and irrigation put it back, up to saturation.
 */
export class Zone {
  readonly name: string;
  readonly #options: ZoneOptions;
  moisture: number;
  soilTemperature: number;
  /** Irrigation applied right now, mm/h (0 when the valve is closed). */
  irrigationRate = 0;

  constructor(name: string, options: ZoneOptions = PADDY) {
    this.name = name;
    this.#options = options;
    this.moisture = options.initialMoisture;
    this.soilTemperature = 27;
  }

  /** Advances the balance by `dtMs` of field time under the given weather. */
  step(dtMs: number, w: WeatherNow): void {
    const hours = dtMs / HOUR;
    // Hourly reference ET from radiation and temperature (a Priestley–Taylor-like shape), in mm/h.
    const et0 = Math.max(0, 0.0011 * w.solarRadiation * (0.5 + w.airTemperature / 60));
    const { saturation, wiltingPoint, rootDepthMm } = this.#options;
    const stress = Math.min(1, Math.max(0, (this.moisture - wiltingPoint) / (saturation - wiltingPoint)));
    const outMm = et0 * stress * hours;
    const inMm = (w.rainRate + this.irrigationRate) * hours;
    this.moisture = Math.min(saturation, Math.max(wiltingPoint * 0.8, this.moisture + ((inMm - outMm) / rootDepthMm) * 100));
    // Soil temperature follows the air slowly.
    this.soilTemperature += (w.airTemperature - 2 - this.soilTemperature) * Math.min(1, hours / 6);
  }
}
