/**
 * The supervisor's own files, opened as on hostile ground: the command it runs can reach them, so
 * none is ever opened through a link or a FIFO, and the exit record replaces its path by a rename.
 * The folders they are in are opened once, before the command runs (confined to the workspace), and
 * every file is made in those very folders: a command that renames a folder and puts a link to
 * somewhere else in its place does not get the supervisor to write there.
 */
import { closeSync, constants as C, fstatSync, openSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { holdDirConfined, kindConfined, removeConfined, writeConfined, type HeldDir } from '../fs/confined.js';

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

/** The folders of the supervisor's files, held open from its start. */
export interface HeldFolders {
  /** Where `path` (one of the files it was made for) is, inside its held folder. */
  at(path: string): string;
  /** The held folder's own path for the confined helpers, and the file's name in it. */
  split(path: string): { dir: string; name: string };
}

/** Opens the folders of `paths` (inside `root`) once, never through a link. */
export function holdFolders(root: string, paths: string[]): HeldFolders {
  const held = new Map<string, HeldDir>();
  for (const p of paths) if (!held.has(dirname(p))) held.set(dirname(p), holdDirConfined(root, dirname(p)));
  const split = (path: string) => {
    const dir = held.get(dirname(path));
    if (!dir) throw new Error(`${path} is not in a folder held open`);
    return { dir: dir.path, name: basename(path) };
  };
  return {
    split,
    at: (path) => {
      const { dir, name } = split(path);
      return join(dir, name);
    },
  };
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

/** Whether the go file exists in its held folder (then it is removed): the orchestrator recorded the launch. */
export function goGiven(folders: HeldFolders, path: string): boolean {
  const { dir, name } = folders.split(path);
  if (kindConfined(dir, name) === null) return false;
  removeConfined(dir, name);
  return true;
}

/** Writes the exit record in its held folder, through a fresh temp file renamed over it. */
export function recordExit(folders: HeldFolders, path: string, status: ExitStatus & { pid: number | null }): void {
  const { dir, name } = folders.split(path);
  writeConfined(dir, name, JSON.stringify({ ...status, endedAt: new Date().toISOString() }));
}
