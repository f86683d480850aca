/**
 * The workspace's blob folder (`blobs/<sha256>.json`): the data of events too large for the log
 * (see `events/blobs.ts`). The workspace is hostile ground, so a blob is never trusted: every read
 * opens the file without following a symbolic link or blocking on a FIFO, and checks its size and
 * sha256 against the reference; every write goes to a fresh temp file, synced, then renamed into
 * place (replacing whatever was there, never writing through it).
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BlobError, blobFileName, type BlobRef, type BlobStore } from '../events/blobs.js';

/** The blob store of a workspace: `<root>/blobs`. */
export function workspaceBlobs(paths: { blobs: string }): FileBlobStore {
  return new FileBlobStore(paths.blobs);
}

/** Blobs as files in one folder, named by their sha256. */
export class FileBlobStore implements BlobStore {
  constructor(readonly dir: string) {}

  describe(ref: BlobRef): string {
    return join(this.dir, blobFileName(ref));
  }

  put(text: string): BlobRef {
    const body = Buffer.from(text, 'utf8');
    const ref = { sha256: createHash('sha256').update(body).digest('hex'), bytes: body.length };
    this.ensureDir();
    if (this.matches(ref)) return ref;
    const tmp = join(this.dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    // O_EXCL: a name an agent planted (a symlink, a FIFO) is refused rather than written through.
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    try {
      for (let off = 0; off < body.length;) off += writeSync(fd, body, off, body.length - off);
      fsyncSync(fd);
    } catch (error) {
      closeSync(fd);
      rmSync(tmp, { force: true });
      throw error;
    }
    closeSync(fd);
    renameSync(tmp, this.describe(ref));
    syncDir(this.dir);
    return ref;
  }

  get(ref: BlobRef): string {
    const name = this.describe(ref);
    this.assertDir(ref);
    let fd: number;
    try {
      fd = openSync(name, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new BlobError(name, 'is missing');
      if (code === 'ELOOP') throw new BlobError(name, 'is a symbolic link, not the file autopilot wrote');
      throw new BlobError(name, `cannot be read (${(error as Error).message})`);
    }
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) throw new BlobError(name, 'is not a regular file');
      if (stat.size !== ref.bytes) throw new BlobError(name, `holds ${stat.size} bytes where its reference says ${ref.bytes}: it was altered`);
      const body = Buffer.alloc(ref.bytes);
      for (let off = 0; off < body.length;) {
        const n = readSync(fd, body, off, body.length - off, off);
        if (n === 0) throw new BlobError(name, 'ended early while it was read');
        off += n;
      }
      if (createHash('sha256').update(body).digest('hex') !== ref.sha256) throw new BlobError(name, 'does not match its sha256: it was altered');
      return body.toString('utf8');
    } finally {
      closeSync(fd);
    }
  }

  /** True when the blob is already there, intact (content-addressed: nothing to write). */
  private matches(ref: BlobRef): boolean {
    try {
      this.get(ref);
      return true;
    } catch (error) {
      if (error instanceof BlobError) return false;
      throw error;
    }
  }

  private ensureDir(): void {
    try {
      mkdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const stat = lstatSync(this.dir);
    if (!stat.isDirectory()) throw new Error(`${this.dir} is ${stat.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}; autopilot keeps its blobs in a folder of its own there`);
  }

  private assertDir(ref: BlobRef): void {
    let stat;
    try {
      stat = lstatSync(this.dir);
    } catch {
      throw new BlobError(this.describe(ref), `is missing (there is no ${this.dir} folder)`);
    }
    if (!stat.isDirectory()) throw new BlobError(this.describe(ref), `cannot be trusted: ${this.dir} is ${stat.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}`);
  }
}

/** fsync of a folder, so a rename into it survives a power cut. */
function syncDir(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
