import { describe, expect, it } from 'vitest';
import { checkValue, describeSpec } from '../../../domain/policy/key-spec.js';
import type { KeySpec } from '../../../domain/policy/policy.js';

const lr: KeySpec = { type: 'number', min: 1e-5, max: 0.1 };
const epochs: KeySpec = { type: 'integer', min: 1, max: 8 };

describe('when describing a spec', () => {
  it('says what is allowed', () => {
    expect(describeSpec(lr)).toBe('number in [0.00001, 0.1]');
    expect(describeSpec(epochs)).toBe('integer in [1, 8]');
    expect(describeSpec({ type: 'boolean' })).toBe('boolean (true or false)');
    expect(describeSpec({ type: 'enum', choices: ['a', 1, true] })).toBe('one of ["a", 1, true]');
  });
});

describe('when checking a value', () => {
  it('accepts values that fit', () => {
    expect(checkValue('k', 0.01, lr)).toEqual({ ok: true, value: 0.01 });
    expect(checkValue('k', 8, epochs)).toEqual({ ok: true, value: 8 });
  });

  it('names the failing rule', () => {
    const rule = (value: unknown, spec: KeySpec) => {
      const result = checkValue('k', value, spec);
      return result.ok ? 'ok' : result.error.rule;
    };
    expect(rule('0.01', lr)).toBe('type');
    expect(rule(Number.NaN, lr)).toBe('non_finite');
    expect(rule(1, lr)).toBe('range');
    expect(rule(1.5, epochs)).toBe('type');
    expect(rule(Infinity, epochs)).toBe('non_finite');
    expect(rule('a', { type: 'enum', choices: ['b'] })).toBe('choices');
    expect(rule(1, { type: 'enum', choices: ['1'] })).toBe('choices');
    expect(rule('true', { type: 'boolean' })).toBe('type');
  });

  it('reports under a derived rule name when given one', () => {
    const result = checkValue('k', 100, epochs, 'product');
    expect(result.ok ? null : result.error.rule).toBe('product');
  });
});

describe('when a uniform_pow2 key is checked', () => {
  const batch: KeySpec = { type: 'integer', min: 512, max: 4096, distribution: 'uniform_pow2' };

  it('accepts the powers of two in range, ends included', () => {
    for (const v of [512, 1024, 2048, 4096]) expect(checkValue('train.batch_size', v, batch)).toEqual({ ok: true, value: v });
  });

  it('rejects a value in range that is not a power of two, naming the key, the value and the powers allowed', () => {
    const result = checkValue('train.batch_size', 1000, batch);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ key: 'train.batch_size', value: 1000, rule: 'power_of_two' });
    expect(result.error.expected).toBe('a power of two in [512, 4096]: 512, 1024, 2048, 4096');
    expect(result.error.message).toBe('train.batch_size = 1000 is not a power of two: allowed a power of two in [512, 4096]: 512, 1024, 2048, 4096');
    for (const v of [513, 3000, 4095]) expect(checkValue('train.batch_size', v, batch).ok).toBe(false);
  });

  it('still reports range and type first', () => {
    const rule = (value: unknown) => {
      const r = checkValue('k', value, batch);
      return r.ok ? 'ok' : r.error.rule;
    };
    expect(rule(8192)).toBe('range');
    expect(rule(256)).toBe('range');
    expect(rule(1024.5)).toBe('type');
  });

  it('accepts a value a derived rule produced off the powers of two, as long as it is in range', () => {
    expect(checkValue('train.batch_size', 1000, batch, 'lte')).toEqual({ ok: true, value: 1000 });
  });
});
