import { HttpError, InfluxDB, RequestTimedOutError, type Transport } from '@influxdata/influxdb-client';

export type InfluxConnection = {
  url: string;
  database: string;
  /** InfluxDB 2.x/3.x v1-compatibility token (`Authorization: Token …`). */
  token?: string | undefined;
  /** InfluxDB 1.x user (`Authorization: Basic …`). */
  username?: string | undefined;
  password?: string | undefined;
  timeoutMs: number;
};

type SeriesResult = { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] };
export type QueryResult = { series?: SeriesResult[]; error?: string };

/**
 * What to hand the transport so that its `Buffer.from(body, 'utf-8')` views the bytes instead of copying
 * them: an ArrayBuffer the lines fill exactly (Buffer.from reads the encoding there as an offset, NaN → 0).
 * A copy per batch was a third of the memory outside the heap the cloud churned per batch; that churn
 * brings on V8's full GCs (fewer by a third over a bench run without the copy).
 */
function uncopied(lines: string | Uint8Array): string | Uint8Array | ArrayBuffer {
  if (typeof lines === 'string' || lines.byteOffset !== 0 || lines.byteLength !== lines.buffer.byteLength || !(lines.buffer instanceof ArrayBuffer)) return lines;
  return lines.buffer;
}

/** A write InfluxDB refused in part: points it will never take (a wrong type, beyond retention). */
export class InfluxPartialWrite extends Error {}

/**
 * The HTTP API every InfluxDB generation serves: line protocol on `/write`, InfluxQL on `/query`,
 * `/ping`. Requests go through @influxdata/influxdb-client's transport.
 */
export class InfluxHttp {
  readonly #transport: Transport;
  readonly #auth: Record<string, string>;
  readonly database: string;

  constructor(connection: InfluxConnection) {
    this.#transport = new InfluxDB({ url: connection.url, timeout: connection.timeoutMs }).transport;
    this.database = connection.database;
    this.#auth = connection.token
      ? { Authorization: `Token ${connection.token}` }
      : connection.username
        ? { Authorization: `Basic ${Buffer.from(`${connection.username}:${connection.password ?? ''}`).toString('base64')}` }
        : {};
  }

  /** Writes line protocol with millisecond timestamps into a retention policy. */
  async write(lines: string | Uint8Array, retentionPolicy: string): Promise<void> {
    const params = new URLSearchParams({ db: this.database, rp: retentionPolicy, precision: 'ms' });
    const options = { method: 'POST', headers: { ...this.#auth, 'Content-Type': 'text/plain; charset=utf-8' } };
    try {
      // `send`, not `request`, which would JSON-encode a byte body. The Node transport takes bytes as they
      // are (it calls `Buffer.from(body, 'utf-8')`), though its type says string; the tests read back what is written.
      await new Promise<void>((resolve, reject) => this.#transport.send(`/write?${params}`, uncopied(lines) as string, options, { next() {}, error: reject, complete: resolve }));
    } catch (err) {
      // 1.x answers 400 "partial write: …" when it kept the good points and refused the rest.
      if (err instanceof HttpError && err.statusCode === 400) throw new InfluxPartialWrite(errorText(err));
      throw err;
    }
  }

  /** Runs InfluxQL statements; rejects with the server's error text. Times come back as epoch ms. */
  async query(q: string, options: { write?: boolean; database?: boolean } = {}): Promise<QueryResult[]> {
    const params = new URLSearchParams({ q, epoch: 'ms' });
    if (options.database !== false) params.set('db', this.database);
    const res = (await this.#transport.request(`/query?${params}`, options.write ? '' : undefined, {
      method: options.write ? 'POST' : 'GET',
      headers: { ...this.#auth, ...(options.write && { 'Content-Type': 'application/x-www-form-urlencoded' }) },
    })) as { results?: QueryResult[]; error?: string };
    if (res.error) throw new Error(res.error);
    for (const r of res.results ?? []) if (r.error) throw new Error(r.error);
    return res.results ?? [];
  }

  async ping(): Promise<void> {
    await this.#transport.request('/ping', undefined, { method: 'GET', headers: this.#auth });
  }
}

/** An InfluxDB error as one line: the status and the server's words (1.x says `error`, 2.x and 3.x `message`). */
export function errorText(err: unknown): string {
  if (err instanceof HttpError) {
    try {
      const body = JSON.parse(err.body ?? '') as { error?: string; message?: string };
      return `${err.statusCode}: ${body.error ?? body.message ?? err.body}`;
    } catch {
      return `${err.statusCode}: ${err.body ?? err.message}`;
    }
  }
  return err instanceof Error ? err.message : String(err);
}

/** Whether a request failed for want of a server that answers (down, unreachable, too slow, failing), not a refusal. */
export function isUnreachable(err: unknown): boolean {
  if (err instanceof HttpError) return err.statusCode >= 500;
  return err instanceof RequestTimedOutError || typeof (err as NodeJS.ErrnoException).code === 'string';
}

/** A literal for InfluxQL: single-quoted, quotes escaped. */
export function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
