/**
 * A fresh workspace for one session of the through-the-loop suite: the objective's policy, its
 * baseline as both baseline configs, the bench trainer as `trainer.command`, and the method's
 * proposer. Everything else is the loop's defaults (statistics, replicates, seeds), as a user
 * who just wrote these files would have it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../adapters/workspace.js';
import type { LoopObjective } from '../objectives/multimodal.js';
import { STARTUP } from '../proposers/methods.js';
import { PYTHON } from '../proposers/optuna.js';
import { BENCH_SEED_ENV } from './trainer-core.js';

/** A method of the through-the-loop suite: the proposer a session's workspace names. */
export type LoopMethod = 'builtin' | 'random' | 'optuna';

/** The compiled bench trainer and the Optuna command proposer. */
export const TRAINER = join(PROJECT_ROOT, 'dist', 'bench', 'loop', 'trainer.js');
export const OPTUNA_PROPOSER = join(PROJECT_ROOT, 'bench', 'optuna_propose.py');

const PROMPT = `# Propose run {{run_id}}\n\nMaximize \`{{metric.name}}\`.\n\n{{policy_table}}\n\n{{recent_runs}}\n\n{{rejection_errors}}\n\n{{reply_format}}\n`;

/** The `proposer` section of autopilot.json for `method`, seeded from the bench seed. */
export function proposerSettings(method: LoopMethod, benchSeed: number): Record<string, unknown> {
  if (method === 'optuna')
    return {
      kind: 'command',
      max_attempts: 3,
      // Optuna's import takes a second or two; the loop's 900 s default would hide a hang for long.
      command: {
        argv: [PYTHON, OPTUNA_PROPOSER],
        env: { [BENCH_SEED_ENV]: String(benchSeed), AUTOPILOT_OPTUNA_STARTUP: String(STARTUP) },
        wall_seconds: 120,
        no_output_seconds: 120,
        grace_seconds: 2,
      },
    };
  return { kind: method, max_attempts: 3, seed: benchSeed };
}

/** Writes the workspace of one session under a new temp dir and returns its path. */
export function createLoopWorkspace(objective: LoopObjective, method: LoopMethod, benchSeed: number, runs: number): string {
  const ws = join(mkdtempSync(join(tmpdir(), `bench-loop-${objective.name}-${method}-${benchSeed}-`)), 'workspace');
  for (const dir of ['configs', 'prompts', 'proposals', 'runs', 'logs', 'journal', 'models', 'scripts']) mkdirSync(join(ws, dir), { recursive: true });
  const json = (rel: string, value: unknown) => writeFileSync(join(ws, rel), `${JSON.stringify(value, null, 2)}\n`);
  json('autopilot.json', {
    trainer: {
      command: [process.execPath, TRAINER, '--objective', objective.name],
      cwd: '.',
      env: { [BENCH_SEED_ENV]: String(benchSeed) },
    },
    launcher: 'local',
    proposer: proposerSettings(method, benchSeed),
    metric: { name: 'mean_reward', direction: 'maximize' },
    runs,
    mode: 'quick',
    timeouts: { quick: { wall_seconds: 60, no_output_seconds: 30, grace_seconds: 2 } },
    // The session must spend its whole budget: a run of failures halts it as it would a user's.
    budgets: { max_consecutive_failures: 3 },
  });
  json('policy.json', objective.policyJson);
  json('configs/baseline_quick.json', objective.baseline);
  json('configs/baseline_full.json', objective.baseline);
  json('proposals/next_config.json', {});
  writeFileSync(join(ws, 'prompts', 'propose.md'), PROMPT);
  return ws;
}
