/**
 * A trainer's output, stored with a cap: the first half of `maxBytes` as it came, then only a rolling
 * tail of the second half, written at the end after a line saying how much was left out. While
 * output is being held back, a short line a second (and the latest metric line) still reaches the
 * log, so whoever follows it sees the trainer is alive and how it is doing.
 */
import { createLineSplitter } from './lines.js';

/** Metric lines longer than this are not passed on while output is held back. */
const MAX_METRIC_LINE = 4096;
const BEAT_MS = 1000;

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
  let lastBeat = -Infinity;
  let lastMetric: string | null = null;
  let atLineStart = true;
  const out = (b: Buffer) => {
    if (b.length === 0) return;
    write(b);
    atLineStart = b[b.length - 1] === 0x0a;
  };
  const line = (text: string) => out(Buffer.from(`${atLineStart ? '' : '\n'}${text}\n`, 'utf8'));
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
      if (t - lastBeat >= BEAT_MS) {
        lastBeat = t;
        line(`[autopilot] output over the limit of ${maxBytes} bytes: ${held} bytes held back so far; the last ${tailMax} bytes are kept for the end`);
        if (lastMetric) line(lastMetric);
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
