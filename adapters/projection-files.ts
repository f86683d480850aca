/**
 * Projection files on disk, on hostile ground (adapters/fs/confined.ts): whole files written by a
 * temp file and a rename, and the journal documents patched in place — their new tail written after
 * the bytes that stay — but only when the file at the path is still the very one this process wrote
 * last (same device, inode, size and mtime, one link, a regular file looked at without following a
 * link); anything else there is replaced whole, never written through.
 */
import { closeSync, constants as C, fstatSync, fsyncSync, ftruncateSync, lstatSync, openSync, readSync, writeSync, type BigIntStats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { holdDirConfined, openConfined, writeConfined, writeConfinedFrom, type UnsafeEntry } from './fs/confined.js';
import type { DocPatch } from '../projections/document.js';

/** Which file this process wrote last at a path, and how it stood right after. */
export interface FileIdentity {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

const identityOf = (st: BigIntStats): FileIdentity => ({ dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs });

// A hard link elsewhere (nlink > 1) would carry an in-place write out of the workspace: never patch one.
const isOurs = (st: BigIntStats, known: FileIdentity) =>
  st.isFile() && st.nlink === 1n && st.dev === known.dev && st.ino === known.ino && st.size === known.size && st.mtimeNs === known.mtimeNs;

/**
 * Writes `content` to `path` (inside `root`) through a temp file and a rename, so readers never see
 * half a file, and never through a link: the directories on the way are checked one by one and
 * whatever stood at `path` is replaced. With `fsync` (the default) the content is on disk before the
 * rename; without it the caller makes a batch of writes durable at once. Returns the unsafe entries it removed on the way.
 */
export function atomicWrite(root: string, path: string, content: string, { fsync = true, repair = true }: { fsync?: boolean; repair?: boolean } = {}): UnsafeEntry[] {
  return writeConfined(root, path, content, { fsync, repair });
}

/** Like {@link atomicWrite} (with fsync), and tells which file it left at `path`. */
export function writeWhole(root: string, path: string, content: string): { unsafe: UnsafeEntry[]; identity: FileIdentity } {
  let identity: FileIdentity | undefined;
  const unsafe = writeConfinedFrom(root, path, (fd) => {
    writeAll(fd, Buffer.from(content, 'utf8'), 0);
    // The rename keeps the inode, its size and its mtime: this is the file found at `path` after it.
    identity = identityOf(fstatSync(fd, { bigint: true }));
  });
  return { unsafe, identity: identity! };
}

function writeAll(fd: number, buf: Buffer, at: number): void {
  for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off, buf.length - off, at + off);
}

/**
 * Brings the file at `path` (inside `root`) from what this process last wrote (`known`) to the
 * document `patch` describes: its tail written after the `patch.keep` bytes that stay, the rest cut
 * off, then fsynced. Returns the file's new identity, or null — having written nothing — when the
 * file there is not `known` (missing, replaced, edited, a link, a FIFO, hard-linked): the caller then
 * writes it whole. `unsafe` receives what was removed on the way to its directory.
 */
export function patchFile(root: string, path: string, known: FileIdentity, patch: DocPatch, unsafe: UnsafeEntry[]): FileIdentity | null {
  if (BigInt(patch.keep) > known.size) return null;
  const held = holdDirConfined(root, dirname(path));
  unsafe.push(...held.unsafe);
  try {
    const at = join(held.path, basename(path));
    // Looked at first without opening it, so a FIFO or a device put there is never opened.
    const st = lstatSync(at, { bigint: true, throwIfNoEntry: false });
    if (!st || !isOurs(st, known)) return null;
    let fd: number;
    try {
      fd = openSync(at, C.O_WRONLY | C.O_NOFOLLOW | C.O_NONBLOCK | C.O_NOCTTY);
    } catch {
      return null;
    }
    try {
      // Swapped between the look and the open: leave it to the whole write.
      if (!isOurs(fstatSync(fd, { bigint: true }), known)) return null;
      const tail = Buffer.from(patch.tail, 'utf8');
      writeAll(fd, tail, patch.keep);
      if (BigInt(patch.keep + tail.length) < known.size) ftruncateSync(fd, patch.keep + tail.length);
      fsyncSync(fd);
      const after = fstatSync(fd, { bigint: true });
      return after.size === BigInt(patch.length) ? identityOf(after) : null;
    } finally {
      closeSync(fd);
    }
  } finally {
    held.close();
  }
}

/** Whether the file at `path` holds exactly the bytes of `content` (false when it is missing, not a regular file, or unreadable). */
export function sameContent(root: string, path: string, content: string): boolean {
  return matchingFile(root, path, content) !== null;
}

/** The identity of the file at `path` when it holds exactly the bytes of `content`; null otherwise (missing, different, not a regular file). */
export function matchingFile(root: string, path: string, content: string): FileIdentity | null {
  const expected = Buffer.from(content, 'utf8');
  let opened: { fd: number; size: number } | null;
  try {
    opened = openConfined(root, path);
  } catch {
    return null;
  }
  if (!opened) return null;
  try {
    if (opened.size !== expected.length) return null;
    const bytes = Buffer.allocUnsafe(expected.length + 1);
    let len = 0;
    for (let n; len < bytes.length && (n = readSync(opened.fd, bytes, len, bytes.length - len, null)) > 0;) len += n;
    if (len !== expected.length || !bytes.subarray(0, len).equals(expected)) return null;
    return identityOf(fstatSync(opened.fd, { bigint: true }));
  } catch {
    return null;
  } finally {
    closeSync(opened.fd);
  }
}
