/**
 * A single-writer lock per workspace. The lock itself is an exclusive SQLite lock on
 * `autopilot.lock.db`, which the operating system drops when its holder dies however it dies, so
 * no two orchestrators can ever hold it. `autopilot.lock` beside it names the holder (pid, host,
 * since) for people and for `status`/`stop`; finding a dead holder's name there on taking the lock
 * is a takeover, which the loop records.
 */
import { hostname } from 'node:os';
import { basename, dirname } from 'node:path';
import Database from 'better-sqlite3';
import { readConfined, removeConfined, writeConfined } from './fs/confined.js';
import { identityOf, sameFile, type RestoredStoreFile } from './store-guard.js';
import { processAlive } from './launcher/process-group.js';
import { AutopilotError } from '../domain/errors.js';

/** Raised when another live orchestrator holds the workspace. */
export class LockHeldError extends AutopilotError {
  constructor(
    readonly pid: number | null,
    readonly path: string,
    /** What the refused command adds to the hint (`reset`: a history is reset between sessions). */
    also?: string,
  ) {
    super('lock-held', `another autopilot ${pid === null ? '(pid not yet written)' : `(pid ${pid})`} is running on this workspace (lock ${path})`, {
      file: path,
      hint: `stop it with 'autopilot stop' or wait${also === undefined ? '' : `; ${also}`}`,
    });
  }
}

/** A held lock. */
export interface Lock {
  /** Set when a stale lock was taken over: the dead holder's pid, or null when its name was unreadable. */
  takenOverFrom: number | null | undefined;
  /**
   * Finds the lock's files deleted or replaced since they were taken (the OS lock would then hold a
   * file no other orchestrator opens) and takes them again: a fresh `autopilot.lock.db` locked
   * anew, the holder's name written again. Returns what it found.
   */
  checkFiles(): RestoredStoreFile[];
  release(): void;
}

/** True when a process with this pid exists (and is not a zombie). */
export const pidAlive = processAlive;

/** Who a lock file names as its holder; `host` and `since` are null when the file does not give them. */
export interface LockHolder {
  pid: number;
  host: string | null;
  /** When the holder took the lock (ISO 8601). */
  since: string | null;
}

/** The holder named in a lock file, or null: the one reader of `autopilot.lock`. */
export function readLockHolder(path: string): LockHolder | null {
  try {
    // The workspace is hostile ground: never through a link, never a FIFO.
    const read = readConfined(dirname(path), path, 4096);
    if (read.kind !== 'file') return null;
    const named = JSON.parse(read.bytes.toString('utf8')) as { pid?: unknown; host?: unknown; since?: unknown };
    const pid = Number(named.pid);
    if (!Number.isInteger(pid) || pid <= 0) return null;
    return { pid, host: typeof named.host === 'string' ? named.host : null, since: typeof named.since === 'string' ? named.since : null };
  } catch {
    return null;
  }
}

/** The pid named in a lock file, or null. */
export function readHolder(path: string): number | null {
  return readLockHolder(path)?.pid ?? null;
}

/** The holder named in a lock file when that process is alive, else null. */
export function liveHolder(path: string): LockHolder | null {
  const holder = readLockHolder(path);
  return holder !== null && pidAlive(holder.pid) ? holder : null;
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

// Held until release() or process exit: a dropped Lock object must not let the GC close the connection and free the lock.
const held = new Set<Database.Database>();

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Opens the lock database and takes its exclusive lock, or returns null when another process holds it. */
function takeOsLock(path: string): Database.Database | null {
  // Two processes racing for a fresh lock can both be told "busy"; a short randomized retry settles it.
  for (let attempt = 0; attempt < 8; attempt++) {
    const db = new Database(`${path}.db`, { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE');
      return db;
    } catch (err) {
      db.close();
      if (!isBusy(err)) throw err;
      // Jitter from the pid keeps two racers apart without an unseeded random draw.
      sleep(10 + ((process.pid * (attempt + 7)) % 41));
    }
  }
  return null;
}

/**
 * Takes the lock whose holder file is `path` (the OS lock is `path.db`), or throws LockHeldError
 * (its hint ending with `whenHeld`, when given).
 */
export function acquireLock(path: string, whenHeld?: string): Lock {
  const db = takeOsLock(path);
  if (!db) {
    // The holder writes its name right after taking the lock: give it a moment to appear.
    let holder = readHolder(path);
    for (let i = 0; i < 20 && (holder === null || !pidAlive(holder)); i++) {
      sleep(50);
      holder = readHolder(path);
    }
    throw new LockHeldError(holder !== null && pidAlive(holder) ? holder : null, path, whenHeld);
  }
  held.add(db);
  // Ours now. A name left behind belongs to a holder that died without releasing it.
  let takenOverFrom: number | null | undefined;
  const stale = readConfined(dirname(path), path, 4096).kind !== 'missing';
  if (stale) {
    const pid = readHolder(path);
    // A live holder named without the OS lock (an older autopilot, or one mid-start): still refuse.
    if (pid !== null && pid !== process.pid && pidAlive(pid)) {
      held.delete(db);
      db.close();
      throw new LockHeldError(pid, path, whenHeld);
    }
    takenOverFrom = pid === process.pid ? undefined : pid;
  }
  const name = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  writeConfined(dirname(path), path, name);
  const dbs = [db];
  let known = { db: identityOf(`${path}.db`), name: identityOf(path) };
  return {
    takenOverFrom,
    checkFiles: () => {
      const found: RestoredStoreFile[] = [];
      const dbNow = identityOf(`${path}.db`);
      if (!sameFile(dbNow.id, known.db.id)) {
        // Whatever stands there is not our lock: removed, never opened, and a fresh one locked.
        if (dbNow.kind !== null) removeConfined(dirname(path), `${path}.db`);
        const again = takeOsLock(path);
        if (again) {
          dbs.push(again);
          held.add(again);
        }
        found.push({
          path: `${basename(path)}.db`,
          change: dbNow.kind === null ? 'deleted' : 'modified',
          ...(dbNow.kind ? { kind: dbNow.kind } : {}),
          restored: again !== null,
          note: again ? 'a fresh lock file was made and locked again' : 'another process took a fresh lock file meanwhile: this workspace may have two loops',
        });
      }
      const nameNow = identityOf(path);
      if (!sameFile(nameNow.id, known.name.id)) {
        writeConfined(dirname(path), path, name);
        found.push({
          path: basename(path),
          change: nameNow.kind === null ? 'deleted' : 'modified',
          ...(nameNow.kind ? { kind: nameNow.kind } : {}),
          restored: true,
          note: "the holder's name was written again",
        });
      }
      known = { db: identityOf(`${path}.db`), name: identityOf(path) };
      return found;
    },
    release: () => {
      if (readHolder(path) === process.pid) removeConfined(dirname(path), path);
      for (const d of dbs) {
        held.delete(d);
        d.close();
      }
    },
  };
}
