/**
 * The inspector's tail of a running loop's live machine stream (`logs/inspect-<session>.ndjson`, see
 * adapters/live-inspect.ts): the file of the log's latest session, read from an offset through a confined open
 * (never a link, never a FIFO), in size-capped reads, each complete line checked and handed on. The
 * file is written by the loop and reachable by its agents: a line that is not a plain record is dropped,
 * and only the session the log names is followed (an agent's planted `inspect-999999.ndjson` is not).
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { openConfined } from '../../adapters/fs/confined.js';
import { LIVE_KINDS, liveFile } from '../../adapters/live-inspect.js';
import type { WorkspacePaths } from '../../adapters/workspace.js';

/** Most bytes read from the file per call; the rest is read on the next ones. */
export const LIVE_READ_BYTES = 256 * 1024;
/** Longest line relayed; a longer one is skipped. */
const MAX_LINE = 16 * 1024;

/** One connection's tail: each call returns the records written since the last (as JSON text). */
export interface LiveTail {
  next(): string[];
}

// A line of the stream as relayed: a JSON object of a known kind, or null.
function checked(line: string): string | null {
  if (line.length > MAX_LINE) return null;
  try {
    const value = JSON.parse(line) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
    const kind = (value as { kind?: unknown }).kind;
    return typeof kind === 'string' && LIVE_KINDS.has(kind) ? JSON.stringify(value) : null;
  } catch {
    return null;
  }
}

/**
 * Tails the live stream of `session()` (the latest session of the log, null before the first) from
 * its current end (what was written before the connection is history, told by the log): a new
 * session's file, or a file replaced or cut short, is read from its start.
 */
export function openLiveTail(paths: WorkspacePaths, session: () => string | null, readBytes = LIVE_READ_BYTES): LiveTail {
  let file: { path: string; id: string; offset: number } | null = null;
  let first = true;
  const next = (): string[] => {
    const current = session();
    const path = current === null ? null : join(paths.root, liveFile(current));
    if (path === null) {
      first = false;
      return [];
    }
    const opened = openConfined(paths.root, path);
    if (opened === null) return [];
    try {
      const st = fstatSync(opened.fd);
      const id = `${st.dev}:${st.ino}`;
      if (file === null || file.path !== path || file.id !== id || opened.size < file.offset) file = { path, id, offset: first ? opened.size : 0 };
      first = false;
      const want = Math.min(readBytes, opened.size - file.offset);
      if (want <= 0) return [];
      const buf = Buffer.allocUnsafe(want);
      const got = readSync(opened.fd, buf, 0, want, file.offset);
      const end = buf.subarray(0, got).lastIndexOf(0x0a);
      // A full read with no line end is no record of ours: skipped, so the tail moves on.
      if (end < 0) {
        if (got === readBytes) file.offset += got;
        return [];
      }
      file.offset += end + 1;
      return buf
        .subarray(0, end)
        .toString('utf8')
        .split('\n')
        .map(checked)
        .filter((l): l is string => l !== null);
    } finally {
      closeSync(opened.fd);
    }
  };
  return { next };
}
