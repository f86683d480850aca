/**
 * `autopilot eval` on a real run of the built-in trainer: the loop trains one run that saves a
 * checkpoint every 4 epochs, then eval judges its last checkpoint against its first on held-out
 * seeds — real evaluator processes through the launcher, the paired bootstrap, the events and the
 * projections — and refuses or records failure where it must.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { changedRunFolder, recordRunFolder } from '../../adapters/actors/run-folder-after.js';
import type { FolderEntry } from '../../domain/run/run-folder.js';
import { acquireLock } from '../../adapters/lock.js';
import { inRange } from '../../domain/evaluation/held-out-seeds.js';
import { eventsOfType, logOf } from '../support/hostile.js';
import { startCli, until } from '../support/chaos.js';
import { CLI, ROOT, copyShippedWorkspace, patchSettings } from '../support/workspace.js';

const ws = copyShippedWorkspace('autopilot-eval-');
const runDir = join(ws, 'runs', '001');
/** Run 001's folder as the loop left it, before any evaluation. */
let folderBefore: FolderEntry[];

function cli(...args: string[]) {
  return execa('node', [CLI, ...args, '--workspace', ws], { reject: false, all: true });
}

/**
 * An `eval` whose evaluator stalls, SIGKILLed once the evaluator runs: its evaluation is left
 * unended and its evaluator running. The trainer's own command evaluates again afterwards.
 */
async function killStalledEval(): Promise<{ id: string; stalled: number; pid: number }> {
  const mark = join(mkdtempSync(join(tmpdir(), 'autopilot-eval-stall-')), 'stalled.pid');
  patchSettings(ws, { evaluation: { command: [process.execPath, join(ROOT, 'test', 'fixtures', 'stall-once.mjs'), mark, 'unused'] } });
  const first = startCli(['eval', '001', '--workspace', ws]);
  const stalled = await until('the stalled evaluator', () => (existsSync(mark) ? Number(readFileSync(mark, 'utf8')) : undefined), 30_000);
  expect((await first.kill()).signal).toBe('SIGKILL');
  const id = eventsOfType(ws, 'EvaluationPlanned').at(-1)!.data.evaluationId;
  const started = eventsOfType(ws, 'EvaluatorStarted').filter((e) => e.data.evaluationId === id);
  expect(started).toHaveLength(1);
  patchSettings(ws, { evaluation: { command: undefined } });
  return { id, stalled, pid: (started[0]!.data as { pid: number }).pid };
}

beforeAll(async () => {
  // A config that learns within a few epochs: its first checkpoint (epoch 4) is poor, its last (epoch 32) good.
  const path = join(ws, 'configs', 'baseline_quick.json');
  const config = JSON.parse(readFileSync(path, 'utf8')) as { train: Record<string, unknown> };
  Object.assign(config.train, {
    learning_rate: 0.002,
    total_timesteps: 16384,
    batch_size: 512,
    minibatch_size: 128,
    checkpoint_interval: 4,
    update_epochs: 4,
    ent_coef: 0,
    gamma: 0.98,
    gae_lambda: 0.9,
  });
  writeFileSync(path, JSON.stringify(config, null, 2));
  patchSettings(ws, { evaluation: { episodes: 60 } });
  const loop = await cli('loop', '--runs', '1');
  expect(loop.exitCode, loop.all).toBe(0);
  folderBefore = recordRunFolder(ws, runDir);
}, 60_000);

describe('when eval compares the late and the early checkpoint of a built-in trainer run', () => {
  let out: { ok: boolean; paired: { verdict: string; interval: [number, number]; seed: number; n: number }; seeds: { first: number; count: number } };
  beforeAll(async () => {
    const r = await cli('eval', '001', '--vs', '001@4', '--json');
    expect(r.exitCode, r.all).toBe(0);
    out = JSON.parse(r.stdout) as typeof out;
  }, 60_000);

  it('reports the late one better, with the paired interval above zero', () => {
    expect(out.paired.verdict).toBe('improved');
    expect(out.paired.interval[0]).toBeGreaterThan(0);
    expect(out.paired.n).toBe(60);
  });

  it('evaluates on held-out seeds that no training run used', () => {
    const [planned] = eventsOfType(ws, 'EvaluationPlanned');
    const trainingSeeds = eventsOfType(ws, 'RunStarted').map((e) => e.data.seed);
    expect(trainingSeeds.length).toBeGreaterThan(0);
    for (const s of trainingSeeds) expect(inRange(planned!.data.seeds, s!)).toBe(false);
    expect(planned!.data.seeds).toMatchObject({ first: out.seeds.first, count: 60 });
  });

  it('records the plan (checkpoints by hash, argv, bootstrap seed) and the values of each checkpoint by seed', () => {
    const [planned] = eventsOfType(ws, 'EvaluationPlanned');
    const [finished] = eventsOfType(ws, 'EvaluationFinished');
    expect(planned!.data.targets.map((t) => t.checkpoint)).toEqual(['runs/001/checkpoints/model_000032.json', 'runs/001/checkpoints/model_000004.json']);
    for (const t of planned!.data.targets) {
      expect(t.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(t.argv.slice(-7)).toEqual(['--eval-only', '--load-checkpoint', join(ws, t.checkpoint), '--eval.episodes', '60', '--eval.seed', String(out.seeds.first)]);
    }
    expect(planned!.data.bootstrapSeed).toBe(out.paired.seed);
    expect(finished!.data.results.map((r) => r.samples.length)).toEqual([60, 60]);
  });

  it("leaves the run folder unchanged for the loop's check, its eval records aside (and only those)", () => {
    expect(changedRunFolder(ws, runDir, folderBefore)).toEqual([]);
    writeFileSync(join(runDir, 'eval', 'planted.txt'), 'x');
    expect(changedRunFolder(ws, runDir, folderBefore).map((c) => c.path)).toEqual(['runs/001/eval/planted.txt']);
    rmSync(join(runDir, 'eval', 'planted.txt'));
  });

  it('writes journal/evaluations.md and runs/001/eval/e001.json, which rebuild reproduces byte for byte', async () => {
    const journal = readFileSync(join(ws, 'journal', 'evaluations.md'), 'utf8');
    expect(journal).toContain('## e001');
    expect(journal).toMatch(/improved: 001 is better than 001@4 on mean_reward by \+/);
    const record = readFileSync(join(ws, 'runs', '001', 'eval', 'e001.json'), 'utf8');
    expect(JSON.parse(record)).toMatchObject({ evaluation: 'e001', status: 'finished', paired: { verdict: 'improved' } });
    rmSync(join(ws, 'journal', 'evaluations.md'));
    writeFileSync(join(ws, 'runs', '001', 'eval', 'e001.json'), '{}');
    writeFileSync(join(ws, 'runs', '001', 'eval', 'e999.json'), '{}');
    const rebuild = await cli('rebuild');
    expect(rebuild.exitCode, rebuild.all).toBe(0);
    expect(readFileSync(join(ws, 'journal', 'evaluations.md'), 'utf8')).toBe(journal);
    expect(readFileSync(join(ws, 'runs', '001', 'eval', 'e001.json'), 'utf8')).toBe(record);
    expect(() => readFileSync(join(ws, 'runs', '001', 'eval', 'e999.json'))).toThrow();
  }, 30_000);
});

describe('when eval cannot or may not run', () => {
  it('refuses while a loop holds the workspace lock, recording nothing', async () => {
    const before = eventsOfType(ws, 'EvaluationPlanned').length;
    const lock = acquireLock(join(ws, 'autopilot.lock'));
    try {
      const r = await cli('eval', 'best');
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/another autopilot \(pid \d+\) is running on this workspace/);
    } finally {
      lock.release();
    }
    expect(eventsOfType(ws, 'EvaluationPlanned')).toHaveLength(before);
  });

  it('refuses a checkpoint the log does not know, naming those it does', async () => {
    const r = await cli('eval', '001@5');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('it has @4, @8');
  });

  it('records a failed evaluation, with exit 1, when the evaluator crashes', async () => {
    patchSettings(ws, { evaluation: { command: ['node', '-e', 'console.log("boom"); process.exit(3)', '--'] } });
    const r = await cli('eval', 'latest');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/evaluation e00\d failed \(latest, crashed\): the evaluator exited with code 3/);
    const failed = eventsOfType(ws, 'EvaluationFailed').at(-1)!;
    expect(failed.data).toMatchObject({ target: 'latest', reason: 'crashed', tail: ['boom'] });
    expect(readFileSync(join(ws, 'journal', 'evaluations.md'), 'utf8')).toMatch(/failed \(latest\), crashed/);
  });

  it('ends an evaluation an eval killed meanwhile left unended, stopping its evaluator, before it evaluates', async () => {
    const { id, stalled, pid } = await killStalledEval();
    const r = await cli('eval', '001');
    expect(r.exitCode, r.all).toBe(0);
    expect(() => process.kill(stalled, 0)).toThrow();
    expect(eventsOfType(ws, 'EvaluationFailed').at(-1)!.data).toEqual({
      evaluationId: id,
      reason: 'interrupted',
      message: `the eval command ended while it ran; its evaluator (pid ${pid}) still ran and was stopped; run autopilot eval again for a verdict`,
    });
    expect(r.stdout).toContain(`evaluation ${id} failed, interrupted`);
    expect(eventsOfType(ws, 'EvaluationFinished').at(-1)!.data.evaluationId).not.toBe(id);
  });

  it('refuses a summary that is a link, never reading the decoy it points to', async () => {
    const decoy = join(mkdtempSync(join(tmpdir(), 'autopilot-eval-decoy-')), 'summary.json');
    writeFileSync(decoy, JSON.stringify({ metrics: { mean_reward: 500 }, samples: { mean_reward: Array(60).fill(500) } }));
    const plant = `require('fs').symlinkSync(${JSON.stringify(decoy)}, process.env.PUFFER_AUTOPILOT_SUMMARY)`;
    patchSettings(ws, { evaluation: { command: ['node', '-e', plant, '--'] } });
    const r = await cli('eval', '001');
    expect(r.exitCode).toBe(1);
    expect(eventsOfType(ws, 'EvaluationFailed').at(-1)!.data).toMatchObject({ reason: 'no-summary', message: expect.stringContaining('not a regular file') });
    expect(readFileSync(decoy, 'utf8')).toContain('500');
  });

  it('has a loop started after an eval was killed end its evaluation and stop its evaluator before it trains', async () => {
    const { id, stalled, pid } = await killStalledEval();
    const loop = await cli('loop', '--runs', '1');
    expect(loop.exitCode, loop.all).toBe(0);
    expect(() => process.kill(stalled, 0), loop.all).toThrow();
    const log = logOf(ws);
    const at = log.findIndex((e) => e.type === 'EvaluationFailed' && e.data.evaluationId === id);
    const failed = log[at]!;
    expect(failed.data).toEqual({
      evaluationId: id,
      reason: 'interrupted',
      message: `the eval command ended while it ran; its evaluator (pid ${pid}) still ran and was stopped; run autopilot eval again for a verdict`,
    });
    // Ended before the new session's first run was planned, and said so.
    expect(at).toBeLessThan(log.map((e) => e.type).lastIndexOf('RunPlanned'));
    expect(loop.stdout).toContain(`evaluation ${id} failed, interrupted`);
    expect(readFileSync(join(ws, 'journal', 'evaluations.md'), 'utf8')).toContain(`failed, interrupted: the eval command ended while it ran`);
  }, 60_000);
});
