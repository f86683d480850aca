/**
 * Exposes one checkpoint under its name in `runs/<id>/checkpoints/`: a hard link when the trainer's
 * file is on the same file system, else a copy, and its sha256 taken from the bytes exposed. The
 * source is opened once, without following a link or blocking on a FIFO (`openConfined`); a link
 * is kept only if it reaches that very file (same device and inode), a copy only if its own bytes
 * hash the same. The name is put in place by rename, so nothing standing there is written through.
 */
import { closeSync, constants as C, fstatSync, fsyncSync, linkSync, lstatSync, openSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { openConfined, removeConfined, type HeldDir } from '../fs/confined.js';
import { sha256Fd } from '../fs/sha256-fd.js';

let tmpCounter = 0;

/** How one checkpoint was exposed, or why not. */
export type Exposed = { via: 'link' | 'copy'; size: number; sha256: string } | { skipped: string };

/** Where the source is read from: the root it is confined to, and its absolute path. */
export interface Source {
  root: string;
  abs: string;
}

/** Where the exposed name goes: the workspace, and the run's checkpoint folder held open. */
export interface Target {
  workspace: string;
  /** `runs/<id>/checkpoints`, absolute. */
  dir: string;
  held: HeldDir;
  name: string;
}

/**
 * Exposes `src` as `target.name`, reading at most `budget` bytes; the caller subtracts `size`.
 * A source larger than `budget`, gone, not a regular file, or changed while read is skipped (said why).
 */
export async function exposeCheckpoint(src: Source, target: Target, budget: number): Promise<Exposed> {
  const opened = openConfined(src.root, src.abs);
  if (!opened) return { skipped: 'not a regular file reached without a link' };
  try {
    if (opened.size > budget) return { skipped: `over checkpoints.max_bytes (${opened.size} bytes, ${budget} left)` };
    const linked = tryLink(src.abs, opened.fd, target);
    if (linked) {
      const sha256 = await sha256Fd(opened.fd, { size: opened.size });
      if (sha256 === null) return dropped(target, 'changed while it was read');
      return { via: 'link', size: opened.size, sha256 };
    }
    return await copy(opened.fd, opened.size, target);
  } catch (error) {
    // A directory planted at the name, a full disk: this checkpoint is not exposed, the others still are.
    return dropped(target, `could not be exposed: ${(error as Error).message}`);
  } finally {
    closeSync(opened.fd);
  }
}

// A hard link under a fresh name, renamed over the target; kept only when it is the file opened.
function tryLink(srcAbs: string, fd: number, target: Target): boolean {
  const tmp = join(target.held.path, `${target.name}.tmp-${process.pid}-${(tmpCounter++).toString(36)}`);
  try {
    linkSync(srcAbs, tmp);
  } catch {
    return false; // another file system (EXDEV), no hard links there, or gone: copied instead
  }
  const want = fstatSync(fd);
  // lstat: a link made to a symlink (link() does not follow one) is a symlink here, not the file opened.
  const got = lstatSync(tmp, { throwIfNoEntry: false });
  const same = got !== undefined && got.isFile() && got.dev === want.dev && got.ino === want.ino;
  if (!same) {
    if (got !== undefined) unlinkSync(tmp);
    return false;
  }
  renameSync(tmp, join(target.held.path, target.name));
  return true;
}

// A copy written to a fresh temp file (O_EXCL, O_NOFOLLOW: nothing planted there is written through), hashed
// as it is written, renamed into place, then read back and hashed again.
async function copy(fd: number, size: number, target: Target): Promise<Exposed> {
  const tmp = join(target.held.path, `${target.name}.tmp-${process.pid}-${(tmpCounter++).toString(36)}`);
  const out = openSync(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o644);
  let sha256: string | null;
  try {
    sha256 = await sha256Fd(fd, { size, out });
    fsyncSync(out);
  } catch (error) {
    closeSync(out);
    unlinkSync(tmp);
    throw error;
  }
  closeSync(out);
  if (sha256 === null) {
    unlinkSync(tmp);
    return dropped(target, 'changed while it was copied');
  }
  renameSync(tmp, join(target.held.path, target.name));
  const back = openConfined(target.workspace, join(target.dir, target.name));
  if (!back) return dropped(target, 'its copy is not a regular file');
  try {
    if ((await sha256Fd(back.fd, { size })) !== sha256) return dropped(target, 'its copy does not hash the same');
  } finally {
    closeSync(back.fd);
  }
  return { via: 'copy', size, sha256 };
}

function dropped(target: Target, why: string): Exposed {
  removeConfined(target.workspace, join(target.dir, target.name));
  return { skipped: why };
}
