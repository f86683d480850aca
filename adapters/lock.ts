/** A single-writer lock per workspace: a file holding the owner's pid, taken over when that pid is dead. */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { processAlive } from './launcher/process-group.js';

/** Raised when another live orchestrator holds the workspace. */
export class LockHeldError extends Error {
  constructor(
    readonly pid: number,
    readonly path: string,
  ) {
    super(`another autopilot (pid ${pid}) is running on this workspace (lock ${path}); stop it with 'autopilot stop' or wait`);
  }
}

/** A held lock. */
export interface Lock {
  /** Set when a stale lock was taken over: the dead holder's pid, or null when the file was unreadable. */
  takenOverFrom: number | null | undefined;
  release(): void;
}

/** True when a process with this pid exists (and is not a zombie). */
export const pidAlive = processAlive;

function readHolder(path: string): number | null {
  try {
    const pid = Number((JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown }).pid);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Takes the lock at `path` or throws LockHeldError naming the live holder. */
export function acquireLock(path: string): Lock {
  let takenOverFrom: number | null | undefined;
  for (let tries = 0; tries < 5; tries++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
      closeSync(fd);
      return {
        takenOverFrom,
        release: () => {
          if (readHolder(path) === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(path);
      if (holder !== null && holder !== process.pid && pidAlive(holder)) throw new LockHeldError(holder, path);
      // Stale (dead holder, or unreadable half-written file): remove and try again.
      takenOverFrom = holder;
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not take the lock ${path}: it keeps changing hands`);
}
