import { GatewayCommand } from '@ruong/shared';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { backoffDelay } from './backoff.ts';

export type DownlinkOptions = { url: string; token: string; gatewayId: string; retryMinMs: number; retryMaxMs: number };

/**
 * Keeps the cloud's command stream (Server-Sent Events) open and hands each command to `onCommand`
 * within moments of it being queued. Reconnects with backoff; the ingest reply carries the same
 * commands as a fallback, and the gateway carries out each id once, whichever way it came.
 */
export class Downlink extends EventEmitter<{ connected: []; disconnected: [] }> {
  readonly #options: DownlinkOptions;
  readonly #onCommand: (cmd: GatewayCommand) => void;
  readonly #log: Logger;
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;
  connected = false;

  constructor(options: DownlinkOptions, onCommand: (cmd: GatewayCommand) => void, log: Logger) {
    super();
    this.#options = options;
    this.#onCommand = onCommand;
    this.#log = log;
  }

  start(): void {
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    let attempt = 0;
    while (!this.#abort.signal.aborted) {
      try {
        await this.#listen();
        attempt = 0;
      } catch (err) {
        if (this.#abort.signal.aborted) break;
        if (attempt === 0) this.#log.warn({ err: (err as Error).message }, 'command stream lost; reconnecting');
      }
      if (this.connected) {
        this.connected = false;
        this.emit('disconnected');
      }
      if (this.#abort.signal.aborted) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoffDelay(attempt++, this.#options.retryMinMs, this.#options.retryMaxMs));
        this.#abort.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async #listen(): Promise<void> {
    const url = new URL(`/api/v1/gateways/${encodeURIComponent(this.#options.gatewayId)}/commands/stream`, this.#options.url);
    const res = await fetch(url, {
      headers: { Authorization: `Bearer ${this.#options.token}`, Accept: 'text/event-stream' },
      signal: this.#abort.signal,
    });
    if (res.status !== 200 || !res.body) throw new Error(`command stream answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    this.connected = true;
    this.emit('connected');
    this.#log.info('command stream open');
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        this.#frame(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
    throw new Error('command stream ended');
  }

  #frame(frame: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (event !== 'command' || data.length === 0) return;
    try {
      const cmd = GatewayCommand.safeParse(JSON.parse(data.join('\n')));
      if (cmd.success) this.#onCommand(cmd.data);
      else this.#log.warn({ issue: cmd.error.issues[0]?.message }, 'command stream sent an invalid command');
    } catch {
      this.#log.warn('command stream sent a command that is not JSON');
    }
  }
}
