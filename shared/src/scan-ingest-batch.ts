import { BatchId, IngestBatch, MAX_BATCH_READINGS } from './ingest.ts';
import { METRIC_NAME_PATTERN, metricSpec } from './metrics.ts';
import { EPOCH_MS_RANGE, NODE_ID_PATTERN, type Reading } from './reading.ts';

/**
 * Where each reading of a scanned batch sits in the bytes it arrived in. Reading i's node, metric,
 * value and ts texts are `bytes[spans[8i] .. spans[8i+1])`, `[8i+2 .. 8i+3)`, `[8i+4 .. 8i+5)` and
 * `[8i+6 .. 8i+7)`: a store can copy them instead of formatting the parsed reading again.
 */
export type ReadingSource = { readonly bytes: Uint8Array; readonly spans: Uint32Array };

export type ScannedBatch = { batch: IngestBatch; source: ReadingSource };

const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const RBRACE = 0x7d;
const RBRACKET = 0x5d;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/** A text the scanner expects (of four bytes or more), compared four bytes at a time; the last four may overlap. */
class Literal {
  readonly length: number;
  readonly #offsets: number[] = [];
  readonly #words: number[] = [];

  constructor(text: string) {
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const view = new DataView(bytes.buffer);
    this.length = bytes.length;
    for (let k = 0; k < bytes.length; k += 4) {
      const offset = Math.min(k, bytes.length - 4);
      this.#offsets.push(offset);
      this.#words.push(view.getUint32(offset, true));
    }
  }

  /** Whether the text starts at `at` of the viewed bytes. */
  at(view: DataView, at: number): boolean {
    if (at + this.length > view.byteLength) return false;
    const offsets = this.#offsets;
    const words = this.#words;
    for (let k = 0; k < words.length; k++) if (view.getUint32(at + offsets[k]!, true) !== words[k]) return false;
    return true;
  }
}

const PREFIX = new Literal('{"batchId":"');
const READINGS_KEY = new Literal('","readings":[');
// A reading's members in the order a gateway's JSON.stringify writes them; any other order takes the general path.
const NODE_KEY = new Literal('{"node":"');
const METRIC_KEY = new Literal('","metric":"');
const VALUE_KEY = new Literal('","value":');
const TS_KEY = new Literal(',"ts":');

/** The bytes `accepts` takes as a one-character string, as a lookup table. */
function charTable(accepts: (c: string) => boolean): Uint8Array {
  return Uint8Array.from({ length: 256 }, (_, c) => (accepts(String.fromCharCode(c)) ? 1 : 0));
}
// Read off the schema's own patterns, so the two cannot drift apart.
const NODE_FIRST = charTable((c) => NODE_ID_PATTERN.test(c));
const NODE_REST = charTable((c) => NODE_ID_PATTERN.test(`a${c}`));
const METRIC_FIRST = charTable((c) => METRIC_NAME_PATTERN.test(c));
const METRIC_REST = charTable((c) => METRIC_NAME_PATTERN.test(`a${c}`));
/** The schema checks the id's length. */
const BATCH_ID = charTable((c) => BatchId.safeParse(c).success);
const MAX_NAME = 64;
const utf8 = new TextDecoder();
/** The shortest reading there is, `{"node":"a","metric":"a","value":0,"ts":946684800000}`: a batch's bytes bound its count. */
const MIN_READING_BYTES = 53;

/** Powers of ten a double holds exactly: digits / 10^k is then correctly rounded, as JSON.parse rounds. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** Up to 15 digits a double holds exactly. */
const MAX_EXACT_DIGITS = 15;

const SLOT_BITS = 10;
const SLOTS = 1 << SLOT_BITS;

/** Names seen in one batch, each decoded once: readings repeat a handful of nodes and metrics thousands of times. */
class Names {
  readonly names: string[] = [];
  readonly #firstSpan: number[] = [];
  /** Hash slot → id + 1 (0: empty); a name whose slot is taken by another is found through `#byName`. */
  readonly #bySlot = new Int32Array(SLOTS);
  readonly #byName = new Map<string, number>();

  id(view: DataView, bytes: Uint8Array, start: number, end: number): number {
    // Hashed from the length and the first and last four bytes, a constant cost: names of one farm
    // differ mostly in their ends (soil-01, soil-02); names that collide are still told apart below.
    const length = end - start;
    let head = 0;
    let tail = length;
    if (length >= 4) {
      head = view.getUint32(start, true);
      tail ^= view.getUint32(end - 4, true);
    } else for (let k = start; k < end; k++) head = (head << 8) | bytes[k]!;
    const hash = Math.imul(head ^ Math.imul(tail, 0x9e3779b1), 0x85ebca6b);
    const slot = hash >>> (32 - SLOT_BITS);
    const candidate = this.#bySlot[slot]! - 1;
    if (candidate >= 0 && sameBytes(view, start, end, this.#firstSpan[2 * candidate]!, this.#firstSpan[2 * candidate + 1]!)) return candidate;
    const name = String.fromCharCode(...bytes.subarray(start, end));
    let id = this.#byName.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.#firstSpan.push(start, end);
      this.#byName.set(name, id);
      if (candidate < 0) this.#bySlot[slot] = id + 1;
    }
    return id;
  }
}

function sameBytes(view: DataView, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  const length = aEnd - aStart;
  if (length !== bEnd - bStart) return false;
  if (length < 4) {
    for (let k = 0; k < length; k++) if (view.getUint8(aStart + k) !== view.getUint8(bStart + k)) return false;
    return true;
  }
  // Four bytes at a time, the last four overlapping when the length is not a multiple of four.
  for (let k = 0; k < length; k += 4) {
    const offset = k < length - 4 ? k : length - 4;
    if (view.getUint32(aStart + offset, true) !== view.getUint32(bStart + offset, true)) return false;
  }
  return true;
}

/**
 * Where `scanNumber` and `scanTimestamp` leave what they read, so the hot loop allocates nothing per
 * field: a typed array, because a module-level `let` boxed each double stored in it (8% of the scan).
 */
const scratch = new Float64Array(1);

/** Scans a name of the given character classes up to its closing quote; returns the quote's index, or -1. */
function scanName(bytes: Uint8Array, at: number, first: Uint8Array, rest: Uint8Array): number {
  if (first[bytes[at]!] !== 1) return -1;
  let i = at + 1;
  while (rest[bytes[i]!] === 1) i++;
  return i - at > MAX_NAME || bytes[i] !== QUOTE ? -1 : i;
}

/**
 * Scans a JSON number into `scratch[0]` exactly as JSON.parse reads it; returns the index after it, or -1.
 * Plain decimals of up to 15 digits are computed here; anything longer or with an exponent is left to
 * `Number`, which agrees with JSON.parse on every JSON number.
 */
function scanNumber(bytes: Uint8Array, at: number): number {
  let i = at;
  const negative = bytes[i] === MINUS;
  if (negative) i++;
  let digits = 0;
  let mantissa = 0;
  let c = bytes[i]!;
  if (c === ZERO) i++;
  else if (c > ZERO && c <= NINE) {
    for (; (c = bytes[i]!) >= ZERO && c <= NINE; i++, digits++) mantissa = mantissa * 10 + (c - ZERO);
  } else return -1;
  let fraction = 0;
  if (bytes[i] === DOT) {
    i++;
    for (; (c = bytes[i]!) >= ZERO && c <= NINE; i++, fraction++) mantissa = mantissa * 10 + (c - ZERO);
    if (fraction === 0) return -1;
  }
  let exponent = false;
  if (bytes[i] === LOWER_E || bytes[i] === UPPER_E) {
    exponent = true;
    i++;
    if (bytes[i] === PLUS || bytes[i] === MINUS) i++;
    const from = i;
    while ((c = bytes[i]!) >= ZERO && c <= NINE) i++;
    if (i === from) return -1;
  }
  if (!exponent && digits + fraction <= MAX_EXACT_DIGITS) {
    const magnitude = fraction ? mantissa / POW10[fraction]! : mantissa;
    scratch[0] = negative ? -magnitude : magnitude;
  } else scratch[0] = Number(utf8.decode(bytes.subarray(at, i)));
  return i;
}

/** Scans a timestamp written as plain digits into `scratch[0]`; returns the index after it, or -1. */
function scanTimestamp(bytes: Uint8Array, at: number): number {
  let i = at;
  let value = 0;
  let c = bytes[i]!;
  if (c <= ZERO || c > NINE) return -1;
  for (; (c = bytes[i]!) >= ZERO && c <= NINE && i - at < 16; i++) value = value * 10 + (c - ZERO);
  if (value < EPOCH_MS_RANGE.min || value > EPOCH_MS_RANGE.max) return -1;
  scratch[0] = value;
  return i;
}

/**
 * Scans the readings array from just after its `[` into `readings` and `spans`; returns the index
 * after its `]`, or -1 where anything is not as a gateway writes it. A function of its own so that
 * V8 optimizes it whole (compiled mid-loop, the code after the loop deoptimized on every batch).
 */
function scanReadings(bytes: Uint8Array, view: DataView, from: number, readings: Reading[], spans: Uint32Array): number {
  let i = from;
  const nodes = new Names();
  const metrics = new Names();
  /** Each metric's range by id; a metric we do not know may take any finite value. */
  const lows: number[] = [];
  const highs: number[] = [];
  let node = -1;
  let metric = -1;
  let low = 0;
  let high = 0;

  if (bytes[i] === RBRACKET) return i + 1;
  for (;;) {
    const at = 8 * readings.length;
    // Spans are sized from the shortest reading there is, so they cannot run out; were they ever to,
    // the general path would answer.
    if (readings.length === MAX_BATCH_READINGS || at === spans.length || !NODE_KEY.at(view, i)) return -1;
    let start = (i += NODE_KEY.length);
    if ((i = scanName(bytes, i, NODE_FIRST, NODE_REST)) < 0) return -1;
    // Readings of one node usually follow each other: compare with the last one before hashing.
    if (node < 0 || !sameBytes(view, start, i, spans[at - 8]!, spans[at - 7]!)) node = nodes.id(view, bytes, start, i);
    spans[at] = start;
    spans[at + 1] = i;

    if (!METRIC_KEY.at(view, i)) return -1;
    start = i += METRIC_KEY.length;
    if ((i = scanName(bytes, i, METRIC_FIRST, METRIC_REST)) < 0) return -1;
    // Metrics take turns within a node's readings, so the last one is worth comparing with too.
    if (metric < 0 || !sameBytes(view, start, i, spans[at - 6]!, spans[at - 5]!)) {
      metric = metrics.id(view, bytes, start, i);
      if (metric === lows.length) {
        const spec = metricSpec(metrics.names[metric]!);
        lows.push(spec ? spec.min : -Number.MAX_VALUE);
        highs.push(spec ? spec.max : Number.MAX_VALUE);
      }
      low = lows[metric]!;
      high = highs[metric]!;
    }
    spans[at + 2] = start;
    spans[at + 3] = i;

    if (!VALUE_KEY.at(view, i)) return -1;
    start = i += VALUE_KEY.length;
    if ((i = scanNumber(bytes, i)) < 0) return -1;
    const value = scratch[0]!;
    // The schema's range check (`checkValue`); it also refuses the infinities of an exponent too large.
    if (!(value >= low && value <= high)) return -1;
    spans[at + 4] = start;
    spans[at + 5] = i;

    if (!TS_KEY.at(view, i)) return -1;
    start = i += TS_KEY.length;
    if ((i = scanTimestamp(bytes, i)) < 0) return -1;
    spans[at + 6] = start;
    spans[at + 7] = i;

    if (bytes[i++] !== RBRACE) return -1;
    readings.push({ node: nodes.names[node]!, metric: metrics.names[metric]!, value, ts: scratch[0]! });
    const next = bytes[i++];
    if (next === RBRACKET) return i;
    if (next !== COMMA) return -1;
  }
}

/**
 * Spans are scanned into one array kept from batch to batch (the scan is synchronous) and copied out at
 * their exact size: sized for the most readings the body could hold, a fresh array per batch was a
 * quarter of the memory outside the heap the cloud churns per batch, churn that brings on V8's full GCs.
 */
let scratchSpans = new Uint32Array(0);

/**
 * `IngestBatch.safeParse(JSON.parse(body))` in one pass over the bytes, for batches as gateways write
 * them (`JSON.stringify` of a batch whose readings are plain and valid, their members in the schema's
 * order). Every reading is checked here, byte by byte, against the same patterns and ranges as the
 * schema, without JSON.parse or zod touching it; the few other fields go through JSON.parse and the
 * schema as usual. Returns undefined for anything else, valid or not: the caller then takes the general
 * path, which gives the schema's own answer. A property test holds the two to the same results.
 */
export function scanIngestBatch(bytes: Uint8Array): ScannedBatch | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!PREFIX.at(view, 0)) return undefined;
  let i = PREFIX.length;
  while (BATCH_ID[bytes[i]!] === 1) i++;
  if (i === PREFIX.length || !READINGS_KEY.at(view, i)) return undefined;
  i += READINGS_KEY.length;
  const arrayStart = i;

  const most = 8 * Math.min(MAX_BATCH_READINGS, Math.floor(bytes.length / MIN_READING_BYTES));
  if (scratchSpans.length < most) scratchSpans = new Uint32Array(most);
  const readings: Reading[] = [];
  if ((i = scanReadings(bytes, view, i, readings, scratchSpans)) < 0) return undefined;

  // The rest of the batch (id, acks, decisions, health) is small: JSON.parse and the schema check it,
  // with the readings array emptied. A second "readings" key would change what JSON.parse keeps.
  const rest = utf8.decode(bytes.subarray(i - 1));
  if (rest.includes('"readings"')) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(utf8.decode(bytes.subarray(0, arrayStart)) + rest);
  } catch {
    return undefined;
  }
  const parsed = IngestBatch.safeParse(raw);
  if (!parsed.success) return undefined;
  return { batch: { ...parsed.data, readings }, source: { bytes, spans: scratchSpans.slice(0, 8 * readings.length) } };
}
