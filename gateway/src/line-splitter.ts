import { MAX_LINE_BYTES } from '@ruong/shared';

const NEWLINE = 0x0a;

/**
 * Cuts a byte stream into lines without ever holding more than one line's worth: a line longer than
 * the protocol allows is reported once and skipped up to its newline, so a babbling device cannot
 * fill the gateway's memory.
 */
export class LineSplitter {
  readonly #buffer = Buffer.alloc(MAX_LINE_BYTES + 2);
  #length = 0;
  #overflowing = false;
  readonly #onLine: (line: string) => void;
  readonly #onOverflow: () => void;

  constructor(onLine: (line: string) => void, onOverflow: () => void) {
    this.#onLine = onLine;
    this.#onOverflow = onOverflow;
  }

  push(chunk: Uint8Array): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl < 0 ? chunk.length : nl;
      this.#append(chunk, start, end);
      if (nl < 0) return;
      if (this.#overflowing) this.#overflowing = false;
      else if (this.#length > 0) this.#onLine(this.#buffer.toString('latin1', 0, this.#length));
      this.#length = 0;
      start = nl + 1;
    }
  }

  #append(chunk: Uint8Array, start: number, end: number): void {
    if (this.#overflowing) return;
    const n = end - start;
    if (this.#length + n > this.#buffer.length) {
      this.#overflowing = true;
      this.#length = 0;
      this.#onOverflow();
      return;
    }
    this.#buffer.set(chunk.subarray(start, end), this.#length);
    this.#length += n;
  }
}
