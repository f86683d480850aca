import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunFiles, runCommitPaths } from '../../../adapters/git/run-files.js';
import type { EvaluationView } from '../../../projections/evaluations.js';

/** An evaluation of `targets` (run ids), made by `by` (for run `runId` when a promotion's). */
function evaluationOf(evaluationId: string, targets: string[], by: 'promotion' | 'command', runId?: string): EvaluationView {
  const target = (id: string) => ({ spec: id, runId: id, checkpoint: `runs/${id}/checkpoints/model_000004.json`, sha256: 'a'.repeat(64), argv: ['node', 'main.js'] });
  const seeds = { first: 1_000_000_000, count: 3, training: { count: 1, max: 1 } };
  const data = { evaluationId, targets: targets.map(target), metric: 'mean_reward', direction: 'maximize' as const, seeds, bootstrapSeed: 42, by, ...(runId ? { runId } : {}) };
  return { planned: { ...data, at: '2026-12-07T10:00:00.000Z' }, finished: null, failed: null, evaluators: [], jobsPlanned: [] };
}

describe('runCommitPaths', () => {
  it('lists the run folder’s projection files, checkpoint index and metrics, its proposal archive, the journal and the inputs, once each', () => {
    expect(runCommitPaths('007', ['policy.json', 'autopilot.json', 'policy.json'])).toEqual([
      'autopilot.json',
      'journal/evaluations.md',
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

  it('adds the record of each promotion confirmation the run’s journal step made, in its folder and the incumbent’s, and no other evaluation’s', () => {
    const evaluations = new Map([
      ['e001', evaluationOf('e001', ['003', '001'], 'command')],
      ['e002', evaluationOf('e002', ['007', '004'], 'promotion', '007')],
      ['e003', evaluationOf('e003', ['005', '004'], 'promotion', '005')],
      ['e004', evaluationOf('e004', ['007', '004'], 'promotion', '007')],
    ]);
    const paths = runCommitPaths('007', [], evaluations);
    expect(paths.filter((p) => p.includes('/eval/'))).toEqual(['runs/004/eval/e002.json', 'runs/004/eval/e004.json', 'runs/007/eval/e002.json', 'runs/007/eval/e004.json']);
    expect(paths).toContain('journal/evaluations.md');
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
