/**
 * The shipped workspace of the built-in CartPole PPO trainer (`trainers/cartpole/`), as
 * `autopilot init --builtin` writes it: the repository's `autopilot/` folder is this output.
 */
import type { Config } from '../config/config.js';

/** The tuning policy of the CartPole workspace. */
export const CARTPOLE_POLICY = {
  version: 1,
  keys: {
    'train.learning_rate': {
      type: 'number',
      min: 0.0001,
      max: 0.05,
      distribution: 'log_normal',
      description: 'Adam learning rate',
    },
    'train.ent_coef': {
      type: 'number',
      min: 1e-5,
      max: 0.05,
      distribution: 'log_normal',
      description: 'entropy bonus',
    },
    'train.gamma': {
      type: 'number',
      min: 0.95,
      max: 0.999,
      distribution: 'logit_normal',
      description: 'discount factor',
    },
    'train.gae_lambda': {
      type: 'number',
      min: 0.8,
      max: 0.99,
      distribution: 'logit_normal',
      description: 'GAE lambda',
    },
    'train.clip_coef': {
      type: 'number',
      min: 0.05,
      max: 0.4,
      distribution: 'uniform',
      description: 'PPO ratio clip',
    },
    'train.vf_coef': {
      type: 'number',
      min: 0.1,
      max: 1,
      distribution: 'uniform',
      description: 'value loss weight',
    },
    'train.max_grad_norm': {
      type: 'number',
      min: 0.1,
      max: 5,
      distribution: 'log_normal',
      description: 'gradient norm clip',
    },
    'train.update_epochs': {
      type: 'integer',
      min: 1,
      max: 8,
      distribution: 'int_uniform',
      description: 'passes over each batch',
    },
    'train.batch_size': {
      type: 'integer',
      min: 512,
      max: 4096,
      distribution: 'uniform_pow2',
      description: 'agent steps per rollout',
    },
    'train.minibatch_size': {
      type: 'integer',
      min: 64,
      max: 512,
      distribution: 'uniform_pow2',
      description: 'samples per gradient step',
    },
    'train.hidden_size': {
      type: 'enum',
      choices: [16, 32, 64],
      description: 'width of the two hidden layers (cost grows with its square)',
    },
  },
  rules: [
    {
      rule: 'lte',
      key: 'train.minibatch_size',
      than: 'train.batch_size',
      description: 'a minibatch cannot exceed the batch',
    },
  ],
  allowed_paths: ['proposals/next_config.json'],
};

/** The quick-mode baseline: 40,960 agent steps, 32 evaluation episodes. */
export const CARTPOLE_QUICK: Config = {
  train: {
    learning_rate: 0.0001,
    ent_coef: 0.01,
    gamma: 0.99,
    gae_lambda: 0.95,
    clip_coef: 0.2,
    vf_coef: 0.5,
    vf_clip_coef: 10,
    clip_vloss: false,
    max_grad_norm: 0.5,
    update_epochs: 2,
    total_timesteps: 40960,
    batch_size: 1024,
    minibatch_size: 256,
    seed: 1,
    hidden_size: 32,
    anneal_lr: true,
    norm_adv: true,
    checkpoint_interval: 10,
  },
  env: {
    num_envs: 8,
  },
  eval: {
    episodes: 32,
  },
};

/** The full-mode baseline: the same hyperparameters over 163,840 agent steps. */
export const CARTPOLE_FULL: Config = {
  train: {
    learning_rate: 0.0001,
    ent_coef: 0.01,
    gamma: 0.99,
    gae_lambda: 0.95,
    clip_coef: 0.2,
    vf_coef: 0.5,
    vf_clip_coef: 10,
    clip_vloss: false,
    max_grad_norm: 0.5,
    update_epochs: 2,
    total_timesteps: 163840,
    batch_size: 1024,
    minibatch_size: 256,
    seed: 1,
    hidden_size: 32,
    anneal_lr: true,
    norm_adv: true,
    checkpoint_interval: 20,
  },
  env: {
    num_envs: 8,
  },
  eval: {
    episodes: 32,
  },
};

/** The prompt an agent proposer is given (rendered from the log). */
export const CARTPOLE_PROMPT = [
  '# Propose run {{run_id}} (attempt {{attempt}} of {{max_attempts}}, {{mode}} mode)',
  '',
  'You are tuning PPO on CartPole-v1 (the built-in trainer in `trainers/cartpole/`).',
  'Goal: {{metric.direction}} `{{metric.name}}`, the mean return of the final greedy',
  'evaluation episodes (CartPole caps an episode at 500). Propose one change to the',
  "incumbent's config, grounded in the runs below; you do not train anything yourself.",
  '',
  '## What you may change',
  '{{policy_table}}',
  '',
  '## How runs are judged',
  '{{statistics}}',
  '',
  '## The incumbent',
  '{{incumbent}}',
  '',
  '## Recent runs',
  '{{recent_runs}}',
  '',
  '## Last run',
  '{{last_run}}',
  '',
  '{{rejection_errors}}',
  '',
  '## Reply',
  '{{reply_format}}',
  '',
].join('\n');
