import type { Config } from '../../domain/config/config.js';
import { parsePolicy, type Policy } from '../../domain/policy/policy.js';
import type { DataOf } from '../../events/catalogue.js';

/** A policy shaped like the shipped one: every key type, every distribution, every rule. */
export const policyJson = {
  version: 1,
  keys: {
    'train.learning_rate': { type: 'number', min: 1e-5, max: 0.1, description: 'Adam step size' },
    'train.gamma': { type: 'number', min: 0.9, max: 0.9999, distribution: 'logit_normal', mean: 0.99, scale: 1 },
    'train.gae_lambda': { type: 'number', min: 0.8, max: 0.99, distribution: 'uniform' },
    'train.ent_coef': { type: 'number', min: 1e-5, max: 0.05, distribution: 'log_normal' },
    'train.clip_coef': { type: 'number', min: 0.05, max: 0.5 },
    'train.update_epochs': { type: 'integer', min: 1, max: 8 },
    'train.minibatch_size': { type: 'integer', min: 512, max: 65536, distribution: 'uniform_pow2' },
    'train.bptt_horizon': { type: 'integer', min: 16, max: 128, distribution: 'uniform_pow2' },
    'train.total_timesteps': { type: 'integer', min: 1000, max: 100000000, distribution: 'log_normal' },
    'train.optimizer': { type: 'enum', choices: ['adam', 'muon'] },
    'train.anneal_lr': { type: 'boolean' },
    'env.num_envs': { type: 'integer', min: 32, max: 256, distribution: 'uniform_pow2' },
    'vec.num_workers': { type: 'integer', min: 1, max: 16, distribution: 'int_uniform' },
  },
  rules: [
    { rule: 'multiple_of', key: 'env.num_envs', of: 'vec.num_workers' },
    { rule: 'product', key: 'train.batch_size', of: ['env.num_envs', 'train.bptt_horizon'] },
    { rule: 'lte', key: 'train.minibatch_size', than: 'train.batch_size' },
    { rule: 'gte', key: 'train.gamma', than: 'train.gae_lambda' },
    { rule: 'equal', key: 'train.vf_clip_coef', to: 'train.clip_coef' },
  ],
  allowed_paths: ['proposals/next_config.json', 'journal/notes.md'],
};

/** The parsed fixture policy. */
export const policy: Policy = parsePolicy(policyJson);

/** A baseline config consistent with the fixture policy's rules. */
export function baseConfig(): Config {
  return {
    train: {
      learning_rate: 0.0003,
      gamma: 0.99,
      gae_lambda: 0.95,
      ent_coef: 0.01,
      clip_coef: 0.2,
      vf_clip_coef: 0.2,
      update_epochs: 4,
      minibatch_size: 8192,
      bptt_horizon: 64,
      batch_size: 16384,
      total_timesteps: 10000000,
      optimizer: 'adam',
      anneal_lr: true,
    },
    env: { name: 'puffer_breakout', num_envs: 256 },
    vec: { num_workers: 8 },
    autopilot: { mode: 'quick' },
  };
}

/** An object with `key` as an own enumerable property, exactly as `JSON.parse` would build it. */
export function withOwn(entries: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** True when nothing has been added to Object.prototype. */
export function prototypeIsClean(): boolean {
  const probe = {} as Record<string, unknown>;
  return probe['polluted'] === undefined && probe['x'] === undefined && Object.keys(Object.prototype).length === 0;
}

/** Run 007's evaluation against incumbent 004: improved by 41.2 [18.5, 63.0], n=32/32, a bootstrap with Welch's cross-check. */
export const evaluation = (over: Partial<DataOf<'RunEvaluated'>> = {}): DataOf<'RunEvaluated'> => ({
  runId: '007',
  metric: 'mean_reward',
  direction: 'maximize',
  verdict: 'improved',
  method: 'bootstrap-percentile',
  candidate: { mean: 441.2, n: 32 },
  incumbent: { runId: '004', mean: 400, n: 32 },
  delta: 41.2,
  seed: 123,
  alpha: 0.05,
  sidedness: 'two-sided',
  resamples: 10_000,
  interval: [18.5, 63.0],
  welch: { t: 3.1, df: 61.2, p: 0.003 },
  ...over,
});
