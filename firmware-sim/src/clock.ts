/**
 * Field time running `speed` times faster than wall time from `start`. Devices schedule in field
 * time; at speed 3600 an hour of field passes each second, so days of weather take seconds.
 */
export class SimClock {
  readonly start: number;
  readonly speed: number;
  readonly #wallStart = performance.now();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(start: number, speed: number) {
    if (!(speed > 0)) throw new Error('speed must be positive');
    this.start = start;
    this.speed = speed;
  }

  now(): number {
    return Math.round(this.start + (performance.now() - this.#wallStart) * this.speed);
  }

  /** Calls fn every `fieldMs` of field time until the returned function is called. */
  every(fieldMs: number, fn: () => void): () => void {
    const timer = setInterval(fn, Math.max(1, fieldMs / this.speed));
    this.#timers.add(timer);
    return () => {
      clearInterval(timer);
      this.#timers.delete(timer);
    };
  }

  stopAll(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#timers.clear();
  }
}
