/**
 * The supervisor's own files, opened as on hostile ground: the command it runs can reach them, so
 * none is ever opened through a link or a FIFO, and the exit record replaces its path by a rename.
 */
import { closeSync, constants as C, existsSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/** How the command ended, as the exit file records it. */
export interface ExitStatus {
  exitCode: number | null;
  signal: string | null;
  error?: string;
  /** The code of a failed spawn (ENOENT, EACCES, …): the command never ran. */
  spawnError?: string;
  started?: false;
  /** False when something the command started was still running when the end was recorded. */
  contained?: boolean;
}

const APPEND = C.O_WRONLY | C.O_APPEND | C.O_CREAT | C.O_NOFOLLOW | C.O_NONBLOCK;

/** Opens a log file for appending; whatever else stands at its path (a link, a FIFO) is removed first. */
export function openLog(path: string): number {
  try {
    const fd = openSync(path, APPEND, 0o644);
    if (fstatSync(fd).isFile()) return fd;
    closeSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ELOOP' && code !== 'ENXIO' && code !== 'EISDIR' && code !== 'ENOTDIR') throw error;
  }
  rmSync(path, { recursive: true, force: true });
  return openSync(path, APPEND | C.O_EXCL, 0o644);
}

/**
 * Opens a file to be a command's stdin: never through a link, never a FIFO or a device (it could
 * block or be endless); returns the descriptor, or why it cannot be used.
 */
export function openStdin(path: string): number | string {
  let fd: number;
  try {
    fd = openSync(path, C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK);
  } catch (error) {
    return `${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
  if (fstatSync(fd).isFile()) return fd;
  closeSync(fd);
  return `${path} is not a regular file`;
}

/** Whether the go file exists (then it is removed): the orchestrator recorded the launch. */
export function goGiven(path: string): boolean {
  if (!existsSync(path)) return false;
  rmSync(path, { force: true });
  return true;
}

/** Writes the exit record through a fresh temp file renamed over `path`. */
export function recordExit(path: string, status: ExitStatus & { pid: number | null }): void {
  const body = Buffer.from(JSON.stringify({ ...status, endedAt: new Date().toISOString() }));
  for (let tries = 0; ; tries++) {
    const tmp = `${path}.tmp-${process.pid}-${Math.floor(Math.random() * 36 ** 6).toString(36)}`;
    let fd: number;
    try {
      fd = openSync(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && tries < 20) continue;
      throw error;
    }
    try {
      writeSync(fd, body);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    return;
  }
}
