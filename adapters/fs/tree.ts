/**
 * A record of a directory tree as it stands — every entry's kind, a symlink's target, a file's
 * identity (size, mtime, ctime, inode), a streamed hash up to a cap, and the bytes of small files so
 * they can be put back — taken without following links or opening FIFOs.
 */
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { join, sep } from 'node:path';
import { openConfined } from './confined.js';
import { kindOf, type EntryKind } from './entry.js';

/** One entry as recorded. */
export interface EntryState {
  kind: EntryKind;
  /** Size, mtime and ctime (ns) and inode of a file: ctime moves on any change, so equal identities mean equal content. */
  identity?: string;
  /** sha256 of a file's content, when it is at most {@link TreeLimits.hashBytes}. */
  hash?: string;
  /** The content, when it is at most {@link TreeLimits.keepBytes} and the budget allowed. */
  content?: Buffer;
  size?: number;
  /** A symlink's target, as text. */
  target?: string;
}

/** How much a record may read and keep. */
export interface TreeLimits {
  /** Files up to this size are hashed (streamed); larger ones are known by their identity only. */
  hashBytes: number;
  /** Files up to this size are kept, so they can be restored. */
  keepBytes: number;
  /** Total bytes kept for one record. */
  keepBudget: number;
}

/** The defaults: hash up to 8 MiB, keep up to 1 MiB a file and 256 MiB in all. */
export const TREE_LIMITS: TreeLimits = { hashBytes: 8 << 20, keepBytes: 1 << 20, keepBudget: 256 << 20 };

const CHUNK = 1 << 20;
const chunk = Buffer.allocUnsafe(CHUNK);

/** Streams a regular file (inside `root`) through sha256, keeping its bytes when `keep`; null when it is no longer a readable regular file. */
function digest(root: string, abs: string, keep: boolean): { hash: string; content?: Buffer } | null {
  const opened = openConfined(root, abs);
  if (!opened) return null;
  const hash = createHash('sha256');
  const parts: Buffer[] = [];
  try {
    for (;;) {
      const n = readSync(opened.fd, chunk, 0, CHUNK, null);
      if (n <= 0) break;
      hash.update(chunk.subarray(0, n));
      if (keep) parts.push(Buffer.from(chunk.subarray(0, n)));
    }
  } finally {
    closeSync(opened.fd);
  }
  return { hash: hash.digest('hex'), ...(keep ? { content: Buffer.concat(parts) } : {}) };
}

/** The recorded state of the entry at `abs`, or null when there is none. */
export function entryState(root: string, abs: string, limits: TreeLimits, budget?: { left: number }): EntryState | null {
  let st;
  try {
    st = lstatSync(abs, { bigint: true });
  } catch {
    return null;
  }
  const kind = kindOf(st);
  if (kind === 'symlink') {
    let target = '';
    try {
      target = readlinkSync(abs);
    } catch {
      // vanished meanwhile
    }
    return { kind, target };
  }
  if (kind !== 'file') return { kind };
  const size = Number(st.size);
  const identity = `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
  if (size > limits.hashBytes) return { kind, identity, size };
  const keep = size <= limits.keepBytes && (!budget || budget.left >= size);
  const d = digest(root, abs, keep);
  if (!d) return { kind, identity, size };
  if (d.content && budget) budget.left -= d.content.length;
  return { kind, identity, size, hash: d.hash, ...(d.content ? { content: d.content } : {}) };
}

/**
 * Records every entry under `dir` (relative paths, `/`-separated from `root`), not descending into
 * links; `skip` leaves out entries (relative paths) the recorder does not own. Entries are listed
 * parents first.
 */
export function recordTree(root: string, skip: (rel: string) => boolean, limits: TreeLimits = TREE_LIMITS): Map<string, EntryState> {
  const out = new Map<string, EntryState>();
  const budget = { left: limits.keepBudget };
  const walk = (dir: string, relDir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const rel = relDir === '' ? name : `${relDir}/${name}`;
      if (skip(rel)) continue;
      const abs = join(dir, name);
      const state = entryState(root, abs, limits, budget);
      if (!state) continue;
      out.set(rel, state);
      if (state.kind === 'directory') walk(abs, rel);
    }
  };
  walk(root, '');
  return out;
}

/** Whether two records of one path describe the same entry (same kind, same target, same content). */
export function sameEntry(a: EntryState, b: EntryState): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'symlink') return a.target === b.target;
  if (a.kind !== 'file') return true;
  if (a.identity !== undefined && a.identity === b.identity) return true;
  if (a.hash !== undefined && b.hash !== undefined) return a.hash === b.hash;
  return false;
}

/** `a/b` → the platform's separator, for joining with a root. */
export function toPlatform(rel: string): string {
  return rel.split('/').join(sep);
}
