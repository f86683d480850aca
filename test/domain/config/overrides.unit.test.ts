import { describe, expect, it } from 'vitest';
import { collectOverrides } from '../../../domain/config/overrides.js';
import { policy } from '../fixtures.js';

describe('when collecting overrides', () => {
  it('flattens nested and dotted keys into one entry per policy key', () => {
    const { entries, errors } = collectOverrides({ train: { learning_rate: 0.001, gamma: 0.95 }, 'env.num_envs': 64 }, policy);
    expect(errors).toEqual([]);
    expect(Object.fromEntries(entries)).toEqual({ 'train.learning_rate': 0.001, 'train.gamma': 0.95, 'env.num_envs': 64 });
  });

  it('splits dotted keys inside nested sections', () => {
    const { entries } = collectOverrides({ train: {}, env: { num_envs: 8 } }, policy);
    expect([...entries.keys()]).toEqual(['env.num_envs']);
  });

  it('does not descend into sections the policy does not have', () => {
    const { errors } = collectOverrides({ other: { deep: { deeper: { x: 1 } } } }, policy);
    expect(errors).toEqual([expect.objectContaining({ key: 'other', rule: 'unknown_key' })]);
  });

  it('lists the allowed keys in unknown-key errors', () => {
    const { errors } = collectOverrides({ nope: 1 }, policy);
    expect(errors[0]?.expected).toContain('train.learning_rate');
  });

  it('treats a non-object at a section path as an unknown key', () => {
    const { errors } = collectOverrides({ train: 0.1 }, policy);
    expect(errors).toEqual([expect.objectContaining({ key: 'train', rule: 'unknown_key', value: 0.1 })]);
  });
});
