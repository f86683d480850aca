/**
 * Orchestrator decisions applied to an accepted config before it is launched: the run's seed when
 * the proposer did not choose one (the seed policy), and the checkpoint a `continue` run resumes
 * from (`autopilot.resume_mode` / `autopilot.resume_from`) injected as `load_model_path`. Each
 * change is a recorded normalization.
 */
import { getPath, mergeConfig, type Config, type Scalar } from '../config/config.js';
import { diffConfigs, type ConfigChange } from '../config/diff.js';
import { seedFromString } from '../rng.js';
import type { Normalization } from '../policy/rules.js';
import { validationError, type ValidationError } from '../policy/validation-error.js';

/** How a run's seed is chosen when the proposer leaves it alone. */
export interface SeedPolicy {
  /** The config key holding the seed (e.g. `train.seed`); null: the trainer seeds itself, autopilot sets none. */
  key: string | null;
  /** `fixed`: the base config's seed; `increment`: base + run index - 1; `random`: drawn from the run id. */
  policy: 'fixed' | 'increment' | 'random';
}

/** The normalization rule of a replicate's fresh seed (absent from a replicate whose seed could not be set). */
export const REPLICATE_SEED_RULE = 'replicate:fresh_seed';

/** What the launch plan needs to know about the workspace's checkpoints (workspace-relative paths). */
export interface CheckpointPointers {
  latest: string | null;
  best: string | null;
  /** Every checkpoint the log records (RunFinished.checkpoints, less those pruned): what `resume_from` may name. */
  known: readonly string[];
}

/** Known checkpoints listed in an error before it is cut short. */
const LISTED_CHECKPOINTS = 10;

/** What `autopilot.resume_from` may name, given the log's checkpoints. */
export function describeResumeChoices(checkpoints: CheckpointPointers): string {
  const words = 'latest or best (once a run has saved a checkpoint)';
  if (checkpoints.known.length === 0) return `${words}; no run has recorded a checkpoint yet`;
  const listed = checkpoints.known.slice(-LISTED_CHECKPOINTS);
  const more = checkpoints.known.length > listed.length ? `, … (${checkpoints.known.length} in all, the newest listed)` : '';
  return `${words}, or a checkpoint a run recorded: ${listed.join(', ')}${more}`;
}

/** Why `from` (a value of `autopilot.resume_from`) names no checkpoint the log knows, or null when it does. */
function unknownCheckpoint(from: unknown, checkpoints: CheckpointPointers): ValidationError | null {
  if (from === 'latest' || from === 'best') return null;
  if (typeof from === 'string' && checkpoints.known.includes(from)) return null;
  return validationError('autopilot.resume_from', from, 'resume', 'is not a checkpoint the log knows', describeResumeChoices(checkpoints));
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
export type LaunchPlan = { ok: true; config: Config; normalizations: Normalization[]; diff: ConfigChange[] } | { ok: false; errors: ValidationError[] };

/**
 * The checkpoint a config continues from (workspace-relative; null for a fresh run), or why it
 * cannot: `autopilot.resume_from` must be `latest`, `best` or a checkpoint the log knows, whether
 * the proposer names it (`override`) or the run continues (`autopilot.resume_mode: continue`), and
 * `latest`/`best` need a run that saved one. Pure; also used by the `propose` tool of `autopilot mcp`.
 */
export function resumeCheckpoint(
  config: Config,
  override: Record<string, unknown>,
  checkpoints: CheckpointPointers,
): { ok: true; path: string | null; from: string } | { ok: false; error: ValidationError } {
  // A path the proposer names must be a checkpoint a run recorded, not any file of the workspace (a log, a config).
  if (Object.hasOwn(override, 'autopilot.resume_from')) {
    const error = unknownCheckpoint(override['autopilot.resume_from'], checkpoints);
    if (error) return { ok: false, error };
  }
  if (getPath(config, 'autopilot.resume_mode') !== 'continue') return { ok: true, path: null, from: '' };
  const from = getPath(config, 'autopilot.resume_from') ?? 'latest';
  const unknown = unknownCheckpoint(from, checkpoints);
  if (unknown) return { ok: false, error: unknown };
  const path = from === 'latest' ? checkpoints.latest : from === 'best' ? checkpoints.best : (from as string);
  if (path === null)
    return {
      ok: false,
      error: validationError('autopilot.resume_from', from, 'resume', 'has no checkpoint to continue from yet', describeResumeChoices(checkpoints)),
    };
  return { ok: true, path, from: String(from) };
}

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

  const key = args.seeds.key;
  const baseSeed = key === null ? undefined : getPath(args.config, key);
  if (key !== null && args.kind === 'replicate' && typeof baseSeed === 'number') {
    // A replicate must not repeat its parent's seed, whatever the policy or the parent's override say.
    set(key, decideSeed('random', baseSeed, args.runIndex, args.runId), REPLICATE_SEED_RULE);
  } else if (key !== null && args.kind === 'proposal' && !(key in args.override) && typeof baseSeed === 'number') {
    set(key, decideSeed(args.seeds.policy, baseSeed, args.runIndex, args.runId), `seed_policy:${args.seeds.policy}`);
  }

  const resume = resumeCheckpoint(config, args.override, args.checkpoints);
  if (!resume.ok) return { ok: false, errors: [resume.error] };
  if (resume.path !== null) set('load_model_path', args.resolvePath(resume.path), `resume_from:${resume.from}`);
  return { ok: true, config, normalizations, diff: diffConfigs(args.base, config) };
}
