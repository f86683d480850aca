/** The one reader of a lock's holder (used by the lock itself, `stop` and `status`), and the error a held lock raises. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock, liveHolder, LockHeldError, readLockHolder } from '../../adapters/lock.js';
import { EXIT } from '../../domain/errors.js';

const dirs: string[] = [];
function lockPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'autopilot-lock-holder-'));
  dirs.push(dir);
  return join(dir, 'autopilot.lock');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('readLockHolder', () => {
  it('gives the pid, host and start time the holder wrote, and liveHolder the same while it lives', () => {
    const path = lockPath();
    const lock = acquireLock(path);
    try {
      const holder = readLockHolder(path);
      expect(holder).toMatchObject({ pid: process.pid, host: hostname() });
      expect(Number.isNaN(Date.parse(holder!.since!))).toBe(false);
      expect(liveHolder(path)).toEqual(holder);
    } finally {
      lock.release();
    }
    expect(readLockHolder(path)).toBeNull();
  });

  it('names a dead holder, which liveHolder does not; gives null for a file that names no pid', () => {
    const path = lockPath();
    // Pid 2^22 + 1 is above Linux's pid_max ceiling: no such process.
    writeFileSync(path, JSON.stringify({ pid: 4_194_305, host: 'elsewhere', since: '2026-01-01T00:00:00.000Z' }));
    expect(readLockHolder(path)).toEqual({ pid: 4_194_305, host: 'elsewhere', since: '2026-01-01T00:00:00.000Z' });
    expect(liveHolder(path)).toBeNull();
    writeFileSync(path, JSON.stringify({ pid: 'x' }));
    expect(readLockHolder(path)).toBeNull();
    writeFileSync(path, 'not json');
    expect(readLockHolder(path)).toBeNull();
  });
});

describe('a held lock', () => {
  it('refuses a second taker with a lock-held error (exit 1) naming the holder, the file and what to do', () => {
    const path = lockPath();
    const lock = acquireLock(path);
    try {
      let refused: unknown;
      try {
        acquireLock(path, 'a history is reset between sessions').release();
      } catch (e) {
        refused = e;
      }
      expect(refused).toBeInstanceOf(LockHeldError);
      const e = refused as LockHeldError;
      expect(e.code).toBe('lock-held');
      expect(e.exitCode).toBe(EXIT.failed);
      expect(e.file).toBe(path);
      expect(e.pid).toBe(process.pid);
      expect(e.message).toBe(
        `another autopilot (pid ${process.pid}) is running on this workspace (lock ${path}); stop it with 'autopilot stop' or wait; a history is reset between sessions`,
      );
    } finally {
      lock.release();
    }
  });
});
