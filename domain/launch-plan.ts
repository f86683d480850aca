/**
 * Orchestrator decisions applied to an accepted config before it is launched: the run's seed when
 * the proposer did not choose one (the seed policy), and the checkpoint a `continue` run resumes
 * from (`autopilot.resume_mode` / `autopilot.resume_from`) injected as `load_model_path`. Each
 * change is a recorded normalization.
 */
import { getPath, mergeConfig, type Config, type Scalar } from './config.js';
import { diffConfigs, type ConfigChange } from './diff.js';
import { seedFromString } from './rng.js';
import type { Normalization } from './rules.js';
import { validationError, type ValidationError } from './validation-error.js';

/** How a run's seed is chosen when the proposer leaves it alone. */
export interface SeedPolicy {
  /** The config key holding the seed (e.g. `train.seed`). */
  key: string;
  /** `fixed`: the base config's seed; `increment`: base + run index - 1; `random`: drawn from the run id. */
  policy: 'fixed' | 'increment' | 'random';
}

/** What the launch plan needs to know about the workspace's checkpoints (workspace-relative paths). */
export interface CheckpointPointers {
  latest: string | null;
  best: string | null;
}

/** The seed of run `index` under `policy`, given the base config's seed. Deterministic. */
export function decideSeed(policy: SeedPolicy['policy'], baseSeed: number, index: number, runId: string): number {
  switch (policy) {
    case 'fixed':
      return baseSeed;
    case 'increment':
      return baseSeed + index - 1;
    case 'random':
      return seedFromString(`seed/${runId}`) & 0x7fffffff;
  }
}

/** The plan's outcome: the final config with its normalizations and diff, or the errors. */
export type LaunchPlan =
  | { ok: true; config: Config; normalizations: Normalization[]; diff: ConfigChange[] }
  | { ok: false; errors: ValidationError[] };

/** Applies the seed policy and the resume settings to a validated config. Pure. */
export function planLaunch(args: {
  base: Config;
  config: Config;
  override: Record<string, Scalar>;
  kind: 'baseline' | 'proposal' | 'replicate';
  runIndex: number;
  runId: string;
  seeds: SeedPolicy;
  checkpoints: CheckpointPointers;
  /** Turns a workspace-relative checkpoint path into what the trainer gets. */
  resolvePath: (relative: string) => string;
}): LaunchPlan {
  let config = args.config;
  const normalizations: Normalization[] = [];
  const set = (key: string, value: Scalar, rule: string) => {
    const before = getPath(config, key);
    if (before === value) return;
    config = mergeConfig(config, { [key]: value });
    normalizations.push({ key, before: before === undefined || typeof before === 'object' ? null : before, after: value, rule });
  };

  const baseSeed = getPath(args.config, args.seeds.key);
  if (args.kind === 'replicate' && typeof baseSeed === 'number') {
    // A replicate must not repeat its parent's seed, whatever the policy or the parent's override say.
    set(args.seeds.key, decideSeed('random', baseSeed, args.runIndex, args.runId), 'replicate:fresh_seed');
  } else if (args.kind === 'proposal' && !(args.seeds.key in args.override) && typeof baseSeed === 'number') {
    set(args.seeds.key, decideSeed(args.seeds.policy, baseSeed, args.runIndex, args.runId), `seed_policy:${args.seeds.policy}`);
  }

  if (getPath(config, 'autopilot.resume_mode') === 'continue') {
    const from = getPath(config, 'autopilot.resume_from') ?? 'latest';
    const path = from === 'latest' ? args.checkpoints.latest : from === 'best' ? args.checkpoints.best : typeof from === 'string' ? from : null;
    if (path === null)
      return {
        ok: false,
        errors: [
          validationError('autopilot.resume_from', from, 'resume', `has no checkpoint to continue from yet`, 'latest or best once a run has saved a checkpoint, or a checkpoint file'),
        ],
      };
    set('load_model_path', args.resolvePath(path), `resume_from:${String(from)}`);
  }
  return { ok: true, config, normalizations, diff: diffConfigs(args.base, config) };
}
