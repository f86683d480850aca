import { describe, expect, it } from 'vitest';
import { capText, planCopies } from '../../../adapters/fs/copy-plan.js';

describe('planCopies', () => {
  const limits = { keepBytes: 100, keepBudget: 150 };

  it('keeps the smallest files first, whatever order they come in', () => {
    const plan = planCopies(
      [
        { key: 'a', size: 90 },
        { key: 'b', size: 40 },
        { key: 'c', size: 40 },
        { key: 'd', size: 40 },
      ],
      limits,
    );
    expect(Object.fromEntries(plan)).toEqual({ a: 'budget', b: 'kept', c: 'kept', d: 'kept' });
  });

  it('tells a file over the per-file cap from one the budget ran out for', () => {
    const plan = planCopies(
      [
        { key: 'huge', size: 101 },
        { key: 'x', size: 100 },
        { key: 'y', size: 60 },
      ],
      limits,
    );
    expect(Object.fromEntries(plan)).toEqual({ huge: 'file-cap', y: 'kept', x: 'budget' });
  });

  it('says caps in MiB when whole, in bytes otherwise', () => {
    expect(capText(256 << 20)).toBe('256 MiB');
    expect(capText(100)).toBe('100-byte');
  });
});
