import { describe, expect, it } from 'vitest';
import type { Config } from '../../../domain/config/config.js';
import { parsePolicy, type Policy } from '../../../domain/policy/policy.js';
import { applyRules, describeRule } from '../../../domain/policy/rules.js';

function policyWith(rules: unknown[], keys: Record<string, unknown> = {}): Policy {
  return parsePolicy({ version: 1, keys, rules });
}

describe('when a multiple_of rule applies', () => {
  const policy = policyWith([{ rule: 'multiple_of', key: 'train.minibatch_size', of: 'train.bptt_horizon' }], {
    'train.minibatch_size': { type: 'integer', min: 64, max: 1000 },
  });

  it('rounds the key up to the next multiple and records it', () => {
    const outcome = applyRules({ train: { minibatch_size: 100, bptt_horizon: 64 } }, policy);
    expect(outcome.errors).toEqual([]);
    expect(outcome.config).toEqual({ train: { minibatch_size: 128, bptt_horizon: 64 } });
    expect(outcome.normalizations).toEqual([{ key: 'train.minibatch_size', before: 100, after: 128, rule: 'multiple_of' }]);
  });

  it('leaves an exact multiple alone, without recording anything', () => {
    const outcome = applyRules({ train: { minibatch_size: 192, bptt_horizon: 64 } }, policy);
    expect(outcome.normalizations).toEqual([]);
  });

  it('treats floating-point near-multiples as multiples', () => {
    const floats = policyWith([{ rule: 'multiple_of', key: 'a.x', of: 'a.step' }]);
    expect(applyRules({ a: { x: 0.3, step: 0.1 } }, floats).normalizations).toEqual([]);
  });

  it('rounds down when rounding up would leave the range', () => {
    const outcome = applyRules({ train: { minibatch_size: 999, bptt_horizon: 64 } }, policy);
    expect(outcome.normalizations).toEqual([{ key: 'train.minibatch_size', before: 999, after: 960, rule: 'multiple_of' }]);
  });

  it('fails under the rule name when no multiple fits the range', () => {
    const outcome = applyRules({ train: { minibatch_size: 900, bptt_horizon: 2000 } }, policy);
    expect(outcome.errors).toEqual([expect.objectContaining({ key: 'train.minibatch_size', rule: 'multiple_of', value: 900 })]);
    expect(outcome.errors[0]?.message).toMatch(/^train\.minibatch_size = 900 has no multiple of 2000 within its range/);
  });

  it('fails when the divisor is missing, zero or not a number', () => {
    for (const bptt of [0, -4, 'x']) {
      const outcome = applyRules({ train: { minibatch_size: 100, bptt_horizon: bptt } }, policy);
      expect(outcome.errors).toEqual([expect.objectContaining({ key: 'train.minibatch_size', rule: 'multiple_of' })]);
    }
    expect(applyRules({ train: { minibatch_size: 100 } }, policy).errors[0]?.message).toContain('train.bptt_horizon = null');
  });
});

describe('when equal, lte, gte and product rules apply', () => {
  it('copies the value of another key (equal), adding the key if absent', () => {
    const policy = policyWith([{ rule: 'equal', key: 'train.vf_clip', to: 'train.clip' }]);
    expect(applyRules({ train: { clip: 0.3 } }, policy)).toEqual({
      config: { train: { clip: 0.3, vf_clip: 0.3 } },
      normalizations: [{ key: 'train.vf_clip', before: null, after: 0.3, rule: 'equal' }],
      errors: [],
    });
  });

  it('clamps down (lte) and up (gte)', () => {
    const policy = policyWith([
      { rule: 'lte', key: 'a.mini', than: 'a.batch' },
      { rule: 'gte', key: 'a.gamma', than: 'a.lambda' },
    ]);
    const outcome = applyRules({ a: { mini: 512, batch: 256, gamma: 0.9, lambda: 0.95 } }, policy);
    expect(outcome.normalizations).toEqual([
      { key: 'a.mini', before: 512, after: 256, rule: 'lte' },
      { key: 'a.gamma', before: 0.9, after: 0.95, rule: 'gte' },
    ]);
  });

  it('multiplies factors (product), each rule seeing the previous ones', () => {
    const policy = policyWith([
      { rule: 'equal', key: 'env.num_envs', to: 'vec.envs' },
      { rule: 'product', key: 'train.batch_size', of: ['env.num_envs', 'train.bptt_horizon'] },
    ]);
    const outcome = applyRules({ env: { num_envs: 1 }, vec: { envs: 8 }, train: { bptt_horizon: 16, batch_size: 1 } }, policy);
    expect(outcome.config).toEqual({ env: { num_envs: 8 }, vec: { envs: 8 }, train: { bptt_horizon: 16, batch_size: 128 } });
    expect(outcome.normalizations.map((n) => n.rule)).toEqual(['equal', 'product']);
  });

  it('rejects a result outside the target key range, naming the rule', () => {
    const policy = policyWith([{ rule: 'product', key: 'train.batch_size', of: ['a.x', 'a.y'] }], {
      'train.batch_size': { type: 'integer', min: 1, max: 100 },
    });
    const outcome = applyRules({ a: { x: 20, y: 20 }, train: { batch_size: 10 } }, policy);
    expect(outcome.errors).toEqual([expect.objectContaining({ key: 'train.batch_size', value: 400, rule: 'product' })]);
    expect(outcome.errors[0]?.message).toBe('train.batch_size = 400 is out of range: allowed integer in [1, 100] (set by rule product: train.batch_size = a.x * a.y)');
  });

  it('fails on non-numeric inputs and overflowing products', () => {
    const policy = policyWith([
      { rule: 'lte', key: 'a.x', than: 'a.s' },
      { rule: 'product', key: 'a.p', of: ['a.big', 'a.big'] },
    ]);
    const outcome = applyRules({ a: { x: 1, s: 'high', big: 1e200 } }, policy);
    expect(outcome.errors.map((e) => [e.key, e.rule])).toEqual([
      ['a.x', 'lte'],
      ['a.p', 'product'],
    ]);
  });

  it('does not mutate its input', () => {
    const config: Config = { a: { x: 5, y: 1 } };
    applyRules(config, policyWith([{ rule: 'lte', key: 'a.x', than: 'a.y' }]));
    expect(config).toEqual({ a: { x: 5, y: 1 } });
  });
});

describe('when describing rules', () => {
  it('says what each rule enforces', () => {
    expect(describeRule({ rule: 'multiple_of', key: 'a', of: 'b' })).toBe('multiple_of: a is a multiple of b');
    expect(describeRule({ rule: 'equal', key: 'a', to: 'b' })).toBe('equal: a equals b');
    expect(describeRule({ rule: 'lte', key: 'a', than: 'b' })).toBe('lte: a <= b');
    expect(describeRule({ rule: 'gte', key: 'a', than: 'b' })).toBe('gte: a >= b');
    expect(describeRule({ rule: 'product', key: 'a', of: ['b', 'c'] })).toBe('product: a = b * c');
  });
});
