/** The result file of a cluster job, read as untrusted: a symlink, a FIFO or an oversize file there is never taken for a result. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { holdDirConfined } from '../../../adapters/fs/confined.js';
import { readResult } from '../../../adapters/launcher/cluster-follow.js';

function folder() {
  const root = mkdtempSync(join(tmpdir(), 'result-'));
  const decoy = join(mkdtempSync(join(tmpdir(), 'decoy-')), 'result.json');
  writeFileSync(decoy, '{"exitCode":0,"signal":null}');
  const dir = join(root, 'slurm');
  return { dir, decoy, held: holdDirConfined(root, dir) };
}

describe('reading a cluster job result file', () => {
  it('reads the exit code and names the signal of a regular file', () => {
    const { dir, held } = folder();
    writeFileSync(join(dir, 'attempt-1.result.json'), '{"exitCode":null,"signal":15}');
    expect(readResult(held, 'attempt-1.result.json')).toEqual({ exitCode: null, signal: 'SIGTERM' });
    held.close();
  });

  it('never follows a symlink to a decoy, never opens a FIFO (no hang), and refuses an oversize file', () => {
    const { dir, held, decoy } = folder();
    symlinkSync(decoy, join(dir, 'link.json'));
    expect(readResult(held, 'link.json')).toBeNull();
    execFileSync('mkfifo', [join(dir, 'fifo.json')]);
    expect(readResult(held, 'fifo.json')).toBeNull();
    writeFileSync(join(dir, 'big.json'), `{"exitCode":0,"pad":"${'x'.repeat(70 * 1024)}"}`);
    expect(readResult(held, 'big.json')).toBeNull();
    expect(readFileSync(decoy, 'utf8')).toBe('{"exitCode":0,"signal":null}');
    held.close();
  });
});
