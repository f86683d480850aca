import { describe, expect, it } from 'vitest';
import { type Comparison, compareSamples, decimalsFor, formatVerdict } from '../../../domain/stats/index.js';

function comparison(over: Partial<Comparison>): Comparison {
  return {
    verdict: 'improved',
    method: 'bootstrap-percentile',
    direction: 'maximize',
    sidedness: 'two-sided',
    alpha: 0.05,
    level: 0.95,
    resamples: 10_000,
    seed: 1,
    delta: 41.2,
    rawDelta: 41.2,
    interval: [18.5, 63.0],
    candidate: { n: 32, mean: 241.2, sd: 60 },
    incumbent: { n: 32, mean: 200, sd: 60 },
    welch: { t: 2.7, df: 62, p: 0.009 },
    ...over,
  };
}

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

describe('when formatting a verdict for the labbook', () => {
  it('prints the verdict, signed delta, interval, incumbent and sizes', () => {
    expect(formatVerdict(comparison({}), '004')).toBe('improved: +41.2 [18.5, 63.0] vs 004 (n=32/32)');
  });

  it.each([
    ['regressed', -3.214, [-5.02, -1.4], 'regressed: -3.21 [-5.02, -1.40] vs 004 (n=32/32)'],
    ['improved', 0.01234, [0.00514, 0.01951], 'improved: +0.0123 [0.0051, 0.0195] vs 004 (n=32/32)'],
    ['inconclusive', 1234.4, [-80.2, 2549.3], 'inconclusive: +1234 [-80, 2549] vs 004 (n=32/32)'],
    ['inconclusive', 0.5, [-0.04, 1.2], 'inconclusive: +0.50 [-0.04, 1.20] vs 004 (n=32/32)'],
    ['improved', 99.96, [99.95, 99.97], 'improved: +100.0 [100.0, 100.0] vs 004 (n=32/32)'],
    ['inconclusive', 0, [0, 0], 'inconclusive: +0 [0, 0] vs 004 (n=32/32)'],
    ['inconclusive', -0.004, [-0.3, 0.2], 'inconclusive: -0.004 [-0.300, 0.200] vs 004 (n=32/32)'],
    ['inconclusive', -0.04, [-0.03, 9.9], 'inconclusive: -0.04 [-0.03, 9.90] vs 004 (n=32/32)'],
    ['inconclusive', -0.01, [-0.04, 12.3], 'inconclusive: -0.0 [-0.0, 12.3] vs 004 (n=32/32)'],
  ] as const)('prints %s %d %o with one shared precision', (verdict, delta, interval, line) => {
    expect(formatVerdict(comparison({ verdict, delta, interval: [...interval] }), '004')).toBe(line);
  });

  it('prints no negative zero on a bound that is exactly zero', () => {
    expect(formatVerdict(comparison({ delta: 1, interval: [-0, 2] }), '004')).toBe('improved: +1.00 [0.00, 2.00] vs 004 (n=32/32)');
  });

  it('says why when there is no interval, and prints no number when there is no delta', () => {
    const few = comparison({
      verdict: 'inconclusive',
      delta: 12,
      interval: null,
      candidate: { n: 1, mean: 212, sd: null },
      reason: 'candidate has fewer than 2 values (n=1)',
    });
    expect(formatVerdict(few, '004')).toBe('inconclusive: +12.0 vs 004 (n=1/32) — candidate has fewer than 2 values (n=1)');
    const none = comparison({
      verdict: 'inconclusive',
      delta: null,
      interval: null,
      candidate: { n: 0, mean: null, sd: null },
      reason: 'candidate has fewer than 2 values (n=0)',
    });
    expect(formatVerdict(none, '012')).toBe('inconclusive vs 012 (n=0/32) — candidate has fewer than 2 values (n=0)');
  });

  it('formats real comparisons, in the better orientation for a minimized metric', () => {
    const loss = compareSamples([0.41, 0.43, 0.4, 0.42, 0.44, 0.39], [0.5, 0.52, 0.49, 0.51, 0.53, 0.5], {
      direction: 'minimize',
      seed: 3,
    });
    expect(loss.verdict).toBe('improved');
    expect(formatVerdict(loss, '007')).toMatch(/^improved: \+0\.0\d\d \[0\.0\d\d, 0\.\d\d\d\] vs 007 \(n=6\/6\)$/);
    const equal = compareSamples([500, 500], [500, 500, 500], { direction: 'maximize', seed: 3 });
    expect(formatVerdict(equal, '002')).toBe('inconclusive: +0 [0, 0] vs 002 (n=2/3)');
  });
});
