/**
 * The files of a workspace's event log and lock, which SQLite opens by path — following a link,
 * opening a FIFO or a device, writing through a hard link. Before either is opened, each must be
 * absent or a regular file with one name; anything else is refused, never followed.
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { describeKind, kindOf, linkTarget } from './fs/entry.js';

/** The log's and the lock's files, relative to the workspace. */
export const STORE_FILES = ['events.db', 'events.db-wal', 'events.db-shm', 'events.db-journal', 'autopilot.lock', 'autopilot.lock.db', 'autopilot.lock.db-journal'] as const;

/** A store file that may not be opened, and what it is ("a symlink to /x", "a FIFO", "a hard link (2 names for one file)"). */
export interface UnsafeStoreFile {
  path: string;
  what: string;
}

/** What stands at `path` when it is not a regular file of its own; null when it is, or nothing is there. */
export function unsafeStoreEntry(path: string): UnsafeStoreFile | null {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return null;
  }
  const kind = kindOf(st);
  if (kind === 'symlink') return { path, what: `a symlink to ${linkTarget(path) ?? '?'}` };
  if (kind !== 'file') return { path, what: describeKind(kind) };
  return st.nlink > 1 ? { path, what: `a hard link (${st.nlink} names for one file)` } : null;
}

/** The first of the workspace's store files that may not be opened, or null. */
export function unsafeStoreFile(root: string): UnsafeStoreFile | null {
  for (const name of STORE_FILES) {
    const found = unsafeStoreEntry(join(root, name));
    if (found) return found;
  }
  return null;
}
