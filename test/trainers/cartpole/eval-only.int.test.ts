/**
 * `--eval-only --load-checkpoint PATH --eval.episodes N --eval.seed S`: the compiled trainer
 * evaluates a saved checkpoint without training, one episode per seed S, S+1, …, and writes the
 * normal summary with per-episode samples, so two checkpoints evaluated from one S pair by seed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../support/workspace.js';

const MAIN = join(ROOT, 'dist/trainers/cartpole/main.js');
// Learns within a few epochs: the first checkpoint is poor, the last one good.
const CONFIG = ['--train.learning-rate', '0.002', '--train.total-timesteps', '16384', '--train.batch-size', '512', '--train.minibatch-size', '128', '--train.checkpoint-interval', '4'];
const tmp = mkdtempSync(join(tmpdir(), 'cartpole-eval-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Summary {
  metrics: { mean_reward: number; epoch: number; eval_episodes: number };
  samples: { mean_reward: number[]; episode_length: number[] };
  eval: { episodes: number; seed: number | null };
  checkpoint: string;
}

function trainer(argv: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [MAIN, ...argv], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
}

function evaluate(checkpoint: string, seed: number, name: string): Summary {
  const summary = join(tmp, `${name}.json`);
  const r = trainer([...CONFIG, '--eval-only', '--load-checkpoint', checkpoint, '--eval.episodes', '40', '--eval.seed', String(seed)], {
    PUFFER_AUTOPILOT_RUN_DIR: join(tmp, `eval-${name}`),
    PUFFER_AUTOPILOT_SUMMARY: summary,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(readFileSync(summary, 'utf8')) as Summary;
}

describe('when the built-in trainer evaluates an early and a late checkpoint of one run', () => {
  let checkpoints: string[];
  beforeAll(() => {
    const r = trainer(CONFIG, { PUFFER_AUTOPILOT_RUN_DIR: join(tmp, 'run'), PUFFER_AUTOPILOT_SUMMARY: join(tmp, 'run', 'trainer_summary.json') });
    expect(r.status, r.stderr).toBe(0);
    checkpoints = readdirSync(join(tmp, 'run', 'checkpoints'))
      .sort()
      .map((f) => join(tmp, 'run', 'checkpoints', f));
  }, 60_000);

  it('writes the summary with one sample per episode, the checkpoint and the seed it used, and trains nothing', () => {
    const s = evaluate(checkpoints[0]!, 1_000_000, 'early');
    expect(s.samples.mean_reward).toHaveLength(40);
    expect(s.samples.episode_length).toHaveLength(40);
    expect(s.metrics).toMatchObject({ epoch: 4, eval_episodes: 40 });
    expect(s.eval).toEqual({ episodes: 40, seed: 1_000_000 });
    expect(s.checkpoint).toBe(checkpoints[0]);
    expect(existsSync(join(tmp, 'eval-early', 'checkpoints'))).toBe(false);
  });

  it('gives the same returns for the same checkpoint and seeds, and other returns from other seeds', () => {
    const a = evaluate(checkpoints[0]!, 2_000_000, 'a');
    const b = evaluate(checkpoints[0]!, 2_000_000, 'b');
    const c = evaluate(checkpoints[0]!, 3_000_000, 'c');
    expect(b.samples.mean_reward).toEqual(a.samples.mean_reward);
    expect(c.samples.mean_reward).not.toEqual(a.samples.mean_reward);
    // Episode i depends on seed S + i alone: starting one seed later shifts the episodes by one.
    const shifted = evaluate(checkpoints[0]!, 2_000_001, 'shifted');
    expect(shifted.samples.mean_reward.slice(0, 39)).toEqual(a.samples.mean_reward.slice(1));
  });

  it('finds the late checkpoint far better than the early one on the same seeds', () => {
    const early = evaluate(checkpoints[0]!, 5_000_000, 'e');
    const late = evaluate(checkpoints.at(-1)!, 5_000_000, 'l');
    expect(late.metrics.mean_reward).toBeGreaterThan(early.metrics.mean_reward + 100);
  });

  it('refuses a checkpoint of another architecture with exit 2, naming the flag', () => {
    const r = trainer([...CONFIG, '--train.hidden-size', '16', '--eval-only', '--load-checkpoint', checkpoints[0]!], { PUFFER_AUTOPILOT_SUMMARY: join(tmp, 'x.json') });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--load-checkpoint: architecture mismatch');
  });
});
