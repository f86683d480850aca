/**
 * A trainer's output, stored with a cap: the first half of `maxBytes` as it came, then only a rolling
 * tail of the second half, written at the end after a line saying how much was left out. While
 * output is being held back, a short line (and the latest metric line) still reaches the log, at
 * first every second, then ever more rarely, so whoever follows it sees the trainer is alive and how
 * it is doing; those lines stop once they have used {@link BEAT_BUDGET}. So what is stored stays
 * within `maxBytes + OVER_CAP_ALLOWANCE` however long the command runs.
 */
import { createLineSplitter } from './lines.js';

/** Metric lines longer than this are not passed on while output is held back. */
const MAX_METRIC_LINE = 4096;
const FIRST_BEAT_MS = 1000;
/** The gap between beats doubles up to this. */
const MAX_BEAT_MS = 10 * 60_000;
/** Bytes the beats (status and metric lines) may use in all, per attempt. */
const BEAT_BUDGET = 32 * 1024;
/** Room for the closing note (well under 256 bytes). */
const NOTE_BYTES = 256;
/** The most a capped log stores beyond `maxBytes`: the beats' budget and the closing note. */
export const OVER_CAP_ALLOWANCE = BEAT_BUDGET + NOTE_BYTES;

/** A capped sink for one attempt's output. */
export interface CappedLog {
  write(chunk: Buffer): void;
  /** Writes what was held back (the tail) and says how much was left out. */
  end(): void;
}

/** Wraps `write` (which stores bytes) with a cap of `maxBytes` per attempt. */
export function createCappedLog(write: (bytes: Buffer) => void, maxBytes: number, now: () => number = Date.now): CappedLog {
  const headMax = Math.floor(maxBytes / 2);
  const tailMax = maxBytes - headMax;
  let head = 0;
  let held = 0;
  let ring: Buffer[] = [];
  let ringBytes = 0;
  let nextBeat = -Infinity;
  let gap = FIRST_BEAT_MS;
  let budget = BEAT_BUDGET;
  let lastMetric: string | null = null;
  let atLineStart = true;
  const out = (b: Buffer) => {
    if (b.length === 0) return;
    write(b);
    atLineStart = b[b.length - 1] === 0x0a;
  };
  const lineBytes = (text: string) => Buffer.from(`${atLineStart ? '' : '\n'}${text}\n`, 'utf8');
  const line = (text: string) => out(lineBytes(text));
  // A beat line goes out only while the budget lasts; a beat that does not fit is dropped.
  const beat = (text: string) => {
    const b = lineBytes(text);
    if (b.length > budget) return;
    budget -= b.length;
    out(b);
  };
  const splitter = createLineSplitter((l) => {
    const t = l.trim();
    if (t.startsWith('{') && t.endsWith('}') && t.length <= MAX_METRIC_LINE) lastMetric = t;
  });
  return {
    write(chunk) {
      if (head < headMax) {
        const take = Math.min(chunk.length, headMax - head);
        out(chunk.subarray(0, take));
        head += take;
        chunk = chunk.subarray(take);
        if (chunk.length === 0) return;
      }
      held += chunk.length;
      ring.push(Buffer.from(chunk));
      ringBytes += chunk.length;
      while (ring.length > 1 && ringBytes - ring[0]!.length >= tailMax) ringBytes -= ring.shift()!.length;
      splitter.push(chunk);
      const t = now();
      if (t >= nextBeat && budget > 0) {
        nextBeat = t + gap;
        gap = Math.min(gap * 2, MAX_BEAT_MS);
        beat(`[autopilot] output over the limit of ${maxBytes} bytes: ${held} bytes held back so far; the last ${tailMax} bytes are kept for the end`);
        if (lastMetric) beat(lastMetric);
        lastMetric = null;
      }
    },
    end() {
      if (held === 0) return;
      // The ring may hold a little more than tailMax (whole chunks): cut it to the tail exactly.
      let tail = Buffer.concat(ring);
      if (tail.length > tailMax) tail = tail.subarray(tail.length - tailMax);
      line(`[autopilot] ${held - tail.length} bytes of output left out here (limits.max_output_bytes ${maxBytes}); the last ${tail.length} bytes follow`);
      out(tail);
      ring = [];
      ringBytes = 0;
    },
  };
}
