/**
 * A record of a directory tree as it stands — every entry's kind, a symlink's target, a file's
 * identity (size, mtime, ctime, inode), a streamed hash up to a cap, and the bytes of the files
 * chosen to be put back — taken without following links or opening FIFOs.
 */
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, readSync } from 'node:fs';
import { sep } from 'node:path';
import { openConfined } from './confined.js';
import { kindOf, linkTarget, type EntryKind } from './entry.js';
import { walkEntries } from './walk.js';

/** One entry as recorded. */
export interface EntryState {
  kind: EntryKind;
  /** Size, mtime and ctime (ns) and inode of a file: ctime moves on any change, so equal identities mean equal content. */
  identity?: string;
  /** sha256 of a file's content, when it is at most {@link TreeLimits.hashBytes}. */
  hash?: string;
  /** The content, when a copy was kept (see {@link TreeLimits}). */
  content?: Buffer;
  size?: number;
  /** A symlink's target, as text. */
  target?: string;
  /** The git object holding a committed file's content, to stream it back from (see `git-state.ts`). */
  blob?: string;
  /** Why no copy of a file was kept: larger than the per-file cap, or the budget went to smaller files. */
  uncopied?: 'file-cap' | 'budget';
}

/** How much a record may read and keep. */
export interface TreeLimits {
  /** Files up to this size are hashed (streamed); larger ones are known by their identity only. */
  hashBytes: number;
  /** Files up to this size may be kept, so they can be restored. */
  keepBytes: number;
  /** Total bytes kept for one record, given to the smallest files first. */
  keepBudget: number;
}

/** The defaults: hash up to 8 MiB, keep up to 1 MiB a file and 256 MiB in all. */
export const TREE_LIMITS: TreeLimits = { hashBytes: 8 << 20, keepBytes: 1 << 20, keepBudget: 256 << 20 };

const CHUNK = 1 << 20;
const chunk = Buffer.allocUnsafe(CHUNK);

/** Streams a regular file (inside `root`) through sha256, keeping its bytes when `keep`; null when it is no longer a readable regular file or grew past `max`. */
function digest(root: string, abs: string, keep: boolean, max: number): { hash: string; content?: Buffer } | null {
  const opened = openConfined(root, abs);
  if (!opened) return null;
  const hash = createHash('sha256');
  const parts: Buffer[] = [];
  let total = 0;
  try {
    for (;;) {
      const n = readSync(opened.fd, chunk, 0, CHUNK, null);
      if (n <= 0) break;
      // Grown since its lstat: known by identity only, never read on without end.
      if ((total += n) > max) return null;
      hash.update(chunk.subarray(0, n));
      if (keep) parts.push(Buffer.from(chunk.subarray(0, n)));
    }
  } finally {
    closeSync(opened.fd);
  }
  return { hash: hash.digest('hex'), ...(keep ? { content: Buffer.concat(parts) } : {}) };
}

/** What stands at `abs`, from its lstat alone (a file's kind, size and identity; a link's target), or null when nothing does. */
export function statEntry(abs: string): EntryState | null {
  let st;
  try {
    st = lstatSync(abs, { bigint: true });
  } catch {
    return null;
  }
  const kind = kindOf(st);
  // A link gone meanwhile: recorded with an empty target.
  if (kind === 'symlink') return { kind, target: linkTarget(abs) ?? '' };
  if (kind !== 'file') return { kind };
  return { kind, identity: `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`, size: Number(st.size) };
}

/**
 * Completes a file's record: its hash when it is at most `hashBytes`, and its bytes when `keep`
 * (a file over `keepBytes` never is). Other kinds are returned as they are.
 */
export function completeEntry(root: string, abs: string, state: EntryState, limits: TreeLimits, keep: boolean): EntryState {
  if (state.kind !== 'file' || (state.size ?? 0) > limits.hashBytes) return state;
  const d = digest(root, abs, keep && (state.size ?? 0) <= limits.keepBytes, limits.hashBytes);
  if (!d) return state;
  return { ...state, hash: d.hash, ...(d.content ? { content: d.content } : {}) };
}

/** The recorded state of the entry at `abs` (hashed, no copy kept), or null when there is none. */
export function entryState(root: string, abs: string, limits: TreeLimits): EntryState | null {
  const state = statEntry(abs);
  return state && completeEntry(root, abs, state, limits, false);
}

/**
 * Every entry under `root` from its lstat (relative paths, `/`-separated), not descending into
 * links; `skip` leaves out entries the recorder does not own. Parents come first.
 */
export function statTree(root: string, skip: (rel: string) => boolean): Map<string, EntryState> {
  const out = new Map<string, EntryState>();
  walkEntries(root, skip, (abs, rel) => {
    const state = statEntry(abs);
    if (!state) return false;
    out.set(rel, state);
    return state.kind === 'directory';
  });
  return out;
}

/** Records every entry under `root` (see {@link statTree}), files hashed up to the cap; no copies kept. */
export function recordTree(root: string, skip: (rel: string) => boolean, limits: TreeLimits = TREE_LIMITS): Map<string, EntryState> {
  const out = statTree(root, skip);
  for (const [rel, state] of out) out.set(rel, completeEntry(root, `${root}${sep}${toPlatform(rel)}`, state, limits, false));
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
