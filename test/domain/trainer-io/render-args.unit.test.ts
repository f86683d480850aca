import { describe, expect, it } from 'vitest';
import { renderArgs, renderValue } from '../../../domain/trainer-io/render-args.js';

describe('when rendering trainer arguments', () => {
  it('renders sorted PufferLib-style flags, each value its own argv item', () => {
    expect(
      renderArgs({
        train: { learning_rate: 0.0003, anneal_lr: true, total_timesteps: 10_000_000 },
        env: { num_envs: 8, name: 'puffer_breakout' },
        vec: { zero_copy: false },
      }),
    ).toEqual([
      '--env.name',
      'puffer_breakout',
      '--env.num-envs',
      '8',
      '--train.anneal-lr',
      'True',
      '--train.learning-rate',
      '0.0003',
      '--train.total-timesteps',
      '10000000',
      '--vec.zero-copy',
      'False',
    ]);
  });

  it('prints numbers as String(n)', () => {
    expect(renderValue(0.0003)).toBe('0.0003');
    expect(renderValue(1e-7)).toBe('1e-7');
    expect(renderValue(1e21)).toBe('1e+21');
    expect(renderValue(-2)).toBe('-2');
  });

  it('keeps hostile strings verbatim as one argv item', () => {
    expect(renderArgs({ env: { name: '; touch /tmp/pwned #' } })).toEqual(['--env.name', '; touch /tmp/pwned #']);
    expect(renderArgs({ env: { name: '$(rm -rf ~) "quoted" \'single\'\nnewline' } })).toEqual(['--env.name', '$(rm -rf ~) "quoted" \'single\'\nnewline']);
    expect(renderArgs({ env: { name: '' } })).toEqual(['--env.name', '']);
  });

  it('never renders the autopilot section', () => {
    expect(renderArgs({ autopilot: { mode: 'quick', budget: { runs: 3 } }, autopilots: { x: 1 }, train: { lr: 1 } })).toEqual(['--autopilots.x', '1', '--train.lr', '1']);
    expect(renderArgs({ autopilot: 'x' })).toEqual([]);
  });

  it("renders a top-level boolean as PufferLib's store_true flags want it: the bare flag, or nothing", () => {
    expect(renderArgs({ wandb: true, neptune: false, train: { anneal_lr: false } })).toEqual(['--train.anneal-lr', 'False', '--wandb']);
    expect(renderArgs({ wandb: false })).toEqual([]);
  });

  it('joins a value that starts with "-" to its flag, so that argparse reads it as a value', () => {
    expect(renderArgs({ train: { gamma: -1e-5, lr: 1e-5 }, tag: '-x', seed: -3 })).toEqual(['--seed=-3', '--tag=-x', '--train.gamma=-0.00001', '--train.lr', '0.00001']);
  });

  it('keeps the underscores of every key with flag names "as-is", and the other rules as they are', () => {
    const config = { learning_rate: 0.01, num_envs: 8, norm_adv: true, train: { clip_coef: -0.2, anneal_lr: false } };
    expect(renderArgs(config, 'as-is')).toEqual(['--learning_rate', '0.01', '--norm_adv', '--num_envs', '8', '--train.anneal_lr', 'False', '--train.clip_coef=-0.2']);
    expect(renderArgs(config)).toEqual(renderArgs(config, 'kebab'));
    expect(renderArgs(config)).toContain('--learning-rate');
  });
});
