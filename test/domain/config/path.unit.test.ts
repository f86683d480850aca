import { describe, expect, it } from 'vitest';
import { isForbiddenSegment, isPlainObject, isSafeDottedKey } from '../../../domain/config/path.js';

describe('when checking path segments', () => {
  it('forbids segments that reach prototypes', () => {
    expect(['__proto__', 'constructor', 'prototype'].every(isForbiddenSegment)).toBe(true);
    expect(isForbiddenSegment('proto')).toBe(false);
  });

  it('accepts only dotted paths of safe segments', () => {
    expect(isSafeDottedKey('train.learning_rate')).toBe(true);
    expect(isSafeDottedKey('_x.y2')).toBe(true);
    for (const key of ['', '.', 'a.', '.a', 'a..b', 'a-b', '1a', 'a.__proto__', 'constructor', 'a b']) {
      expect(isSafeDottedKey(key)).toBe(false);
    }
  });
});

describe('when recognising plain objects', () => {
  it('accepts object literals and null-prototype objects only', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(null)).toBe(false);
    expect(isPlainObject(new Date())).toBe(false);
    expect(isPlainObject(new (class X {})())).toBe(false);
  });
});
