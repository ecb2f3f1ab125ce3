import type { Reading } from '@ruong/shared';
import type { SqliteTelemetryStore } from './sqlite-telemetry-store.ts';
import type { TelemetryStore } from './telemetry-store.ts';

/** Readings per write: a gateway's largest batch, which every store takes in one go. */
const PAGE = 5000;

/**
 * Copies every reading of the embedded store into another store, a page at a time in key order;
 * `progress` hears the running count. A reading written again lands on the same point, so a copy that
 * stopped part-way is simply run again.
 */
export async function copyTelemetry(from: SqliteTelemetryStore, to: TelemetryStore, progress: (copied: number) => void = () => {}): Promise<number> {
  let copied = 0;
  let last: Reading | undefined;
  for (;;) {
    const page = from.readingsAfter(last, PAGE);
    if (page.length === 0) return copied;
    await to.write(page);
    copied += page.length;
    last = page.at(-1);
    progress(copied);
  }
}
