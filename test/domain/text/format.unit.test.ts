import { describe, expect, it } from 'vitest';
import { describeKind, formatKey, formatValue } from '../../../domain/text/format.js';

describe('when formatting values for messages', () => {
  it('prints numbers bare and strings quoted', () => {
    expect(formatValue(5)).toBe('5');
    expect(formatValue(Number.NaN)).toBe('NaN');
    expect(formatValue(-Infinity)).toBe('-Infinity');
    expect(formatValue(-0)).toBe('-0');
    expect(formatValue('0.001')).toBe('"0.001"');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(undefined)).toBe('undefined');
    expect(formatValue({ a: [1] })).toBe('{"a":[1]}');
  });

  it('never throws, even on cyclic objects and bigints', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(formatValue(cyclic)).toBe('an object');
    expect(formatValue([1n])).toBe('an array');
    expect(formatValue(1n)).toBe('1n');
    expect(formatValue(Symbol('s'))).toBe('a symbol');
  });

  it('truncates long values', () => {
    expect(formatValue('x'.repeat(1000)).length).toBeLessThanOrEqual(120);
  });
});

describe('when formatting keys and kinds', () => {
  it('quotes keys that would not read clearly', () => {
    expect(formatKey('train.learning_rate')).toBe('train.learning_rate');
    expect(formatKey('')).toBe('""');
    expect(formatKey('a b')).toBe('"a b"');
    expect(formatKey('a\nb')).toBe('"a\\nb"');
  });

  it('names kinds of values', () => {
    expect(describeKind('x')).toBe('a string');
    expect(describeKind(1.5)).toBe('a number');
    expect(describeKind([])).toBe('an array');
    expect(describeKind(null)).toBe('null');
  });
});
