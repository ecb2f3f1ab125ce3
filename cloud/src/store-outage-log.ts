import type { Logger } from 'pino';

/**
 * Logs the telemetry store refusing and answering again once each, as a warning and an info line, and
 * each request it refuses in between at debug: through an outage of hours, with every gateway retrying
 * and every open dashboard polling, a line per refusal would bury everything else in the log.
 */
export class StoreOutageLog {
  readonly #log: Logger;
  #since: number | undefined;

  constructor(log: Logger) {
    this.#log = log;
  }

  refused(fields: Record<string, unknown>, msg: string): void {
    if (this.#since !== undefined) return this.#log.debug(fields, msg);
    this.#since = Date.now();
    this.#log.warn(fields, `${msg}; until it answers again, each refusal is logged at debug`);
  }

  answered(): void {
    if (this.#since === undefined) return;
    this.#log.info({ downMs: Date.now() - this.#since }, 'telemetry store answers again');
    this.#since = undefined;
  }
}
