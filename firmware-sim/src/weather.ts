import { Random } from './random.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type WeatherNow = {
  airTemperature: number;
  airHumidity: number;
  solarRadiation: number;
  windSpeed: number;
  /** Rain in mm/h right now. */
  rainRate: number;
};

export type WeatherOptions = {
  /** Mean daily minimum and maximum air temperature, °C (Mekong delta: about 24 and 33). */
  tMin: number;
  tMax: number;
  /** Chance that a rain event starts in any hour. */
  rainChancePerHour: number;
  /** Local time offset from UTC in hours, for the sun. */
  utcOffsetHours: number;
};

export const TROPICAL: WeatherOptions = { tMin: 24, tMax: 33, rainChancePerHour: 0.02, utcOffsetHours: 7 };

/**
 * A daily temperature and sun cycle with day-to-day variation, and rain events that start at random
 * and last a few hours. Good enough to make soil dry by day and wet after rain; not a forecast.
 * Days and rain are a function of field time alone: the gusts draw from a stream of their own, so how
 * often the weather is sampled (which a loaded machine changes) never moves the rain.
 */
export class Weather {
  readonly #rng: Random;
  readonly #gusts: Random;
  readonly #options: WeatherOptions;
  #day = Number.NaN;
  #dayOffset = 0;
  #rainUntil = 0;
  #rainRate = 0;
  #lastHour = Number.NaN;

  constructor(seed: number, options: WeatherOptions = TROPICAL) {
    this.#rng = new Random(seed);
    this.#gusts = new Random(seed ^ 0x5bd1e995);
    this.#options = options;
  }

  at(t: number): WeatherNow {
    const local = t + this.#options.utcOffsetHours * HOUR;
    const day = Math.floor(local / DAY);
    if (day !== this.#day) {
      this.#day = day;
      this.#dayOffset = this.#rng.gaussian(1.2);
    }
    const hour = Math.floor(local / HOUR);
    if (hour !== this.#lastHour) {
      this.#lastHour = hour;
      const hourStart = t - (local % HOUR);
      if (hourStart >= this.#rainUntil && this.#rng.chance(this.#options.rainChancePerHour)) {
        this.#rainUntil = hourStart + this.#rng.between(1, 4) * HOUR;
        this.#rainRate = this.#rng.between(2, 15);
      }
    }
    const raining = t < this.#rainUntil;
    const dayFraction = (local % DAY) / DAY;
    // Coldest at 06:00, warmest at 14:00: a half cosine up over 8 hours, down over 16.
    const h = dayFraction * 24;
    const cycle = h >= 6 && h < 14 ? (1 - Math.cos((Math.PI * (h - 6)) / 8)) / 2 : (1 + Math.cos((Math.PI * ((h < 6 ? h + 24 : h) - 14)) / 16)) / 2;
    const { tMin, tMax } = this.#options;
    const airTemperature = tMin + (tMax - tMin) * cycle + this.#dayOffset - (raining ? 3 : 0);
    const sun = Math.max(0, Math.sin(Math.PI * (dayFraction - 0.25) * 2));
    return {
      airTemperature,
      airHumidity: Math.min(100, Math.max(35, 95 - (airTemperature - tMin) * 3.5 + (raining ? 15 : 0))),
      solarRadiation: dayFraction > 0.25 && dayFraction < 0.75 ? 950 * sun * (raining ? 0.25 : 1) : 0,
      windSpeed: Math.max(0, 2 + this.#gusts.gaussian(0.8) + (raining ? 3 : 0)),
      rainRate: raining ? this.#rainRate : 0,
    };
  }
}
