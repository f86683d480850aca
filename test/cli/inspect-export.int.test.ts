/** `autopilot inspect --export DIR` as a child process: the path on stdout, and errors with their exit codes. */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { historyWorkspace } from '../support/histories.js';
import { CLI } from '../support/workspace.js';

const inspect = (...args: string[]) => execa(process.execPath, [CLI, 'inspect', ...args], { reject: false });

describe('autopilot inspect --export', () => {
  let ws: string;
  beforeAll(async () => {
    ws = await historyWorkspace('loop-2');
  });

  it('writes DIR/inspector.html, prints its path alone on stdout, and says on stderr that it needs no request', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'cli-export-')), 'new');
    const r = await inspect('--export', dir, '--workspace', ws);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(join(dir, 'inspector.html'));
    expect(lstatSync(r.stdout).isFile()).toBe(true);
    expect(r.stderr).toMatch(new RegExp(`^autopilot inspect: exported ${ws} \\(\\d+ bytes\\): opens from file:// with no request\\n?$`));
  });

  it('refuses a DIR that is a symlink with exit 2, writing nothing in its target', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cli-export-link-'));
    mkdirSync(join(root, 'decoy'));
    symlinkSync(join(root, 'decoy'), join(root, 'dir'));
    const r = await inspect('--export', join(root, 'dir'), '--workspace', ws);
    expect([r.exitCode, r.stdout]).toEqual([2, '']);
    expect(r.stderr.trim()).toBe(
      `autopilot inspect: --export ${join(root, 'dir')} is a symlink to ${join(root, 'decoy')}, not a directory; give a directory (made when absent), never a link to one; inspector.html is written in it`,
    );
    expect(readdirSync(join(root, 'decoy'))).toEqual([]);
  });

  it('refuses --export with --host or --open, and a folder that is not a workspace, with exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-export-bad-'));
    const host = await inspect('--export', dir, '--host', '127.0.0.2', '--workspace', ws);
    expect([host.exitCode, host.stderr.trim()]).toEqual([2, 'autopilot inspect: --export writes a file and serves nothing; drop --host and --open, or drop --export to serve']);
    const notWs = await inspect('--export', join(dir, 'out'), '--workspace', dir);
    expect(notWs.exitCode).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });
});
