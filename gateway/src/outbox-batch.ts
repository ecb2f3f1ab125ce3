import type { Reading } from '@ruong/shared';

/** A reading set as the outbox stores it: its metrics and values as the JSON text of one object. */
export type StoredSet = { node: string; ts: number; n: number; readings: string };

/**
 * Reading sets sent to the cloud together under one id. They stay as stored until asked for as
 * reading objects (`readings`) or as the ingest JSON (`readingsJson`, written straight from the stored
 * text): a batch of thousands of readings is then a few hundred small rows while the cloud works on
 * it, which keeps the gateway's young heap, and the time spent collecting it, small.
 */
export class OutboxBatch {
  readonly batchId: string;
  /** How many readings the batch carries. */
  readonly size: number;
  readonly #sets: readonly StoredSet[];
  #json: string | undefined;

  constructor(batchId: string, sets: readonly StoredSet[]) {
    this.batchId = batchId;
    this.#sets = sets;
    this.size = sets.reduce((n, s) => n + s.n, 0);
  }

  get readings(): Reading[] {
    const readings: Reading[] = [];
    for (const set of this.#sets) {
      const values = JSON.parse(set.readings) as Record<string, number>;
      for (const metric in values) readings.push({ node: set.node, metric, value: values[metric]!, ts: set.ts });
    }
    return readings;
  }

  /** `JSON.stringify(this.readings)`, worked out once. */
  readingsJson(): string {
    this.#json ??= this.#writeJson() ?? JSON.stringify(this.readings);
    return this.#json;
  }

  /**
   * The readings' JSON copied from the stored text, which JSON.stringify wrote from a `{metric: value}`
   * object: metric names hold no comma, colon, quote or escape, and values are plain numbers, so its
   * members split on commas and each value's text is what JSON.stringify writes for it again.
   * Undefined for a text of any other form.
   */
  #writeJson(): string | undefined {
    const parts: string[] = [];
    for (const set of this.#sets) {
      const text = set.readings;
      const head = `{"node":${JSON.stringify(set.node)},"metric":`;
      const tail = `,"ts":${set.ts}}`;
      const end = text.length - 1;
      if (text[0] !== '{' || text[end] !== '}') return undefined;
      for (let from = 1; from < end; ) {
        const colon = text.indexOf(':', from);
        let comma = text.indexOf(',', from);
        if (comma < 0) comma = end;
        const key = text.slice(from, colon);
        const value = text.slice(colon + 1, comma);
        if (colon < 0 || colon > comma || !isPlainName(key) || value === '' || '{["'.includes(value[0]!)) return undefined;
        parts.push(`${head}${key},"value":${value}${tail}`);
        from = comma + 1;
      }
    }
    return `[${parts.join(',')}]`;
  }
}

/** A quoted name without quotes or escapes inside, as every metric name is. */
function isPlainName(key: string): boolean {
  return key.length > 2 && key[0] === '"' && key.indexOf('"', 1) === key.length - 1 && !key.includes('\\');
}
