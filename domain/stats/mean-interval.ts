/**
 * The confidence interval of one sample's mean, for showing a run's metric with its spread (the
 * verdict's interval is of the difference to the incumbent, not this). Pure.
 *
 * Method: Student's t-interval, `x̄ ± t₍₁₋α/2, n−1₎ · s/√n` with `s` the sample standard deviation
 * (n − 1). The t quantile comes from `@stdlib/stats-ttest2`, the package the Welch cross-check
 * already uses: Welch's interval of `x` against a constant side has standard error `s/√n` and
 * Welch–Satterthwaite degrees of freedom exactly `n − 1`, so its interval for `mean(x) − c`,
 * shifted back by `c`, is the one-sample t-interval. It assumes roughly normal means, which the
 * 32-episode samples of an evaluation give; it is a display aid, not a decision.
 */
import ttest2 from '@stdlib/stats-ttest2';
import { mean } from '../judging/sample.js';

/** A sample's mean, its size, and the interval of the mean (null below 2 values). */
export interface MeanInterval {
  mean: number;
  n: number;
  interval: [number, number] | null;
}

/** The constant side of the Welch trick: two equal values (so its variance is 0 and it adds no degree of freedom). */
const CONSTANT_SIDE = new Float64Array([0, 0]);

/**
 * The mean of `xs` with its two-sided `1 − alpha` t-interval (non-finite values dropped first).
 * `interval` is null below 2 values; a constant sample gets the zero-width interval `[x, x]`.
 * `mean` is NaN for an empty sample.
 */
export function meanInterval(xs: readonly number[], alpha = 0.05): MeanInterval {
  const finite = xs.filter((x) => Number.isFinite(x));
  const m = mean(finite);
  const n = finite.length;
  if (n < 2) return { mean: m, n, interval: null };
  if (finite.every((x) => x === finite[0])) return { mean: m, n, interval: [m, m] };
  const { ci } = ttest2(Float64Array.from(finite), CONSTANT_SIDE, { alternative: 'two-sided', variance: 'unequal', alpha });
  const [lo, hi] = ci;
  if (lo === undefined || hi === undefined || !Number.isFinite(lo) || !Number.isFinite(hi)) return { mean: m, n, interval: null };
  return { mean: m, n, interval: [lo, hi] };
}
