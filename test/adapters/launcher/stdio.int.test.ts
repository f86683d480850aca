/** A launch's stdin (a regular file, never a FIFO or a link) and the stdout-only copy an agent's report is read from. */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { launchLocal } from '../../../adapters/launcher/local.js';
import { fakeSpec, tempDir } from './support.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// Echoes its stdin's length on stdout, and splits one stdout line with a stderr write.
const SCRIPT = `
let n = 0;
process.stdin.on('data', (b) => (n += b.length));
process.stdin.on('end', async () => {
  process.stdout.write('{"type":"result","half":');
  await new Promise((r) => setTimeout(r, 100));
  process.stderr.write('a warning on stderr\\n');
  await new Promise((r) => setTimeout(r, 100));
  process.stdout.write(n + '}\\n');
});`;

function launch(dir: string, stdinFile: string) {
  const spec = fakeSpec(dir, 'ok');
  return launchLocal({ ...spec, argv: [process.execPath, '-e', SCRIPT], stdinFile, stdoutFile: join(dir, 'out.stdout.log') });
}

describe('when a command is given a file as its stdin and a stdout-only log', () => {
  it('reads the whole file, and its stdout stays whole in the copy while the log interleaves stderr', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const input = join(dir, 'prompt.md');
    writeFileSync(input, 'x'.repeat(200 * 1024));
    const r = await launch(dir, input).result;
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'out.stdout.log'), 'utf8')).toBe(`{"type":"result","half":${200 * 1024}}\n`);
    expect(readFileSync(join(dir, 'out.log'), 'utf8')).toBe(`{"type":"result","half":a warning on stderr\n${200 * 1024}}\n`);
  });

  it('refuses a FIFO or a link in place of the file, says so, and never starts the command', async () => {
    for (const kind of ['fifo', 'symlink'] as const) {
      const dir = tempDir();
      dirs.push(dir);
      const input = join(dir, 'prompt.md');
      if (kind === 'fifo') execFileSync('mkfifo', [input]);
      else {
        // A decoy outside the workspace, in the test's own temp dir: never a system file.
        const decoy = join(tempDir(), 'decoy.md');
        writeFileSync(decoy, 'decoy: must never be read as the prompt');
        symlinkSync(decoy, input);
      }
      const r = await launch(dir, input).result;
      expect(r.spawnError, kind).toBe('STDIN');
      expect(readFileSync(join(dir, 'out.log'), 'utf8'), kind).toMatch(/could not give .* its input: .*prompt\.md/);
    }
  });
});
