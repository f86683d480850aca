/**
 * The anchor file on disk (`journal/anchor`, see `events/anchor.ts`) and its optional HMAC key.
 *
 * The workspace is hostile ground: the file is appended with O_APPEND|O_NOFOLLOW and never written
 * through a symlink, a FIFO, a directory or a hard link; such an entry is moved aside and a fresh
 * file started (said on stderr). Reads are size-capped and never follow a symlink nor block on a FIFO.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { closeSync, constants, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { readConfined } from './fs/confined.js';
import { ANCHOR_FILE, ANCHOR_HEADER, anchorMacMessage, formatAnchorLine, type Anchor, type ChainHead } from '../events/anchor.js';
import { prefixed } from '../domain/errors.js';

/** The environment variable holding the HMAC key of the anchor lines. Never recorded, never passed to a child. */
export const ANCHOR_KEY_ENV = 'AUTOPILOT_ANCHOR_KEY';

const { O_RDONLY, O_RDWR, O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = constants;

/** The anchor key from `env` (an empty value counts as none). */
export function anchorKey(env: NodeJS.ProcessEnv = process.env): string | null {
  const key = env[ANCHOR_KEY_ENV];
  return key === undefined || key === '' ? null : key;
}

/** HMAC-SHA256(key, "seq:hash"), lowercase hex. */
export function anchorMac(key: string, head: ChainHead): string {
  return createHmac('sha256', key).update(anchorMacMessage(head), 'utf8').digest('hex');
}

/** Whether `mac` is the HMAC of `head` under `key` (constant-time). */
export function anchorMacMatches(key: string, head: ChainHead, mac: string): boolean {
  const want = Buffer.from(anchorMac(key, head), 'hex');
  const got = Buffer.from(mac, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * Appends the anchor of `head` to the workspace's anchor file and fsyncs it; with `key`, the line
 * carries its HMAC. Problems (an entry that is not a regular file, moved aside; a write that
 * failed) go to `warn`: a missing anchor line weakens the tamper check but loses nothing recorded.
 * @returns the line written, or null when none was.
 */
export function appendAnchor(workspace: string, head: ChainHead, o: { key: string | null; at: string; warn: (msg: string) => void }): string | null {
  const anchor: Anchor = { ...head, at: o.at, ...(o.key === null ? {} : { hmac: anchorMac(o.key, head) }) };
  const line = formatAnchorLine(anchor);
  const dir = join(workspace, 'journal');
  const path = join(workspace, ANCHOR_FILE);
  try {
    if (!ensureDir(dir, o.warn)) return null;
    let fd = openExisting(path, o.warn);
    let created = false;
    if (fd === null) {
      fd = openSync(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
      created = true;
    }
    try {
      const size = fstatSync(fd).size;
      // A line torn by a crash (no newline at the end) stays a line of its own, which verify reports.
      const torn = size > 0 && lastByte(fd, size) !== 0x0a;
      writeSync(fd, `${created ? `${ANCHOR_HEADER}\n` : ''}${torn ? '\n' : ''}${line}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (created) fsyncDir(dir);
    return line;
  } catch (e) {
    o.warn(prefixed(`could not append to ${ANCHOR_FILE}: ${(e as Error).message}; the log is unaffected, this head is not anchored`));
    return null;
  }
}

/** The anchor file's text; `absent`; or why it was not read (not a regular file: never followed or opened). */
export type AnchorFileRead = { state: 'absent' } | { state: 'file'; text: string } | { state: 'refused'; why: string };

/** Largest anchor file read: a line is under 200 bytes, so this is over 80,000 journal steps. */
export const MAX_ANCHOR_BYTES = 16 << 20;

/** Reads the workspace's anchor file, size-capped, without following a symlink (also at journal/) or blocking on a FIFO. */
export function readAnchorFile(workspace: string): AnchorFileRead {
  const read = readConfined(workspace, join(workspace, ANCHOR_FILE), MAX_ANCHOR_BYTES);
  switch (read.kind) {
    case 'missing':
      return { state: 'absent' };
    case 'file':
      return { state: 'file', text: read.bytes.toString('utf8') };
    case 'too-large':
      return { state: 'refused', why: `${ANCHOR_FILE} is ${read.size} bytes, more than the ${MAX_ANCHOR_BYTES >> 20} MiB an anchor file may be (not read)` };
    case 'unsafe': {
      const { path, kind } = read.entry;
      if (path !== ANCHOR_FILE) return { state: 'refused', why: `${path}/ ${kind === 'symlink' ? 'is a symlink (not followed)' : 'is not a directory'}` };
      return { state: 'refused', why: kind === 'symlink' ? `${ANCHOR_FILE} is a symlink (not followed)` : `${ANCHOR_FILE} is not a regular file` };
    }
  }
}

/** Opens the existing anchor file for appending, or returns null when there is none (anything else there is moved aside). */
function openExisting(path: string, warn: (msg: string) => void): number | null {
  let fd: number;
  try {
    fd = openSync(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') return moveAside(path, 'a symlink', warn);
    if (code === 'EISDIR') return moveAside(path, 'a directory', warn);
    if (code === 'ENXIO') return moveAside(path, 'a FIFO or socket', warn);
    throw e;
  }
  const st = fstatSync(fd);
  if (st.isFile() && st.nlink === 1) return fd;
  closeSync(fd);
  return moveAside(path, st.isFile() ? `a hard link (${st.nlink} names for one file)` : 'not a regular file', warn);
}

function moveAside(path: string, what: string, warn: (msg: string) => void): null {
  const aside = `${path}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
  renameSync(path, aside);
  warn(prefixed(`${ANCHOR_FILE} was ${what}, not a file of its own: nothing was written through it; moved it to ${aside} and started a fresh anchor file`));
  return null;
}

/** Creates `dir` when missing; false (with a warning) when it is a symlink or not a directory. */
function ensureDir(dir: string, warn: (msg: string) => void): boolean {
  const why = notADirectory(dir);
  if (why === 'missing') mkdirSync(dir, { recursive: true });
  else if (why) {
    warn(prefixed(`journal/ ${why}: no anchor written`));
    return false;
  }
  return true;
}

function notADirectory(dir: string): string | null {
  try {
    const st = lstatSync(dir);
    if (st.isSymbolicLink()) return 'is a symlink (not followed)';
    return st.isDirectory() ? null : 'is not a directory';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw e;
  }
}

function lastByte(fd: number, size: number): number {
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, size - 1);
  return b[0]!;
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some platforms cannot fsync a directory; the file itself is synced
  }
}
