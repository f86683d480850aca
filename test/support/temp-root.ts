/**
 * Setup file of every test project: each test file gets its own temp root, and the operating
 * system's temp dir (TMPDIR, which os.tmpdir() reads on every call) points at it while the file runs,
 * so the dirs the tests make with mkdtemp(tmpdir()), and those the CLI, trainers and agents they spawn
 * make, all land in it. It is removed when the file ends: a run of the suite leaves nothing in /tmp.
 */
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const previous = process.env['TMPDIR'];
const root = mkdtempSync(join(tmpdir(), 'autopilot-test-'));
process.env['TMPDIR'] = root;

/**
 * SIGKILLs every process working in a folder under `dir`: what a test left running there (the
 * trainer of a loop it SIGKILLed, with its supervisor) would write into the folder after it is
 * removed, and so make it again. The root is this file's own, so these are its processes.
 */
function killWorkingIn(dir: string): void {
  if (!existsSync('/proc')) return;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if ((cwd === dir || cwd.startsWith(`${dir}/`)) && Number(pid) !== process.pid) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
}

// Registered before the file's own hooks, so it runs after them (after-hooks run in reverse): the
// file's afterAll still finds its dirs.
afterAll(() => {
  if (previous === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = previous;
  killWorkingIn(root);
  rmSync(root, { recursive: true, force: true, maxRetries: 3 });
});
