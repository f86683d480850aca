import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunFiles, runCommitPaths } from '../../../adapters/git/run-files.js';

describe('runCommitPaths', () => {
  it('lists the run folder’s projection files, checkpoint index and metrics, its proposal archive, the journal and the inputs, once each', () => {
    expect(runCommitPaths('007', ['policy.json', 'autopilot.json', 'policy.json'])).toEqual([
      'autopilot.json',
      'journal/labbook.md',
      'journal/notes.md',
      'policy.json',
      'proposals/run_007.json',
      'runs/007/checkpoints.json',
      'runs/007/config.json',
      'runs/007/config_diff.json',
      'runs/007/metrics.jsonl',
      'runs/007/notes.txt',
      'runs/007/override.json',
      'runs/007/run.json',
      'runs/007/summary.json',
    ]);
  });
});

describe('readRunFiles', () => {
  it('reads regular files, skips missing ones, and refuses a link or a FIFO without following or opening it', () => {
    const base = mkdtempSync(join(tmpdir(), 'run-files-'));
    const root = join(base, 'ws');
    mkdirSync(join(root, 'runs/001'), { recursive: true });
    mkdirSync(join(root, 'journal'));
    writeFileSync(join(base, 'decoy.txt'), 'DECOY\n');
    writeFileSync(join(root, 'runs/001/config.json'), '{}\n');
    writeFileSync(join(root, 'policy.json'), '{"p":1}\n', { mode: 0o755 });
    symlinkSync(join(base, 'decoy.txt'), join(root, 'runs/001/notes.txt'));
    execFileSync('mkfifo', [join(root, 'journal/notes.md')]);
    const read = readRunFiles(root, 'ws/', ['journal/notes.md', 'policy.json', 'runs/001/config.json', 'runs/001/notes.txt', 'runs/001/summary.json']);
    expect(read.files.map((f) => [f.path, Buffer.from(f.bytes).toString(), f.executable])).toEqual([
      ['ws/policy.json', '{"p":1}\n', true],
      ['ws/runs/001/config.json', '{}\n', false],
    ]);
    expect(read.refused).toEqual([
      { path: 'ws/journal/notes.md', why: 'a fifo, not read' },
      { path: 'ws/runs/001/notes.txt', why: `a symlink to ${join(base, 'decoy.txt')}, not followed` },
    ]);
  });
});
