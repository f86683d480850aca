import { describe, expect, it } from 'vitest';
import { checkValue, describeSpec } from '../../domain/key-spec.js';
import type { KeySpec } from '../../domain/policy.js';

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
