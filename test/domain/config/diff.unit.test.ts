import { describe, expect, it } from 'vitest';
import { compareKeys, diffConfigs } from '../../../domain/config/diff.js';

describe('when diffing two configs', () => {
  it('lists added, removed and changed keys sorted by key', () => {
    expect(diffConfigs({ train: { lr: 0.1, gamma: 0.99 }, env: { n: 8 }, z: 'same' }, { train: { lr: 0.2, gamma: 0.99 }, env: { name: 'x' }, z: 'same', a: true })).toEqual([
      { key: 'a', from: null, to: true },
      { key: 'env.n', from: 8, to: null },
      { key: 'env.name', from: null, to: 'x' },
      { key: 'train.lr', from: 0.1, to: 0.2 },
    ]);
  });

  it('returns nothing for equal configs', () => {
    expect(diffConfigs({ a: { b: 1 } }, { a: { b: 1 } })).toEqual([]);
  });

  it('treats a change of type as a change', () => {
    expect(diffConfigs({ a: 1 }, { a: '1' })).toEqual([{ key: 'a', from: 1, to: '1' }]);
  });

  it('sorts by code unit, independent of locale', () => {
    expect(['b', 'B', 'a_b', 'a.b'].sort(compareKeys)).toEqual(['B', 'a.b', 'a_b', 'b']);
  });
});
