import { IngestReply, type CommandAckUp, type DecisionUp, type GatewayCommand, type GatewayHealth, type IngestBatch } from '@ruong/shared';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Logger } from 'pino';
import { backoffDelay, retryAfterMs } from './backoff.ts';
import { post } from './http-post.ts';
import type { Outbox } from './outbox.ts';
import { OutboxBatch } from './outbox-batch.ts';

const gzipAsync = promisify(gzip);

export type UploaderOptions = {
  url: string;
  token: string;
  batchMaxReadings: number;
  batchMaxAgeMs: number;
  requestTimeoutMs: number;
  retryMinMs: number;
  retryMaxMs: number;
  /** With nothing to send, health still goes up this often, so the cloud knows the gateway lives. */
  heartbeatMs: number;
};

export type UploadedEvent = { batchId: string; readings: number; duplicate: boolean };

/** What travels with batches besides readings: command acks up, commands down. */
export type UploaderLinks = {
  pendingAcks(): { seq: number; ack: CommandAckUp }[];
  acksDelivered(seq: number): void;
  pendingDecisions(): { seq: number; decision: DecisionUp }[];
  decisionsDelivered(seq: number): void;
  onCommands(commands: GatewayCommand[]): void;
};

/**
 * A batch's request body, written and compressed, with the acks and decisions it carries: what goes
 * up once the cloud has answered for them.
 */
type Upload = { batch: OutboxBatch; acks: { seq: number }[]; decisions: { seq: number }[]; gz: Promise<Buffer> };

const NO_LINKS: UploaderLinks = { pendingAcks: () => [], acksDelivered: () => {}, pendingDecisions: () => [], decisionsDelivered: () => {}, onCommands: () => {} };

/** What the cloud's answer means for the batch. */
class UploadError extends Error {
  readonly kind: 'retry' | 'too_large' | 'invalid';
  /** How long the cloud asked us to wait (`Retry-After`), if it did. */
  readonly retryAfterMs: number | undefined;
  constructor(kind: UploadError['kind'], message: string, retryAfterMs?: number) {
    super(message);
    this.kind = kind;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Moves the outbox to the cloud: one batch at a time, formed when enough readings wait or the oldest
 * has waited long enough; gzip; the same batch id on every retry; exponential backoff with jitter.
 * Readings leave the outbox only when the cloud answered 200 for their batch. While the cloud works on
 * a batch, the next full one is formed, serialized and compressed, so a backlog drains without pauses.
 */
export class Uploader extends EventEmitter<{ uploaded: [UploadedEvent]; failed: [Error] }> {
  readonly #outbox: Outbox;
  readonly #options: UploaderOptions;
  readonly #log: Logger;
  readonly #health: () => GatewayHealth;
  readonly #links: UploaderLinks;
  readonly #abort = new AbortController();
  #batchMax: number;
  /** The next batch, formed, written and compressed while the previous one was at the cloud. */
  #follower: Upload | undefined;
  #waitingSince: number | undefined;
  #lastSent = Date.now();
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  readingsOut = 0;
  linkUp = false;
  /** When the cloud last answered 200 (start time until then). */
  lastSuccessAt = Date.now();

  constructor(outbox: Outbox, options: UploaderOptions, log: Logger, health: () => GatewayHealth, links: UploaderLinks = NO_LINKS) {
    super();
    this.#outbox = outbox;
    this.#options = options;
    this.#log = log;
    this.#health = health;
    this.#links = links;
    this.#batchMax = options.batchMaxReadings;
    outbox.onCommitted(() => {
      this.#waitingSince ??= Date.now();
      this.#wake?.();
    });
  }

  /** Something (an ack) should go up soon, even with no readings waiting. */
  nudge(): void {
    this.#wake?.();
  }

  start(): void {
    if (this.#outbox.backlog().depth > 0) this.#waitingSince = 0;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    let attempt = 0;
    /** Tries at the outbox since it last formed a batch; heartbeats between do not count as one. */
    let outboxAttempt = 0;
    while (!this.#abort.signal.aborted) {
      let batch: OutboxBatch | undefined;
      try {
        batch = this.#due();
        outboxAttempt = 0;
      } catch (err) {
        // The outbox cannot record a batch in flight (a full or failing card): readings wait until it can,
        // while heartbeats still take acks and the health that tells the cloud why.
        const delay = backoffDelay(outboxAttempt++, this.#options.retryMinMs, this.#options.retryMaxMs);
        this.#log.warn({ attempt: outboxAttempt, retryInMs: delay, err: (err as Error).message }, 'outbox cannot form a batch');
        await this.#sleep(delay, false);
        batch = this.#heartbeat();
        if (!batch) continue;
      }
      if (!batch) {
        await this.#sleep(this.#untilDue(), true);
        continue;
      }
      try {
        const reply = await this.#send(batch);
        if (batch.size > 0) this.#outbox.ack(batch.batchId);
        this.readingsOut += batch.size;
        this.#lastSent = this.lastSuccessAt = Date.now();
        if (this.#outbox.backlog().depth === 0) this.#waitingSince = undefined;
        if (!this.linkUp || attempt > 0) this.#log.info({ batchId: batch.batchId }, 'cloud link up');
        this.linkUp = true;
        attempt = 0;
        this.emit('uploaded', { batchId: batch.batchId, readings: batch.size, duplicate: reply.duplicate });
      } catch (err) {
        if (this.#abort.signal.aborted) break;
        const e = err as Error;
        this.linkUp = false;
        this.emit('failed', e);
        if (e instanceof UploadError && e.kind === 'too_large' && this.#batchMax > 1) {
          this.#batchMax = Math.ceil(this.#batchMax / 2);
          this.#outbox.dissolve(batch.batchId);
          // The follower was formed at the old size: it goes back too.
          if (this.#follower) this.#outbox.dissolve(this.#follower.batch.batchId);
          this.#follower = undefined;
          this.#log.warn({ batchId: batch.batchId, batchMax: this.#batchMax }, 'cloud refused the batch as too large; sending smaller batches');
          continue;
        }
        if (e instanceof UploadError && e.kind === 'invalid') {
          const moved = this.#outbox.quarantine(batch.batchId);
          this.#log.error({ batchId: batch.batchId, readings: moved, err: e.message }, 'cloud refused the batch as invalid; kept aside in the outbox quarantine');
          continue;
        }
        // At least as long as the cloud asked (a store down, a rate limit), up to retryMaxMs, with a
        // fifth of jitter so gateways told the same wait do not all come back at once.
        const asked = e instanceof UploadError && e.retryAfterMs !== undefined ? Math.min(e.retryAfterMs * (1 + Math.random() / 5), this.#options.retryMaxMs) : 0;
        const delay = Math.round(Math.max(backoffDelay(attempt++, this.#options.retryMinMs, this.#options.retryMaxMs), asked));
        // The follower stays in flight, but is written afresh after the wait: the acks and the health it
        // was written with would be old by then, and the cloud keeps the health a batch brings.
        this.#follower = undefined;
        const cause = (e.cause as Error | undefined)?.message;
        this.#log.warn({ batchId: batch.batchId, attempt, retryInMs: delay, err: cause ? `${e.message}: ${cause}` : e.message }, 'upload failed');
        await this.#sleep(delay, false);
      }
    }
  }

  /** The batch to send now, if any: the one in flight, a full or old-enough one, or a heartbeat. */
  #due(): OutboxBatch | undefined {
    const ready = this.#waitingSince !== undefined && Date.now() - this.#waitingSince >= this.#options.batchMaxAgeMs;
    const batch = this.#outbox.nextBatch(this.#batchMax, ready ? 1 : this.#batchMax, this.#follower?.batch);
    return batch ?? this.#heartbeat();
  }

  /** A batch of no readings, when one is due: acks wait, or nothing went up for a heartbeat's time. */
  #heartbeat(): OutboxBatch | undefined {
    if (Date.now() - this.#lastSent >= this.#options.heartbeatMs || this.#links.pendingAcks().length > 0) return new OutboxBatch(randomUUID(), []);
    return undefined;
  }

  #untilDue(): number {
    const heartbeat = this.#lastSent + this.#options.heartbeatMs - Date.now();
    const age = this.#waitingSince === undefined ? Infinity : this.#waitingSince + this.#options.batchMaxAgeMs - Date.now();
    return Math.max(1, Math.min(heartbeat, age));
  }

  /** The body of `batch` with the acks, decisions and health there are now, compressing on the thread pool. */
  #upload(batch: OutboxBatch): Upload {
    const acks = this.#links.pendingAcks();
    const decisions = this.#links.pendingDecisions();
    const rest: Omit<IngestBatch, 'batchId' | 'readings'> = { acks: acks.map((a) => a.ack), decisions: decisions.map((d) => d.decision), health: this.#health() };
    // JSON.stringify of the whole IngestBatch, the readings written once from the outbox's own text.
    const json = `{"batchId":${JSON.stringify(batch.batchId)},"readings":${batch.readingsJson()},${JSON.stringify(rest).slice(1)}`;
    // One output buffer for the whole batch: each extra one would wait its turn on a busy event loop.
    const gz = gzipAsync(json, { chunkSize: Math.max(64 * 1024, json.length) });
    gz.catch(() => {}); // a follower given up (its batch dissolved) is never awaited; a used one is
    return { batch, acks, decisions, gz };
  }

  async #send(batch: OutboxBatch): Promise<IngestReply> {
    // The follower is sent as it was prepared; what came up meanwhile rides on the next batch. Sent
    // again after a failure, a batch is written afresh, with what is pending then.
    const upload = this.#follower?.batch === batch ? this.#follower : this.#upload(batch);
    if (upload === this.#follower) this.#follower = undefined;
    const { acks, decisions } = upload;
    const gz = await upload.gz;
    const headers = { Authorization: `Bearer ${this.#options.token}`, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' };
    const answer = post(new URL('/api/v1/ingest', this.#options.url), gz, headers, AbortSignal.any([AbortSignal.timeout(this.#options.requestTimeoutMs), this.#abort.signal]));
    // More than this batch waiting: the next one is formed meanwhile, once this request has left.
    if (this.#outbox.backlog().depth > batch.size) setImmediate(() => this.#formFollower(batch));
    const { status, text, retryAfter } = await answer;
    if (status === 200) {
      const reply = IngestReply.safeParse(JSON.parse(text));
      if (!reply.success) throw new UploadError('retry', `cloud answered 200 with an unexpected body: ${text.slice(0, 200)}`);
      if (acks.length) this.#links.acksDelivered(acks.at(-1)!.seq);
      if (decisions.length) this.#links.decisionsDelivered(decisions.at(-1)!.seq);
      if (reply.data.commands.length) this.#links.onCommands(reply.data.commands);
      return reply.data;
    }
    if (status === 413) throw new UploadError('too_large', text.slice(0, 300));
    if (status === 400) throw new UploadError('invalid', text.slice(0, 1000));
    if (status === 401 || status === 403) throw new UploadError('retry', `cloud refused the gateway token (${status}); check cloud.token`);
    throw new UploadError('retry', `cloud answered ${status}: ${text.slice(0, 300)}`, retryAfterMs(retryAfter, Date.now()));
  }

  /**
   * Forms, writes and compresses the next full batch while `batch` is at the cloud (called once the
   * request is on its way), so that compressing it overlaps the cloud's work instead of following it:
   * under a flood of messages it waited for a core and for the busy event loop, 5 ms a batch and more.
   * It is recorded in flight at once, so it goes out next, with its id, even after a restart.
   */
  #formFollower(batch: OutboxBatch): void {
    if (this.#abort.signal.aborted || this.#follower) return;
    let follower: OutboxBatch | undefined;
    try {
      follower = this.#outbox.batchAfter(batch.batchId, this.#batchMax, this.#batchMax);
    } catch {
      return; // the outbox cannot record it now; the loop finds out and waits when the follower is due
    }
    if (follower) this.#follower = this.#upload(follower);
  }

  /** Waits `ms`; stopping always wakes it, new readings only when `wakeOnCommit` (not during a backoff). */
  #sleep(ms: number, wakeOnCommit: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#abort.signal.removeEventListener('abort', done);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#abort.signal.addEventListener('abort', done);
      if (wakeOnCommit) this.#wake = done;
    });
  }
}
