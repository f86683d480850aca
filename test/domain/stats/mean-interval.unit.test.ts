import { describe, expect, it } from 'vitest';
import { meanInterval } from '../../../domain/stats/mean-interval.js';
import { meanAndSd } from '../../../domain/stats/power.js';

// Student t quantiles, textbook tables: t(0.975; 4), t(0.975; 1), t(0.975; 31), t(0.995; 9).
const T975_4 = 2.776445;
const T975_1 = 12.706205;
const T975_31 = 2.039513;
const T995_9 = 3.249836;

/** The textbook t-interval, from the mean, the n − 1 sd and a quantile. */
function textbook(xs: number[], t: number): [number, number] {
  const { mean, sd } = meanAndSd(xs);
  const half = (t * sd) / Math.sqrt(xs.length);
  return [mean - half, mean + half];
}

function expectInterval(actual: [number, number] | null, expected: [number, number], digits = 5): void {
  expect(actual).not.toBeNull();
  expect(actual?.[0]).toBeCloseTo(expected[0], digits);
  expect(actual?.[1]).toBeCloseTo(expected[1], digits);
}

describe('the t-interval of a mean', () => {
  it('matches the textbook interval of 1..5 (3 ± 1.963)', () => {
    const r = meanInterval([1, 2, 3, 4, 5]);
    expect(r.mean).toBe(3);
    expect(r.n).toBe(5);
    expectInterval(r.interval, [3 - (T975_4 * Math.sqrt(2.5)) / Math.sqrt(5), 3 + (T975_4 * Math.sqrt(2.5)) / Math.sqrt(5)]);
    expectInterval(r.interval, [1.036757, 4.963243]);
  });

  it('uses n − 1 degrees of freedom, however small or large the sample', () => {
    expectInterval(meanInterval([10, 12]).interval, textbook([10, 12], T975_1));
    const episodes = Array.from({ length: 32 }, (_, i) => 380 + ((i * 37) % 23) - 11);
    expectInterval(meanInterval(episodes).interval, textbook(episodes, T975_31), 4);
  });

  it('takes the level from alpha', () => {
    const xs = [-3.5, 0.25, 1, 2, 8, 13, 21, 34, 55, 89];
    expectInterval(meanInterval(xs, 0.01).interval, textbook(xs, T995_9), 4);
  });

  it('is null below 2 values, and of zero width for a constant sample', () => {
    expect(meanInterval([])).toEqual({ mean: Number.NaN, n: 0, interval: null });
    expect(meanInterval([4.5])).toEqual({ mean: 4.5, n: 1, interval: null });
    expect(meanInterval([2, 2, 2])).toEqual({ mean: 2, n: 3, interval: [2, 2] });
  });

  it('drops non-finite values before counting', () => {
    const r = meanInterval([1, Number.NaN, 2, 3, 4, 5, Number.POSITIVE_INFINITY]);
    expect(r.n).toBe(5);
    expectInterval(r.interval, [1.036757, 4.963243]);
  });

  it('is centred on the mean and narrows as the sample grows', () => {
    const small = meanInterval([1, 3, 2, 4]);
    const large = meanInterval([1, 3, 2, 4, 1, 3, 2, 4, 1, 3, 2, 4]);
    const [lo, hi] = small.interval ?? [0, 0];
    expect((lo + hi) / 2).toBeCloseTo(small.mean, 12);
    const width = (r: typeof small) => (r.interval ? r.interval[1] - r.interval[0] : Number.NaN);
    expect(width(large)).toBeLessThan(width(small));
  });
});
