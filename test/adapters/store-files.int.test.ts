/**
 * The event log's and the lock's files as hostile ground, with a real loop: a symlink, a FIFO, a
 * device or a hard link found at `events.db` (or its -wal), `autopilot.lock` or
 * `autopilot.lock.db` is refused before anything is recorded, naming the path and what it is,
 * and never followed (decoys in a temp dir).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loop } from '../support/hostile.js';
import { execa } from 'execa';
import { CLI, fakeTrainerWorkspace } from '../support/workspace.js';

/** An empty decoy file outside the workspace: SQLite would make a database of it, were it followed. */
function decoy(): { file: string; unchanged: () => boolean } {
  const file = join(mkdtempSync(join(tmpdir(), 'autopilot-store-decoy-')), 'decoy');
  writeFileSync(file, '');
  return { file, unchanged: () => readFileSync(file).length === 0 };
}

const plants = {
  symlink: (at: string, d: string) => symlinkSync(d, at),
  'hard link': (at: string, d: string) => linkSync(d, at),
  fifo: (at: string) => execFileSync('mkfifo', [at]),
  'char device': (at: string) => execFileSync('mknod', [at, 'c', '1', '3']),
};
const said: Record<keyof typeof plants, RegExp> = {
  symlink: /is a symlink to .*decoy/,
  'hard link': /is a hard link \(2 names for one file\)/,
  fifo: /is a FIFO/,
  'char device': /is a character device/,
};

// Each test has its own workspace and waits on the processes it starts: the tests run at once.
describe.concurrent('a loop on a workspace whose log or lock file is not a regular file of its own', () => {
  const cases = (['events.db', 'events.db-wal', 'autopilot.lock', 'autopilot.lock.db'] as const).flatMap((name) =>
    (Object.keys(plants) as (keyof typeof plants)[]).map((kind) => [name, kind] as const),
  );
  it.each(cases)(
    'refuses %s as a %s, naming it, recording nothing, following nothing',
    async (name, kind) => {
      const ws = fakeTrainerWorkspace();
      const d = decoy();
      plants[kind](join(ws, name), d.file);
      const r = await loop(ws, ['--runs', '1'], 30_000);
      expect(r.exitCode, r.all).toBe(2);
      expect(r.stderr).toContain(join(ws, name));
      expect(r.stderr).toMatch(said[kind]);
      expect(d.unchanged()).toBe(true);
      if (name !== 'events.db') expect(existsSync(join(ws, 'events.db'))).toBe(false);
    },
    40_000,
  );
});

describe.concurrent('a reporting command on a workspace whose log is a symlink', () => {
  it('refuses it too, without opening the target', async () => {
    const ws = fakeTrainerWorkspace();
    const d = decoy();
    symlinkSync(d.file, join(ws, 'events.db'));
    const r = await execa(process.execPath, [CLI, 'status', '--workspace', ws], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toContain(`${join(ws, 'events.db')} is a symlink to ${d.file}`);
    expect(d.unchanged()).toBe(true);
    expect(existsSync(`${d.file}-shm`)).toBe(false);
  });
});
