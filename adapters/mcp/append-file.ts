/**
 * Appending to a file an agent can reach (the MCP call log): never through a link, never opening a
 * FIFO or a device, never into a file that has other names (a hard link to a file elsewhere).
 * Whatever else stands at the path is moved aside, not followed, and a fresh file is started.
 */
import { closeSync, constants as C, fstatSync, lstatSync, openSync, renameSync, writeSync, type Stats } from 'node:fs';
import { join } from 'node:path';

let asides = 0;
const APPEND = C.O_WRONLY | C.O_APPEND | C.O_NOFOLLOW | C.O_NONBLOCK | C.O_NOCTTY;

/** What stood at the path instead of a file of its own, and the name it was moved to (in the same folder). */
export interface MovedAside {
  what: string;
  to: string;
}

/**
 * Appends `text` to file `name` of the folder `dir` (a path that already names the right folder,
 * such as a held `/proc/self/fd/N`); returns what was moved aside to make room (null: nothing).
 */
export function appendOwnFile(dir: string, name: string, text: string, now: () => Date = () => new Date()): MovedAside | null {
  const path = join(dir, name);
  const there = lstatOrNull(path);
  let fd: number | null = null;
  let moved: MovedAside | null = null;
  if (there) {
    fd = ownFile(there) ? openOwn(path) : null;
    // A file swapped for something else between the look and the open is told by what stands there now.
    if (fd === null) moved = moveAside(dir, name, ownFile(there) ? whatNow(path) : what(there), now);
  }
  fd ??= openSync(path, APPEND | C.O_CREAT | C.O_EXCL, 0o644);
  try {
    writeSync(fd, Buffer.from(text, 'utf8'));
  } finally {
    closeSync(fd);
  }
  return moved;
}

// Opened, and still a file of its own; null when it is not (a FIFO swapped in answers ENXIO or shows in fstat).
function openOwn(path: string): number | null {
  let fd: number;
  try {
    fd = openSync(path, APPEND);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENXIO' || code === 'EISDIR' || code === 'ENOENT') return null;
    throw error;
  }
  if (ownFile(fstatSync(fd))) return fd;
  closeSync(fd);
  return null;
}

function ownFile(st: Stats): boolean {
  return st.isFile() && st.nlink === 1;
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function what(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symlink';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isDirectory()) return 'a directory';
  if (st.isSocket()) return 'a socket';
  if (st.isBlockDevice() || st.isCharacterDevice()) return 'a device';
  if (st.isFile()) return `a hard link (${st.nlink} names for one file)`;
  return 'not a regular file';
}

function whatNow(path: string): string {
  const st = lstatOrNull(path);
  return st ? what(st) : 'gone';
}

// A rename moves the entry itself (a link stays a link, pointing where it did): nothing behind it is touched.
function moveAside(dir: string, name: string, was: string, now: () => Date): MovedAside | null {
  const to = `${name}.unsafe-${now().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${++asides}`;
  try {
    renameSync(join(dir, name), join(dir, to));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return { what: was, to };
}
