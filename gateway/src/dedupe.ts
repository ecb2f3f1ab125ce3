const WINDOW = 64;

/**
 * Remembers the last sequence numbers of each node, so a reading set a node sends twice (a retry,
 * a replayed buffer) is stored once. A window rather than "greater than the last" because seq wraps
 * at 2^32 and restarts at 0 when a node reboots.
 */
export class SeqDedupe {
  readonly #recent = new Map<string, { ring: number[]; set: Set<number>; next: number }>();

  /** True the first time (node, seq) is seen within the window. */
  firstTime(node: string, seq: number): boolean {
    let entry = this.#recent.get(node);
    if (!entry) {
      entry = { ring: [], set: new Set(), next: 0 };
      this.#recent.set(node, entry);
    }
    if (entry.set.has(seq)) return false;
    if (entry.ring.length < WINDOW) entry.ring.push(seq);
    else {
      entry.set.delete(entry.ring[entry.next]!);
      entry.ring[entry.next] = seq;
      entry.next = (entry.next + 1) % WINDOW;
    }
    entry.set.add(seq);
    return true;
  }
}
