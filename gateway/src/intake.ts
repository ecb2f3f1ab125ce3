import type { ReadingSet, RejectReason, Rejection } from '@ruong/shared';
import type { Logger } from 'pino';
import { SeqDedupe } from './dedupe.ts';
import type { Outbox } from './outbox.ts';

/** Rejections logged per source and reason each minute; the rest are counted and summarised. */
const LOG_PER_MINUTE = 10;

/**
 * Where every input ends: a reading set from a serial line, an MQTT message or a board becomes
 * readings in the outbox, once; anything bad is counted by reason and logged, and nothing else happens.
 */
export class Intake {
  readonly #outbox: Outbox;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #dedupe = new SeqDedupe();
  readonly #logBudget = new Map<string, { minute: number; logged: number; suppressed: number }>();
  readingsIn = 0;
  readonly rejects: Partial<Record<RejectReason, number>> = {};
  /** Sees every good reading set with its time (the offline rules keep what they need). */
  observe: (set: ReadingSet, ts: number) => void = () => {};

  constructor(outbox: Outbox, log: Logger, now: () => number = Date.now) {
    this.#outbox = outbox;
    this.#log = log;
    this.#now = now;
  }

  readingSet(set: ReadingSet, source: string): void {
    if (set.seq !== undefined && !this.#dedupe.firstTime(set.node, set.seq)) {
      this.reject({ reason: 'duplicate', detail: `${set.node} sent seq ${set.seq} again` }, source);
      return;
    }
    let n = 0;
    for (const _ in set.readings) n++;
    const ts = set.ts ?? this.#now();
    this.#outbox.append(set.node, ts, set.readings, n);
    this.readingsIn += n;
    this.observe(set, ts);
  }

  /** Calls `fn` when everything taken in so far is on disk (to acknowledge it to its sender). */
  afterCommit(fn: () => void): void {
    this.#outbox.afterCommit(fn);
  }

  reject(rejection: Rejection, source: string): void {
    this.rejects[rejection.reason] = (this.rejects[rejection.reason] ?? 0) + 1;
    const key = `${source}\u0000${rejection.reason}`;
    const minute = Math.floor(this.#now() / 60_000);
    let budget = this.#logBudget.get(key);
    if (!budget || budget.minute !== minute) {
      if (budget?.suppressed) this.#log.warn({ source, reason: rejection.reason, suppressed: budget.suppressed }, 'more input rejected');
      budget = { minute, logged: 0, suppressed: 0 };
      this.#logBudget.set(key, budget);
    }
    if (budget.logged < LOG_PER_MINUTE) {
      budget.logged++;
      this.#log.warn({ source, reason: rejection.reason, detail: rejection.detail }, 'input rejected');
    } else budget.suppressed++;
  }
}
