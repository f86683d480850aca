/**
 * The trainer's configuration: sections and keys (snake_case, as in config
 * JSON and trainer_summary.json), their types, allowed ranges and defaults,
 * and the cross-key rules checked before training.
 */

/** The `train` section (hyperparameters and run settings). */
export interface TrainSection {
  learning_rate: number;
  ent_coef: number;
  gamma: number;
  gae_lambda: number;
  clip_coef: number;
  vf_coef: number;
  vf_clip_coef: number;
  clip_vloss: boolean;
  max_grad_norm: number;
  update_epochs: number;
  total_timesteps: number;
  batch_size: number;
  minibatch_size: number;
  /** Steps per env per rollout; must equal batch_size / num_envs (filled in when not given). */
  bptt_horizon: number;
  seed: number;
  hidden_size: number;
  anneal_lr: boolean;
  norm_adv: boolean;
  adam_beta1: number;
  adam_beta2: number;
  adam_eps: number;
  /** Write a checkpoint every this many epochs (a final one is always written). */
  checkpoint_interval: number;
  device: 'cpu';
}

/** The `env` section. */
export interface EnvSection {
  num_envs: number;
}

/** The `eval` section (final evaluation). */
export interface EvalSection {
  episodes: number;
  /** Seed of the first episode (episode i starts from seed + i), or null: the train seed's evaluation stream. */
  seed: number | null;
}

/** A complete, validated trainer configuration. */
export interface TrainerConfig {
  train: TrainSection;
  env: EnvSection;
  eval: EvalSection;
  /** Checkpoint to continue training from, or null. */
  load_model_path: string | null;
  /** Evaluate `load_checkpoint` without training (`--eval-only`). */
  eval_only: boolean;
  /** The checkpoint `--eval-only` evaluates, or null. */
  load_checkpoint: string | null;
}

/** What a config value may be. */
export type KeyType =
  | { readonly kind: 'float'; readonly min?: number; readonly minExclusive?: boolean; readonly max?: number; readonly maxExclusive?: boolean }
  | { readonly kind: 'int'; readonly min: number; readonly max: number }
  | { readonly kind: 'bool' }
  | { readonly kind: 'choice'; readonly choices: readonly string[] }
  | { readonly kind: 'path' };

/** One accepted key: `section.name` (or a bare top-level name), its type and help. */
export interface KeySpec {
  readonly key: string;
  readonly type: KeyType;
  readonly help: string;
  /** When false the key has no default (derived from others). */
  readonly hasDefault: boolean;
}

const f = (min: number, max: number | undefined, opts: { minEx?: boolean; maxEx?: boolean } = {}): KeyType =>
  max === undefined ? { kind: 'float', min, minExclusive: opts.minEx ?? false } : { kind: 'float', min, minExclusive: opts.minEx ?? false, max, maxExclusive: opts.maxEx ?? false };
const i = (min: number, max: number): KeyType => ({ kind: 'int', min, max });
const b: KeyType = { kind: 'bool' };

/** Every key the trainer accepts, in help order. */
export const KEY_SPECS: readonly KeySpec[] = [
  { key: 'train.learning_rate', type: f(0, 1, { minEx: true }), help: 'Adam learning rate', hasDefault: true },
  { key: 'train.ent_coef', type: f(0, 1), help: 'entropy bonus coefficient', hasDefault: true },
  { key: 'train.gamma', type: f(0, 1, { minEx: true }), help: 'discount factor', hasDefault: true },
  { key: 'train.gae_lambda', type: f(0, 1), help: 'GAE lambda', hasDefault: true },
  { key: 'train.clip_coef', type: f(0, 10, { minEx: true }), help: 'PPO ratio clip range', hasDefault: true },
  { key: 'train.vf_coef', type: f(0, 100), help: 'value loss coefficient', hasDefault: true },
  { key: 'train.vf_clip_coef', type: f(0, 1e6, { minEx: true }), help: 'value clip range (with clip_vloss)', hasDefault: true },
  { key: 'train.clip_vloss', type: b, help: 'clip the value loss around the rollout values', hasDefault: true },
  { key: 'train.max_grad_norm', type: f(0, 1e6, { minEx: true }), help: 'global gradient norm clip', hasDefault: true },
  { key: 'train.update_epochs', type: i(1, 100), help: 'passes over each batch', hasDefault: true },
  { key: 'train.total_timesteps', type: i(1, 1_000_000_000), help: 'agent steps to train for', hasDefault: true },
  { key: 'train.batch_size', type: i(1, 10_000_000), help: 'agent steps per rollout (epoch)', hasDefault: true },
  { key: 'train.minibatch_size', type: i(1, 10_000_000), help: 'samples per gradient step; divides batch_size', hasDefault: true },
  { key: 'train.bptt_horizon', type: i(1, 10_000_000), help: 'steps per env per rollout; must equal batch_size / num_envs', hasDefault: false },
  { key: 'train.seed', type: i(0, Number.MAX_SAFE_INTEGER), help: 'seed of every random choice', hasDefault: true },
  { key: 'train.hidden_size', type: i(1, 1024), help: 'width of the two tanh hidden layers', hasDefault: true },
  { key: 'train.anneal_lr', type: b, help: 'decay the learning rate linearly to 0', hasDefault: true },
  { key: 'train.norm_adv', type: b, help: 'normalize advantages per minibatch', hasDefault: true },
  { key: 'train.adam_beta1', type: f(0, 1, { maxEx: true }), help: 'Adam beta1', hasDefault: true },
  { key: 'train.adam_beta2', type: f(0, 1, { maxEx: true }), help: 'Adam beta2', hasDefault: true },
  { key: 'train.adam_eps', type: f(0, 1, { minEx: true }), help: 'Adam epsilon', hasDefault: true },
  { key: 'train.checkpoint_interval', type: i(1, 1_000_000_000), help: 'epochs between checkpoints (a final one is always written)', hasDefault: true },
  { key: 'train.device', type: { kind: 'choice', choices: ['cpu'] }, help: 'compute device', hasDefault: true },
  { key: 'env.num_envs', type: i(1, 4096), help: 'parallel CartPole environments', hasDefault: true },
  { key: 'eval.episodes', type: i(32, 100_000), help: 'episodes of the final evaluation', hasDefault: true },
  { key: 'eval.seed', type: i(0, Number.MAX_SAFE_INTEGER), help: 'seed of the first evaluation episode (episode i uses seed + i)', hasDefault: true },
  { key: 'load_model_path', type: { kind: 'path' }, help: 'checkpoint to continue training from', hasDefault: true },
  { key: 'eval_only', type: b, help: 'evaluate --load-checkpoint and exit, training nothing (a bare flag)', hasDefault: true },
  { key: 'load_checkpoint', type: { kind: 'path' }, help: 'the checkpoint --eval-only evaluates', hasDefault: true },
];

/**
 * Defaults: a config that learns CartPole well (final eval mean reward near
 * 500) given enough timesteps.
 */
export function defaultConfig(): TrainerConfig {
  return {
    train: {
      learning_rate: 0.008,
      ent_coef: 0.0,
      gamma: 0.98,
      gae_lambda: 0.9,
      clip_coef: 0.2,
      vf_coef: 0.5,
      vf_clip_coef: 10.0,
      clip_vloss: false,
      max_grad_norm: 0.5,
      update_epochs: 4,
      total_timesteps: 100_000,
      batch_size: 1024,
      minibatch_size: 256,
      bptt_horizon: 0, // derived: batch_size / num_envs
      seed: 1,
      hidden_size: 32,
      anneal_lr: true,
      norm_adv: true,
      adam_beta1: 0.9,
      adam_beta2: 0.999,
      adam_eps: 1e-5,
      checkpoint_interval: 25,
      device: 'cpu',
    },
    env: { num_envs: 8 },
    eval: { episodes: 32, seed: null },
    load_model_path: null,
    eval_only: false,
    load_checkpoint: null,
  };
}

/** `train.learning_rate` -> `--train.learning-rate`. */
export function flagName(key: string): string {
  return `--${key.replace(/_/g, '-')}`;
}

/** Describe the allowed values of a key type, for error messages and help. */
export function describeType(t: KeyType): string {
  switch (t.kind) {
    case 'float': {
      const lo = t.min === undefined ? '' : `${t.minExclusive ? '>' : '>='} ${t.min}`;
      const hi = t.max === undefined ? '' : `${t.maxExclusive ? '<' : '<='} ${t.max}`;
      return `a number ${[lo, hi].filter(Boolean).join(' and ')}`.trim();
    }
    case 'int':
      return `an integer from ${t.min} to ${t.max}`;
    case 'bool':
      return 'True or False';
    case 'choice':
      return `one of ${t.choices.join(', ')}`;
    case 'path':
      return 'a file path';
  }
}

/** A rejected flag or key: which one, and what is allowed. */
export interface ConfigError {
  readonly flag: string;
  readonly message: string;
}

/**
 * Check the rules that tie keys together and fill in derived values
 * (`bptt_horizon`). Mutates `cfg` only to fill `train.bptt_horizon` when it was 0.
 * @returns null if the config is usable, else the first problem found
 */
export function validateConfig(cfg: TrainerConfig): ConfigError | null {
  if (cfg.eval_only && cfg.load_checkpoint === null) return { flag: '--eval-only', message: 'needs --load-checkpoint PATH (the checkpoint to evaluate)' };
  if (!cfg.eval_only && cfg.load_checkpoint !== null) {
    return { flag: '--load-checkpoint', message: 'is read only with --eval-only (to continue training from a checkpoint use --load-model-path)' };
  }
  const t = cfg.train;
  const n = cfg.env.num_envs;
  if (t.batch_size % n !== 0) {
    return { flag: flagName('train.batch_size'), message: `must be a multiple of --env.num-envs (${n}), got ${t.batch_size}` };
  }
  const horizon = t.batch_size / n;
  if (t.bptt_horizon === 0) t.bptt_horizon = horizon;
  else if (t.bptt_horizon !== horizon) {
    return {
      flag: flagName('train.bptt_horizon'),
      message: `must equal batch_size / num_envs = ${t.batch_size} / ${n} = ${horizon}, got ${t.bptt_horizon}`,
    };
  }
  if (t.minibatch_size > t.batch_size) {
    return { flag: flagName('train.minibatch_size'), message: `must be <= --train.batch-size (${t.batch_size}), got ${t.minibatch_size}` };
  }
  if (t.batch_size % t.minibatch_size !== 0) {
    return { flag: flagName('train.minibatch_size'), message: `must divide --train.batch-size (${t.batch_size}), got ${t.minibatch_size}` };
  }
  return null;
}
