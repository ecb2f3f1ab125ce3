/**
 * Field time running `speed` times faster than wall time from `start`. Devices schedule in field
 * time; at speed 3600 an hour of field passes each second, so days of weather take seconds.
 *
 * With `catchUp`, a start in the past is replayed at `speed` until field time reaches the wall
 * clock, and from then on field time is real time: a farm with days of history that then runs live.
 */
export class SimClock {
  readonly start: number;
  readonly speed: number;
  readonly #catchUp: boolean;
  readonly #wallStart = performance.now();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(start: number, speed: number, options: { catchUp?: boolean } = {}) {
    if (!(speed > 0)) throw new Error('speed must be positive');
    this.start = start;
    this.speed = speed;
    this.#catchUp = options.catchUp ?? false;
  }

  now(): number {
    const fast = Math.round(this.start + (performance.now() - this.#wallStart) * this.speed);
    return this.#catchUp ? Math.min(fast, Date.now()) : fast;
  }

  /** Field time per wall time at this moment. */
  get currentSpeed(): number {
    return this.#catchUp && this.now() >= Date.now() ? 1 : this.speed;
  }

  /** Calls fn every `fieldMs` of field time until the returned function is called. */
  every(fieldMs: number, fn: () => void): () => void {
    // One timeout at a time, each timed at the speed of its moment, so the pace drops to real time on catching up.
    let timer: NodeJS.Timeout;
    const schedule = () => {
      timer = setTimeout(() => {
        this.#timers.delete(timer);
        schedule();
        fn();
      }, Math.max(1, fieldMs / this.currentSpeed));
      this.#timers.add(timer);
    };
    schedule();
    return () => {
      clearTimeout(timer);
      this.#timers.delete(timer);
    };
  }

  stopAll(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
