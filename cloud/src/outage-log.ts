import type { Logger } from 'pino';

/**
 * Logs a failure that goes on (InfluxDB away, say) once as a warning and its end once as an info line,
 * with how long it lasted; each failure in between goes to debug. Through an outage of hours, with every
 * gateway retrying and every open dashboard polling, a line per failure would bury everything else.
 */
export class OutageLog {
  readonly #log: Logger;
  readonly #recovered: string;
  #since: number | undefined;

  constructor(log: Logger, recovered: string) {
    this.#log = log;
    this.#recovered = recovered;
  }

  failed(fields: Record<string, unknown>, msg: string): void {
    if (this.#since !== undefined) return this.#log.debug(fields, msg);
    this.#since = Date.now();
    this.#log.warn(fields, `${msg}; until it recovers, each failure is logged at debug`);
  }

  recovered(): void {
    if (this.#since === undefined) return;
    this.#log.info({ downMs: Date.now() - this.#since }, this.#recovered);
    this.#since = undefined;
  }
}
