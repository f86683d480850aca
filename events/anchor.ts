/**
 * The tamper anchor of the event log: head hashes (seq and hash of the last event) kept outside the
 * log, in the append-only text file `journal/anchor`, one line per anchor:
 *
 *     seq=57 sha256=<64 hex> at=2026-11-30T01:02:03.456Z
 *     seq=81 sha256=<64 hex> at=2026-11-30T01:09:44.012Z hmac-sha256=<64 hex>
 *
 * Lines starting with `#` are comments. `hmac-sha256` is HMAC-SHA256(key, "seq:hash") when the loop
 * ran with a key (see `adapters/anchor-file.ts`). Since an event's hash commits to every event
 * before it, one (seq, hash) pins the whole log up to seq: a log whose recomputed chain has another
 * hash at seq, or that ends before seq, is not the log the anchor was taken from.
 *
 * Pure: parsing, formatting and checking; the file and the HMAC live in the adapter.
 */
import type { EventEnvelope, EventStore } from './store.js';

/** The anchor file, relative to the workspace. Not a projection: `rebuild` never writes or removes it. */
export const ANCHOR_FILE = 'journal/anchor';

/** The first line of a new anchor file. */
export const ANCHOR_HEADER = '# autopilot anchor v1: seq=N sha256=HASH at=TIME [hmac-sha256=MAC], one head hash of events.db per line; append-only';

/** The head of the log: the seq of its last event and that event's hash. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** The head of `store` (its last event), or null when the log is empty. Uses the stored hash, not a recomputed one. */
export function headOf(store: Pick<EventStore<EventEnvelope>, 'lastSeq' | 'readAll'>): ChainHead | null {
  const seq = store.lastSeq();
  if (seq === 0) return null;
  for (const stored of store.readAll({ fromSeq: seq, toSeq: seq })) return { seq, hash: stored.hash };
  return null;
}

/** One anchor line. */
export interface Anchor extends ChainHead {
  /** When the anchor was taken (ISO-8601). */
  at: string;
  /** HMAC-SHA256(key, "seq:hash"), lowercase hex, when written with a key. */
  hmac?: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
const LINE = /^seq=([1-9][0-9]*) sha256=([0-9a-f]{64}) at=(\S+)(?: hmac-sha256=([0-9a-f]{64}))?$/;

/** The anchor line for `a`, without its newline. */
export function formatAnchorLine(a: Anchor): string {
  if (!Number.isSafeInteger(a.seq) || a.seq < 1) throw new RangeError(`anchor seq must be a positive integer, got ${a.seq}`);
  if (!HEX64.test(a.hash)) throw new RangeError(`anchor hash must be 64 lowercase hex digits, got "${a.hash}"`);
  if (/\s/.test(a.at) || a.at === '') throw new RangeError(`anchor time must be one word, got "${a.at}"`);
  if (a.hmac !== undefined && !HEX64.test(a.hmac)) throw new RangeError(`anchor HMAC must be 64 lowercase hex digits, got "${a.hmac}"`);
  return `seq=${a.seq} sha256=${a.hash} at=${a.at}${a.hmac === undefined ? '' : ` hmac-sha256=${a.hmac}`}`;
}

/** The message HMAC-SHA256 is computed over for an anchor: `"seq:hash"`. */
export function anchorMacMessage(head: ChainHead): string {
  return `${head.seq}:${head.hash}`;
}

/** The anchor file, parsed: its anchors with their line numbers (1-based), and the lines that are not anchors. */
export interface ParsedAnchors {
  anchors: { line: number; anchor: Anchor }[];
  malformed: { line: number; why: string }[];
}

/** Parses the text of an anchor file. Comments (`#`) are skipped; every other line must be an anchor. */
export function parseAnchorFile(text: string): ParsedAnchors {
  const out: ParsedAnchors = { anchors: [], malformed: [] };
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.startsWith('#')) return;
    const m = LINE.exec(raw);
    if (!m) {
      out.malformed.push({ line, why: `not an anchor line (expected "seq=N sha256=HASH at=TIME [hmac-sha256=MAC]"): "${clip(raw)}"` });
      return;
    }
    const seq = Number(m[1]);
    if (!Number.isSafeInteger(seq)) return void out.malformed.push({ line, why: `seq ${m[1]} is too large` });
    if (Number.isNaN(Date.parse(m[3]!))) return void out.malformed.push({ line, why: `at=${clip(m[3]!)} is not a time` });
    out.anchors.push({ line, anchor: { seq, hash: m[2]!, at: m[3]!, ...(m[4] === undefined ? {} : { hmac: m[4] }) } });
  });
  return out;
}

/** A head hash given on the command line (`--anchor HASH` or `--anchor SEQ:HASH`). */
export interface GivenAnchor {
  seq: number | null;
  hash: string;
}

/**
 * Parses `HASH` or `SEQ:HASH` (64 hex digits, any case; `sha256:` before the hash is allowed).
 * @throws Error naming what was wrong and what is allowed.
 */
export function parseAnchorArg(text: string): GivenAnchor {
  const m = /^\s*(?:([0-9]+):)?(?:sha256:)?([0-9a-fA-F]+)\s*$/.exec(text);
  const allowed = 'expected HASH or SEQ:HASH, where HASH is the 64 hex digits of a head hash (as `autopilot status` prints it)';
  if (!m) throw new Error(`--anchor "${clip(text)}" is not a head hash: ${allowed}`);
  const hash = m[2]!.toLowerCase();
  if (hash.length !== 64) throw new Error(`--anchor "${clip(text)}": the hash has ${hash.length} hex digit(s), not 64; ${allowed}`);
  if (m[1] === undefined) return { seq: null, hash };
  const seq = Number(m[1]);
  if (!Number.isSafeInteger(seq) || seq < 1) throw new Error(`--anchor "${clip(text)}": seq must be a positive integer; ${allowed}`);
  return { seq, hash };
}

/** A commit-message trailer naming a head hash (for recording it in git; its value is a valid `--anchor`). */
export function commitTrailer(head: ChainHead): string {
  return `Autopilot-Head: ${head.seq}:${head.hash}`;
}

/** The line `loop` and `status` print so a user can keep the head hash. */
export function headLine(head: ChainHead): string {
  return `head: seq ${head.seq} sha256 ${head.hash}`;
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
