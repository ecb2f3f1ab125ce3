import type { SimClock } from './clock.ts';
import { Weather, type WeatherNow } from './weather.ts';
import { Zone } from './zone.ts';

const STEP_MS = 5 * 60_000;

/**
 * A simulated farm: weather over a set of zones, advanced lazily to the clock's field time whenever a
 * device samples it, so a faster clock changes nothing but how soon things happen.
 */
export class Farm {
  readonly clock: SimClock;
  readonly weather: Weather;
  readonly zones = new Map<string, Zone>();
  #t: number;
  #weatherNow: WeatherNow;
  /** Rain fallen since the start, mm; a rain gauge reports the difference since its last report. */
  rainTotalMm = 0;

  constructor(clock: SimClock, seed: number, zoneNames: string[]) {
    this.clock = clock;
    this.weather = new Weather(seed + 1);
    for (const name of zoneNames) this.zones.set(name, new Zone(name));
    this.#t = clock.start;
    this.#weatherNow = this.weather.at(this.#t);
  }

  zone(name: string): Zone {
    const z = this.zones.get(name);
    if (!z) throw new Error(`no zone ${name}`);
    return z;
  }

  /** Advances the model to field time `t` (the clock's now by default) and returns the weather. */
  advance(t = this.clock.now()): WeatherNow {
    while (this.#t < t) {
      const dt = Math.min(STEP_MS, t - this.#t);
      this.#weatherNow = this.weather.at(this.#t);
      for (const z of this.zones.values()) z.step(dt, this.#weatherNow);
      this.rainTotalMm += (this.#weatherNow.rainRate * dt) / 3_600_000;
      this.#t += dt;
    }
    return this.#weatherNow;
  }
}
