import { describe, expect, it } from 'vitest';
import { capProblems, clipText, summarizeProblems } from '../../../domain/policy/problems.js';
import { validationError, type ValidationError } from '../../../domain/policy/validation-error.js';

const unknown = (i: number): ValidationError => validationError(`x${i}`, i, 'unknown_key', 'is not a key the policy allows', 'one of the policy keys a, b');

describe('when a proposal has more problems than limits.max_problems', () => {
  it('keeps the first max and counts the rest', () => {
    const all = Array.from({ length: 20_000 }, (_, i) => unknown(i));
    const capped = capProblems(all, 100);
    expect(capped.errors).toHaveLength(100);
    expect(capped.errors[0]?.key).toBe('x0');
    expect(capped.errors[99]?.key).toBe('x99');
    expect(capped.omitted).toBe(19_900);
  });

  it('keeps everything and omits nothing at or under the cap, adding what an earlier step had counted', () => {
    expect(capProblems([unknown(1), unknown(2)], 2)).toEqual({ errors: [unknown(1), unknown(2)], omitted: 0 });
    expect(capProblems([unknown(1), unknown(2), unknown(3)], 2, 40).omitted).toBe(41);
  });
});

describe('when problems are summarized on one line', () => {
  it('quotes up to three messages in full', () => {
    const text = summarizeProblems([unknown(1), unknown(2)]);
    expect(text).toBe(`${unknown(1).message}; ${unknown(2).message}`);
  });

  it('names five keys and counts the rest, omitted ones included, whatever their number', () => {
    const kept = Array.from({ length: 100 }, (_, i) => unknown(i));
    const text = summarizeProblems(kept, 19_900);
    expect(text).toBe('x0 (unknown_key), x1 (unknown_key), x2 (unknown_key), x3 (unknown_key), x4 (unknown_key) … and 19995 more (20000 in all)');
  });

  it('clips a huge key or message', () => {
    const huge = validationError('k'.repeat(100_000), 'v'.repeat(100_000), 'unknown_key', 'is not a key the policy allows', 'none');
    expect(summarizeProblems([huge]).length).toBeLessThanOrEqual(300);
    expect(summarizeProblems(Array.from({ length: 10 }, () => huge)).length).toBeLessThan(500);
    expect(clipText('abcdef', 4)).toBe('abc…');
  });
});
