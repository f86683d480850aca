import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** A fresh temp directory per test; `cleanup()` removes all of them. */
export function tempDirs(): { make(): string; cleanup(): void } {
  const dirs: string[] = [];
  return {
    make() {
      const dir = mkdtempSync(join(tmpdir(), 'autopilot-events-'));
      dirs.push(dir);
      return dir;
    },
    cleanup() {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs raw SQL against the log the way an attacker (or a bug) would: append-only triggers dropped. */
export function tamper(path: string, sql: string): void {
  const db = new Database(path);
  try {
    db.exec('DROP TRIGGER IF EXISTS messages_no_update; DROP TRIGGER IF EXISTS messages_no_delete;');
    db.exec(sql);
  } finally {
    db.close();
  }
}
