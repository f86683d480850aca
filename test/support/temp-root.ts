/**
 * Setup file of every test project: each test file gets its own temp root, and the operating
 * system's temp dir (TMPDIR, which os.tmpdir() reads on every call) points at it while the file runs,
 * so the dirs the tests make with mkdtemp(tmpdir()), and those the CLI, trainers and agents they spawn
 * make, all land in it. It is removed when the file ends: a run of the suite leaves nothing in /tmp.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const previous = process.env['TMPDIR'];
const root = mkdtempSync(join(tmpdir(), 'autopilot-test-'));
process.env['TMPDIR'] = root;

// Registered before the file's own hooks, so it runs after them (after-hooks run in reverse): the
// file's afterAll still finds its dirs.
afterAll(() => {
  if (previous === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = previous;
  rmSync(root, { recursive: true, force: true, maxRetries: 3 });
});
