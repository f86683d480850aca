/** What kind of thing stands at a path, told without following it. */
import { lstatSync, readlinkSync, type BigIntStats, type Stats } from 'node:fs';

/** The kinds of directory entry the loop tells apart. */
export type EntryKind = 'file' | 'directory' | 'symlink' | 'fifo' | 'socket' | 'block-device' | 'char-device';

/** The kind of an entry from its (l)stat. */
export function kindOf(st: Stats | BigIntStats): EntryKind {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isBlockDevice()) return 'block-device';
  return 'char-device';
}

/** The kind of the entry at `path` (never followed), or null when there is none. */
export function entryKind(path: string): EntryKind | null {
  try {
    return kindOf(lstatSync(path));
  } catch {
    return null;
  }
}

/** A symlink's target, as text (never followed); null when it is gone or not a link. */
export function linkTarget(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

/** "a symlink", "a FIFO", … for messages. */
export function describeKind(kind: EntryKind): string {
  switch (kind) {
    case 'file':
      return 'a regular file';
    case 'directory':
      return 'a directory';
    case 'symlink':
      return 'a symlink';
    case 'fifo':
      return 'a FIFO';
    case 'socket':
      return 'a socket';
    case 'block-device':
      return 'a block device';
    case 'char-device':
      return 'a character device';
    default: {
      const never: never = kind;
      return String(never);
    }
  }
}
