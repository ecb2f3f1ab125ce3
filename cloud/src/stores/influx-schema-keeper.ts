import type { Logger } from 'pino';
import type { InfluxHttp } from './influx-http.ts';
import { ensureInfluxSchema, type RetentionPlan } from './influx-schema.ts';
import { STORE_RETRY_AFTER_SEC, StoreUnavailable } from './telemetry-store.ts';

/**
 * The database and retention policies the cloud manages, prepared at start. A refusal (missing rights)
 * stops the cloud; an InfluxDB that does not answer yet (it often starts after the cloud, after a power
 * cut) does not: until it answers and the schema is prepared, `check` throws StoreUnavailable (503), and
 * preparing is tried again every STORE_RETRY_AFTER_SEC.
 */
export class InfluxSchemaKeeper {
  readonly #prepare: () => Promise<void>;
  readonly #log: Logger;
  /** Why the schema is not prepared yet; undefined once it is. */
  #unprepared: string | undefined;
  #again: NodeJS.Timeout | undefined;

  constructor(http: InfluxHttp, plan: RetentionPlan, user: string | undefined, log: Logger) {
    this.#prepare = () => ensureInfluxSchema(http, plan, user);
    this.#log = log.child({ database: http.database });
  }

  /** Prepares the schema; rejects on a refusal, and only then. */
  async start(): Promise<void> {
    try {
      await this.#prepare();
    } catch (err) {
      if (!(err instanceof StoreUnavailable)) throw err;
      this.#retry(err.message);
    }
  }

  /** Throws StoreUnavailable while the schema is not prepared. */
  check(): void {
    if (this.#unprepared !== undefined) throw new StoreUnavailable(this.#unprepared);
  }

  stop(): void {
    clearTimeout(this.#again);
  }

  #retry(reason: string): void {
    if (reason !== this.#unprepared) this.#log.warn({ err: reason, retryInSec: STORE_RETRY_AFTER_SEC }, 'InfluxDB database not prepared; ingest and reads answer 503 until it is');
    this.#unprepared = reason;
    this.#again = setTimeout(() => {
      this.#prepare().then(
        () => {
          this.#unprepared = undefined;
          this.#log.info('InfluxDB database prepared');
        },
        // A refusal now (rights taken away meanwhile) also waits for someone to mend it.
        (err: Error) => this.#retry(err.message),
      );
    }, STORE_RETRY_AFTER_SEC * 1000).unref();
  }
}
