import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultConfig, KEY_SPECS } from '../../../trainers/cartpole/config.js';
import { configToArgv, parseFlags, usage } from '../../../trainers/cartpole/flags.js';

function ok(argv: string[]) {
  const r = parseFlags(argv);
  if (r.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.config;
}

function err(argv: string[]) {
  const r = parseFlags(argv);
  if (r.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(r)}`);
  return r.error;
}

describe('when flags are valid', () => {
  it('returns the defaults for no flags, with bptt_horizon derived', () => {
    const c = ok([]);
    const d = defaultConfig();
    expect(c.train.learning_rate).toBe(d.train.learning_rate);
    expect(c.train.bptt_horizon).toBe(d.train.batch_size / d.env.num_envs);
    expect(c.load_model_path).toBeNull();
  });

  it('reads values from the next argument, PufferLib style', () => {
    const c = ok(['--train.learning-rate', '0.003', '--train.update-epochs', '8', '--env.num-envs', '16', '--train.batch-size', '2048', '--eval.episodes', '64']);
    expect(c.train.learning_rate).toBe(0.003);
    expect(c.train.update_epochs).toBe(8);
    expect(c.env.num_envs).toBe(16);
    expect(c.train.batch_size).toBe(2048);
    expect(c.train.bptt_horizon).toBe(128);
    expect(c.eval.episodes).toBe(64);
  });

  it('accepts --key=value and underscores in key names', () => {
    const c = ok(['--train.ent-coef=0.01', '--train.gae_lambda=0.9', '--load-model-path=/tmp/a=b.json']);
    expect(c.train.ent_coef).toBe(0.01);
    expect(c.train.gae_lambda).toBe(0.9);
    expect(c.load_model_path).toBe('/tmp/a=b.json');
  });

  it('parses True and False as booleans', () => {
    expect(ok(['--train.anneal-lr', 'False']).train.anneal_lr).toBe(false);
    expect(ok(['--train.anneal-lr', 'True']).train.anneal_lr).toBe(true);
    expect(ok(['--train.clip-vloss=True']).train.clip_vloss).toBe(true);
  });

  it('accepts exponent notation for numbers and integers', () => {
    const c = ok(['--train.learning-rate', '3e-4', '--train.total-timesteps', '1e5']);
    expect(c.train.learning_rate).toBe(0.0003);
    expect(c.train.total_timesteps).toBe(100000);
  });

  it('accepts a bptt horizon equal to batch_size / num_envs', () => {
    expect(ok(['--train.batch-size', '1024', '--env.num-envs', '8', '--train.bptt-horizon', '128']).train.bptt_horizon).toBe(128);
  });

  it('lets the last of repeated flags win', () => {
    expect(ok(['--train.gamma', '0.9', '--train.gamma', '0.95']).train.gamma).toBe(0.95);
  });

  it('asks for help on --help', () => {
    expect(parseFlags(['--help']).kind).toBe('help');
    for (const s of KEY_SPECS) expect(usage()).toContain(`--${s.key.replace(/_/g, '-')}`);
  });
});

describe('when flags are invalid', () => {
  it('names an unknown flag', () => {
    const e = err(['--train.learning-rat', '0.1']);
    expect(e.flag).toBe('--train.learning-rat');
    expect(e.message).toMatch(/unknown flag/);
    expect(e.message).toContain('--train.learning-rate');
  });

  it('names the flag and the allowed range for a bad number', () => {
    const e = err(['--train.learning-rate', 'fast']);
    expect(e.flag).toBe('--train.learning-rate');
    expect(e.message).toBe('expected a number > 0 and <= 1, got "fast"');
  });

  it('rejects out-of-range and non-integer values', () => {
    expect(err(['--train.gamma', '1.5']).message).toMatch(/<= 1/);
    expect(err(['--train.update-epochs', '2.5']).message).toMatch(/integer/);
    expect(err(['--train.ent-coef', '-0.1']).flag).toBe('--train.ent-coef');
    expect(err(['--train.learning-rate', '']).flag).toBe('--train.learning-rate');
    expect(err(['--train.learning-rate', 'NaN']).flag).toBe('--train.learning-rate');
  });

  it('rejects booleans other than True/False', () => {
    const e = err(['--train.norm-adv', 'yes']);
    expect(e.flag).toBe('--train.norm-adv');
    expect(e.message).toContain('True or False');
  });

  it('requires at least 32 evaluation episodes', () => {
    expect(err(['--eval.episodes', '16']).message).toContain('from 32');
  });

  it('reports a flag with no value', () => {
    expect(err(['--train.gamma'])).toEqual({ flag: '--train.gamma', message: 'missing value; expected a number > 0 and <= 1' });
  });

  it('rejects positional arguments', () => {
    expect(err(['train']).flag).toBe('train');
  });

  it('rejects a batch size that is not a multiple of the env count', () => {
    const e = err(['--train.batch-size', '1000', '--env.num-envs', '3']);
    expect(e.flag).toBe('--train.batch-size');
  });

  it('rejects a minibatch size that does not divide the batch', () => {
    expect(err(['--train.batch-size', '1024', '--train.minibatch-size', '300']).flag).toBe('--train.minibatch-size');
    expect(err(['--train.batch-size', '1024', '--train.minibatch-size', '2048']).flag).toBe('--train.minibatch-size');
  });

  it('rejects a bptt horizon that disagrees with batch_size / num_envs', () => {
    const e = err(['--train.batch-size', '1024', '--env.num-envs', '8', '--train.bptt-horizon', '64']);
    expect(e.flag).toBe('--train.bptt-horizon');
    expect(e.message).toContain('128');
  });
});

describe('when a nested config is rendered as flags', () => {
  it('produces dashed flags and True/False', () => {
    expect(configToArgv({ train: { learning_rate: 0.01, anneal_lr: false }, env: { num_envs: 4 } })).toEqual([
      '--train.learning-rate',
      '0.01',
      '--train.anneal-lr',
      'False',
      '--env.num-envs',
      '4',
    ]);
  });

  for (const name of ['baseline_quick', 'baseline_full']) {
    it(`accepts every key of autopilot/configs/${name}.json`, () => {
      const path = fileURLToPath(new URL(`../../../autopilot/configs/${name}.json`, import.meta.url));
      const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, unknown>>;
      const c = ok(configToArgv(json));
      for (const [section, values] of Object.entries(json)) {
        for (const [k, v] of Object.entries(values)) {
          expect((c as unknown as Record<string, Record<string, unknown>>)[section]![k]).toBe(v);
        }
      }
    });
  }
});

describe('when the trainer is asked to evaluate a checkpoint', () => {
  it('takes --eval-only bare (as autopilot renders a true top-level boolean) or with a value', () => {
    const bare = ok(['--eval-only', '--load-checkpoint', 'c.json', '--eval.seed', '7']);
    expect(bare).toMatchObject({ eval_only: true, load_checkpoint: 'c.json', eval: { seed: 7 } });
    expect(ok(['--load-checkpoint', 'c.json', '--eval-only']).eval_only).toBe(true);
    expect(ok(['--eval-only', 'True', '--load-checkpoint', 'c.json']).eval_only).toBe(true);
  });

  it('refuses --eval-only without a checkpoint, and a checkpoint without --eval-only', () => {
    expect(err(['--eval-only']).message).toContain('needs --load-checkpoint');
    expect(err(['--load-checkpoint', 'c.json']).message).toContain('--load-model-path');
  });

  it('leaves the evaluation seed unset by default (the train seed decides)', () => {
    expect(ok([]).eval.seed).toBeNull();
  });
});
