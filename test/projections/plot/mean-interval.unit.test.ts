import { describe, expect, it } from 'vitest';
import { meanInterval, t975 } from '../../../projections/plot/mean-interval.js';

describe('meanInterval', () => {
  it('is the 95% t-interval of the mean', () => {
    // mean 3, sd √2.5, n 5: half-width t(0.975, 4) · 1.58114 / √5 = 2.77645 · 0.707107 = 1.96324
    const [lo, hi] = meanInterval([1, 2, 3, 4, 5])!;
    expect(lo).toBeCloseTo(3 - 1.96324, 4);
    expect(hi).toBeCloseTo(3 + 1.96324, 4);
    expect(meanInterval([4])).toBeNull();
    expect(t975(31)).toBeCloseTo(2.0395, 3);
    expect(t975(60)).toBeCloseTo(2.0003, 3);
    expect(t975(1000)).toBeCloseTo(1.9623, 3);
  });
});
