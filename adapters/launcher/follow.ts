/**
 * Following a launch's log: the file is opened once (never through a link, never a FIFO) and read
 * from that descriptor, so whatever the command later puts at the log's path is not what is read.
 * Memory stays bounded however much is written: lines are split with a cap, and only the last
 * {@link TAIL_LINES} are kept.
 */
import { closeSync, readSync } from 'node:fs';
import { kindConfined, openConfined, writeConfined, type UnsafeEntry } from '../fs/confined.js';
import { createLineSplitter } from './lines.js';
import { throttle, type Throttle } from './throttle.js';

/** Lines of output kept for the log fallback. */
export const TAIL_LINES = 200;
/** Longest tail line kept. */
export const TAIL_LINE_CHARS = 4096;

// 64 KiB: a decoded chunk stays a regular V8 heap object (1 MiB strings go to large-object space,
// which only a full GC frees; following 1 GiB of output peaked at ~180 MB RSS with them, ~90 MB without).
const READ_CHUNK = 1 << 16;
/** Most chunks read per poll (32 MiB), so a command that floods its output cannot starve the timers. */
const CHUNKS_PER_POLL = 512;

/** Parses a stdout line as a metric object: a JSON object, keeping its finite numeric fields. */
export function parseMetricLine(line: string): Record<string, number> | null {
  const t = line.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return null;
  try {
    const obj = JSON.parse(t) as unknown;
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return null;
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(obj)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
    return Object.keys(out).length > 0 ? out : null;
  } catch {
    return null;
  }
}

/**
 * A copy of `s` that shares no memory with the string it was cut from. V8 keeps a substring as a
 * view of its parent, so 200 kept tail lines, each cut from a different chunk (long lines), would pin
 * 200 chunks. Concatenating makes a rope that `slice` flattens into a fresh string.
 */
function detached(s: string): string {
  return s.length < 16 ? s : `${s} `.slice(0, -1);
}

/** What a follower reports. */
export interface FollowListeners {
  onProgress?: (metrics: Record<string, number>) => void;
  progressEveryMs?: number;
  onMetrics?: (metrics: Record<string, number>) => void;
}

/** A log being followed. */
export interface Follower {
  /** Where this launch's output starts. */
  offset: number;
  /** What unsafe entry stood at the log's path and was replaced (new launches only). */
  replaced: UnsafeEntry[];
  listen(l: FollowListeners): void;
  /** Reads new output (at most {@link CHUNKS_PER_POLL} chunks unless `all`). */
  drain(all?: boolean): void;
  /** When output last arrived (epoch ms). */
  lastOutputAt(): number;
  close(): { lastMetrics: Record<string, number> | null; tail: string[] };
}

/**
 * Opens the log at `path` (inside `root`) to follow. A new launch (`from` undefined) makes the file
 * if it is missing, replaces anything that is not a regular file, and follows from its current end;
 * a reattach follows from `from`.
 */
export function followLog(root: string, path: string, from?: number): Follower {
  const replaced: UnsafeEntry[] = [];
  if (from === undefined && kindConfined(root, path) !== 'file') replaced.push(...writeConfined(root, path, '', { fsync: false }));
  const opened = openConfined(root, path);
  const fd = opened?.fd ?? null;
  let offset = from ?? opened?.size ?? 0;
  let lastOutput = Date.now();
  let lastMetrics: Record<string, number> | null = null;
  const tail: string[] = [];
  let progress: Throttle<Record<string, number>> | null = null;
  let onMetrics: FollowListeners['onMetrics'];
  const splitter = createLineSplitter((line) => {
    tail.push(detached(line.length > TAIL_LINE_CHARS ? line.slice(0, TAIL_LINE_CHARS) : line));
    if (tail.length > TAIL_LINES) tail.shift();
    const m = parseMetricLine(line);
    if (m) {
      lastMetrics = m;
      progress?.push(m);
      onMetrics?.(m);
    }
  });
  const buf = Buffer.alloc(READ_CHUNK);
  return {
    offset,
    replaced,
    listen(l) {
      onMetrics = l.onMetrics;
      if (l.onProgress) progress = throttle(l.progressEveryMs ?? 5000, l.onProgress);
    },
    drain(all = false) {
      if (fd === null) return;
      for (let chunks = 0; all || chunks < CHUNKS_PER_POLL; chunks++) {
        const n = readSync(fd, buf, 0, READ_CHUNK, offset);
        if (n <= 0) break;
        offset += n;
        lastOutput = Date.now();
        splitter.push(buf.subarray(0, n));
        if (n < READ_CHUNK) break;
      }
    },
    lastOutputAt: () => lastOutput,
    close() {
      splitter.end();
      // The run's last report (its final step) is not dropped for having come inside a window.
      progress?.flush();
      if (fd !== null) closeSync(fd);
      return { lastMetrics, tail };
    },
  };
}
