/**
 * The built-in CartPole trainer as a benchmark objective: each evaluation runs the compiled
 * trainer (quick mode: the shipped baseline_quick config with the proposal merged in) as a
 * child process and scores the final evaluation's mean reward (maximized, at most 500).
 *
 * The trainer's seed is fixed by the evaluation's place (bench seed, index), so every method
 * meets the same training noise at the same step of the same bench seed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../domain/config/config.js';
import { parsePolicy } from '../../domain/policy/policy.js';
import { PROJECT_ROOT } from '../../adapters/workspace.js';
import { configToArgv } from '../../trainers/cartpole/flags.js';
import type { EvalContext, Objective } from './objective.js';

const MAIN = join(PROJECT_ROOT, 'dist', 'trainers', 'cartpole', 'main.js');

/** The trainer seed of an evaluation: distinct for every (bench seed, index) pair below 1000 evaluations. */
export function trainerSeed(at: EvalContext): number {
  return 1 + 1000 * at.seed + at.index;
}

/** Runs the trainer on `config` with the evaluation's seed; the mean reward, or null when it failed. */
export async function runTrainer(config: Config, at: EvalContext): Promise<number | null> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cartpole-'));
  const summary = join(dir, 'trainer_summary.json');
  try {
    const argv = [...configToArgv(config), '--train.seed', String(trainerSeed(at))];
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [MAIN, ...argv], {
        env: { ...process.env, PUFFER_AUTOPILOT_RUN_ID: `bench-${at.seed}-${at.index}`, PUFFER_AUTOPILOT_RUN_DIR: dir, PUFFER_AUTOPILOT_SUMMARY: summary },
        stdio: ['ignore', 'ignore', 'ignore'],
      });
      child.on('error', reject);
      child.on('exit', (c) => resolve(c));
    });
    if (code !== 0) return null;
    const parsed = JSON.parse(readFileSync(summary, 'utf8')) as { metrics?: { mean_reward?: unknown } };
    const reward = parsed.metrics?.mean_reward;
    return typeof reward === 'number' && Number.isFinite(reward) ? reward : null;
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The CartPole objective over the shipped workspace's policy and quick baseline. */
export function cartpole(): Objective {
  const read = (path: string): unknown => JSON.parse(readFileSync(join(PROJECT_ROOT, path), 'utf8'));
  return {
    name: 'cartpole',
    description: 'built-in CartPole PPO trainer, quick mode (40,960 steps), mean reward of the final evaluation; the shipped policy',
    policy: parsePolicy(read('autopilot/policy.json')),
    base: read('autopilot/configs/baseline_quick.json') as Config,
    direction: 'maximize',
    optimum: null,
    // CartPole-v1 ends an episode at 500 steps, so 500 is the most a config can score.
    ceiling: 500,
    evaluate: runTrainer,
  };
}
