/**
 * File access on hostile ground. Paths under a root (the workspace) that an agent or a trainer can
 * reach are walked one directory at a time without following links — each component opened with
 * O_DIRECTORY|O_NOFOLLOW and the next one resolved through `/proc/self/fd/N/` (openat's effect
 * without a race) — and files are opened with O_NOFOLLOW|O_NONBLOCK, so a symlink is never
 * followed and a FIFO never blocks. Writes go to a fresh temp file (O_EXCL) and are renamed over
 * the target, which replaces whatever stood there instead of writing through it.
 */
import {
  closeSync,
  constants as C,
  existsSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  readSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { entryKind, type EntryKind } from './entry.js';
import { AutopilotError } from '../../domain/errors.js';

/** Something unsafe found at a path the loop reads or writes, and what was done about it. */
export interface UnsafeEntry {
  /** Relative to the root. */
  path: string;
  kind: EntryKind;
  /** A symlink's target, as text (never followed). */
  target?: string;
  action: 'removed' | 'ignored';
  /** What else makes it unsafe (an oversize file, say), said instead of its kind alone. */
  note?: string;
}

/** What reading an untrusted file found. */
export type ConfinedRead =
  { kind: 'file'; bytes: Buffer; /** Permission bits. */ mode: number } | { kind: 'missing' } | { kind: 'unsafe'; entry: UnsafeEntry } | { kind: 'too-large'; size: number; max: number };

/** Raised for a path that is not inside the root it is confined to. */
export class OutsideRootError extends AutopilotError {
  constructor(message: string) {
    super('outside-root', message);
  }
}

/** Raised by a write told not to repair, when something unsafe stands on its way. */
export class UnsafePathError extends AutopilotError {
  constructor(readonly entry: UnsafeEntry) {
    super(
      'unsafe-path',
      `${entry.path} is ${entry.kind === 'symlink' ? `a symlink${entry.target !== undefined ? ` to ${entry.target}` : ''}` : `a ${entry.kind}`}, not a directory; nothing was written through it`,
    );
  }
}

const viaProc = existsSync('/proc/self/fd');
const DIR_FLAGS = C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW;
const READ_FLAGS = C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK | C.O_NOCTTY;
let tmpCounter = 0;

/** `abs` (or a path relative to `root`) as a path relative to `root`; throws when it leaves the root. */
export function relativeTo(root: string, path: string): string {
  const rel = isAbsolute(path) ? relative(root, path) : path;
  const parts = rel.split(sep);
  if (rel === '' || isAbsolute(rel) || parts.some((p) => p === '..' || p === '' || p === '.')) throw new OutsideRootError(`${path} is not a path inside ${root}`);
  return rel;
}

/** An open directory; `at(name)` names an entry of exactly that directory (like openat). */
interface Dir {
  at(name: string): string;
  close(): void;
}

type Opened = { dir: Dir; unsafe: UnsafeEntry[] } | { missing: true } | { blocked: UnsafeEntry };

function describeEntry(path: string, rel: string, action: UnsafeEntry['action']): UnsafeEntry {
  const kind = entryKind(path) ?? 'file';
  let target: string | undefined;
  if (kind === 'symlink')
    try {
      target = readlinkSync(path);
    } catch {
      // gone meanwhile: the kind is enough
    }
  return { path: rel, kind, ...(target !== undefined ? { target } : {}), action };
}

/**
 * Opens directory `relDir` under `root`, component by component, never through a link. With
 * `create`, missing directories are made; with `repair`, anything else standing where a directory
 * must be (a symlink, a FIFO, a file) is removed, replaced by a directory and reported.
 */
function openDir(root: string, relDir: string, opts: { create: boolean; repair: boolean }): Opened {
  const parts = relDir === '' ? [] : relDir.split(sep);
  const unsafe: UnsafeEntry[] = [];
  // The root itself is the user's choice (it may be a link); made when a write needs it.
  if (opts.create) mkdirSync(root, { recursive: true });
  if (!viaProc) return openDirByPath(root, parts, opts, unsafe);
  let fd: number;
  try {
    fd = openSync(root, C.O_RDONLY | C.O_DIRECTORY);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
    throw error;
  }
  const at = (f: number, name: string) => `/proc/self/fd/${f}/${name}`;
  try {
    for (let i = 0; i < parts.length; i++) {
      const p = at(fd, parts[i]!);
      const rel = parts.slice(0, i + 1).join(sep);
      let next: number;
      try {
        next = openSync(p, DIR_FLAGS);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          if (!opts.create) return closeAnd(fd, { missing: true });
          mkdirSync(p, { mode: 0o755 });
        } else if (code === 'ENOTDIR' || code === 'ELOOP') {
          if (!opts.repair) return closeAnd(fd, { blocked: describeEntry(p, rel, 'ignored') });
          unsafe.push(describeEntry(p, rel, 'removed'));
          rmSync(p, { recursive: true, force: true });
          mkdirSync(p, { mode: 0o755 });
        } else throw error;
        next = openSync(p, DIR_FLAGS);
      }
      closeSync(fd);
      fd = next;
    }
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  const dirFd = fd;
  return { dir: { at: (name) => at(dirFd, name), close: () => closeSync(dirFd) }, unsafe };
}

function closeAnd<T>(fd: number, value: T): T {
  closeSync(fd);
  return value;
}

// Without /proc (not Linux): the same checks by path, with lstat; a race with a concurrent swap remains.
function openDirByPath(root: string, parts: string[], opts: { create: boolean; repair: boolean }, unsafe: UnsafeEntry[]): Opened {
  let dir = root;
  for (let i = 0; i < parts.length; i++) {
    dir = `${dir}${sep}${parts[i]}`;
    const rel = parts.slice(0, i + 1).join(sep);
    const kind = entryKind(dir);
    if (kind === 'directory') continue;
    if (kind === null) {
      if (!opts.create) return { missing: true };
    } else {
      if (!opts.repair) return { blocked: describeEntry(dir, rel, 'ignored') };
      unsafe.push(describeEntry(dir, rel, 'removed'));
      rmSync(dir, { recursive: true, force: true });
    }
    mkdirSync(dir, { mode: 0o755 });
  }
  const base = dir;
  return { dir: { at: (name) => `${base}${sep}${name}`, close: () => undefined }, unsafe };
}

function split(rel: string): { dir: string; name: string } {
  const i = rel.lastIndexOf(sep);
  return i < 0 ? { dir: '', name: rel } : { dir: rel.slice(0, i), name: rel.slice(i + 1) };
}

/**
 * Reads the file at `path` (inside `root`) as an untrusted one: a regular file of at most
 * `maxBytes`, reached through real directories only. Never follows a link, never blocks on a
 * FIFO; tells what it found instead.
 */
export function readConfined(root: string, path: string, maxBytes: number): ConfinedRead {
  const rel = relativeTo(root, path);
  const { dir: relDir, name } = split(rel);
  const opened = openDir(root, relDir, { create: false, repair: false });
  if ('missing' in opened) return { kind: 'missing' };
  if ('blocked' in opened) return { kind: 'unsafe', entry: opened.blocked };
  const { dir } = opened;
  try {
    let fd: number;
    try {
      fd = openSync(dir.at(name), READ_FLAGS);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { kind: 'missing' };
      if (code === 'ELOOP' || code === 'ENXIO' || code === 'EACCES' || code === 'EPERM') return { kind: 'unsafe', entry: describeEntry(dir.at(name), rel, 'ignored') };
      throw error;
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) return { kind: 'unsafe', entry: describeEntry(dir.at(name), rel, 'ignored') };
      if (st.size > maxBytes) return { kind: 'too-large', size: st.size, max: maxBytes };
      return readCapped(fd, maxBytes, st.size, st.mode & 0o7777);
    } finally {
      closeSync(fd);
    }
  } finally {
    dir.close();
  }
}

// The file may grow while it is read: read at most max + 1 bytes and report more as too large.
function readCapped(fd: number, max: number, size: number, mode: number): ConfinedRead {
  const buf = Buffer.allocUnsafe(Math.min(max + 1, Math.max(size + 1, 1 << 16)));
  let len = 0;
  let out = buf;
  for (;;) {
    if (len === out.length) {
      if (out.length > max) break;
      const bigger = Buffer.allocUnsafe(Math.min(max + 1, out.length * 2));
      out.copy(bigger, 0, 0, len);
      out = bigger;
    }
    const n = readSync(fd, out, len, out.length - len, null);
    if (n <= 0) break;
    len += n;
  }
  if (len > max) return { kind: 'too-large', size: len, max };
  return { kind: 'file', bytes: out.subarray(0, len), mode };
}

/**
 * Writes `data` to `path` (inside `root`) by a fresh temp file renamed over it: directories on
 * the way are made real (a link or other entry in their place is removed and reported), and
 * whatever stood at `path` — a symlink, a FIFO, a directory — is replaced, never written through.
 * Returns what unsafe entries it removed.
 */
export function writeConfined(root: string, path: string, data: string | Uint8Array, opts: { fsync?: boolean; mode?: number; repair?: boolean } = {}): UnsafeEntry[] {
  return writeConfinedFrom(root, path, (fd) => writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data), opts);
}

/**
 * Like {@link writeConfined}, but the new file's content is written by `fill` into its open
 * descriptor (a child process's stdout, say), so a large content never has to be in memory.
 */
export function writeConfinedFrom(root: string, path: string, fill: (fd: number) => void, { fsync = true, mode = 0o644, repair = true } = {}): UnsafeEntry[] {
  const rel = relativeTo(root, path);
  const { dir: relDir, name } = split(rel);
  const opened = openDir(root, relDir, { create: true, repair });
  if ('blocked' in opened) throw new UnsafePathError(opened.blocked);
  if (!('dir' in opened)) throw new Error(`cannot open ${relDir}`);
  const { dir, unsafe } = opened;
  try {
    const { tmp, fd } = createTemp(dir, name, mode);
    try {
      fill(fd);
      if (fsync) fsyncSync(fd);
    } catch (error) {
      closeSync(fd);
      unlinkSync(dir.at(tmp));
      throw error;
    }
    closeSync(fd);
    const there = entryKind(dir.at(name));
    if (there !== null && there !== 'file') {
      unsafe.push(describeEntry(dir.at(name), rel, 'removed'));
      if (there === 'directory') rmSync(dir.at(name), { recursive: true, force: true });
    }
    renameSync(dir.at(tmp), dir.at(name));
    return unsafe;
  } finally {
    dir.close();
  }
}

// A fresh name each try: something planted at one (a link, a FIFO) makes O_EXCL refuse it, never write through it.
function createTemp(dir: Dir, name: string, mode: number): { tmp: string; fd: number } {
  for (let tries = 0; ; tries++) {
    const tmp = `${name}.tmp-${process.pid}-${(tmpCounter++).toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
    try {
      return { tmp, fd: openSync(dir.at(tmp), C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, mode) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || tries >= 20) throw error;
    }
  }
}

/** Makes `path` (inside `root`) a symlink to `target` (text, not checked), replacing whatever stood there; returns unsafe entries removed on the way. */
export function symlinkConfined(root: string, path: string, target: string): UnsafeEntry[] {
  const rel = relativeTo(root, path);
  const { dir: relDir, name } = split(rel);
  const opened = openDir(root, relDir, { create: true, repair: true });
  if (!('dir' in opened)) throw new Error(`cannot open ${relDir}`);
  const { dir, unsafe } = opened;
  try {
    for (let tries = 0; ; tries++) {
      const tmp = `${name}.tmp-${process.pid}-${(tmpCounter++).toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
      try {
        symlinkSync(target, dir.at(tmp));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || tries >= 20) throw error;
        continue;
      }
      if (entryKind(dir.at(name)) === 'directory') rmSync(dir.at(name), { recursive: true, force: true });
      renameSync(dir.at(tmp), dir.at(name));
      return unsafe;
    }
  } finally {
    dir.close();
  }
}

/** Opens the regular file at `path` (inside `root`) for reading, never through a link or a FIFO; null when there is none or it is not a regular file. */
export function openConfined(root: string, path: string): { fd: number; size: number } | null {
  const rel = relativeTo(root, path);
  const { dir: relDir, name } = split(rel);
  const opened = openDir(root, relDir, { create: false, repair: false });
  if (!('dir' in opened)) return null;
  try {
    let fd: number;
    try {
      fd = openSync(opened.dir.at(name), READ_FLAGS);
    } catch {
      return null;
    }
    const st = fstatSync(fd);
    if (!st.isFile()) {
      closeSync(fd);
      return null;
    }
    return { fd, size: st.size };
  } finally {
    opened.dir.close();
  }
}

/** Removes whatever stands at `path` (inside `root`) without following it; returns what it was (null: nothing). */
export function removeConfined(root: string, path: string): EntryKind | null {
  const rel = relativeTo(root, path);
  const { dir: relDir, name } = split(rel);
  const opened = openDir(root, relDir, { create: false, repair: false });
  if (!('dir' in opened)) return null;
  const { dir } = opened;
  try {
    const kind = entryKind(dir.at(name));
    if (kind === 'directory') rmSync(dir.at(name), { recursive: true, force: true });
    else if (kind !== null) unlinkSync(dir.at(name));
    return kind;
  } finally {
    dir.close();
  }
}

/** Makes directory `path` (inside `root`) and the ones above it real directories; returns what unsafe entries it removed. */
export function ensureDirConfined(root: string, path: string): UnsafeEntry[] {
  const opened = openDir(root, relativeTo(root, path), { create: true, repair: true });
  if (!('dir' in opened)) throw new Error(`cannot open ${path}`);
  opened.dir.close();
  return opened.unsafe;
}

/** A directory held open: `path` names that very directory (`/proc/self/fd/N`) whatever is put at its old path later. */
export interface HeldDir {
  path: string;
  /** Unsafe entries removed on the way to it. */
  unsafe: UnsafeEntry[];
  close(): void;
}

/**
 * Opens directory `path` (inside `root`) once, as {@link ensureDirConfined} makes it, and keeps it
 * open: the other helpers, given `held.path` as their root, then work in that directory even after
 * it was renamed and a link put in its place. (Without /proc, `held.path` is the plain path.)
 */
export function holdDirConfined(root: string, path: string): HeldDir {
  // The root itself may be held too (it is the user's choice, like everywhere here).
  const rel = isAbsolute(path) && relative(root, path) === '' ? '' : relativeTo(root, path);
  const opened = openDir(root, rel, { create: true, repair: true });
  if (!('dir' in opened)) throw new Error(`cannot open ${path}`);
  const { dir, unsafe } = opened;
  return { path: dir.at('').replace(/\/$/, ''), unsafe, close: () => dir.close() };
}

/** The kind of the entry at `path` (inside `root`), looked at without following anything; null when absent or unreachable. */
export function kindConfined(root: string, path: string): EntryKind | null {
  const rel = relativeTo(root, path);
  const { dir: relDir, name } = split(rel);
  const opened = openDir(root, relDir, { create: false, repair: false });
  if (!('dir' in opened)) return null;
  try {
    return entryKind(opened.dir.at(name));
  } finally {
    opened.dir.close();
  }
}

/** `lstat` for callers that only need to know a path is a plain file right now. */
export function isRegularFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}
