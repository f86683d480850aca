import { describe, expect, it } from 'vitest';
import { decimalsFor } from '../../../domain/stats/index.js';

describe('when choosing how many decimals to print', () => {
  it.each([
    [[41.2, 18.5, 63.0], 1],
    [[0.0123, 0.0051, 0.0195], 4],
    [[1234.4, -80.2, 2549], 0],
    [[-3.21, -5.02, -1.4], 2],
    [[0.5, -0.04, 1.2], 2],
    [[0.00042, 0.0001, 0.0009], 6],
    [[999, 1000], 0],
    [[0, 0, 0], 0],
    [[1e-30], 20],
    [[Number.NaN, 5], 2],
  ])('keeps three significant digits on the largest magnitude of %o: %i decimals', (values, decimals) => {
    expect(decimalsFor(values)).toBe(decimals);
  });
});
