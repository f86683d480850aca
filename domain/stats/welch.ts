/** Welch's unequal-variance t-test, reported beside the bootstrap verdict as a cross-check. */
import ttest2 from '@stdlib/stats-ttest2';

/** Welch's t-test of `mean(x) − mean(y)` against 0. */
export interface WelchResult {
  /** t statistic `(x̄ − ȳ) / √(s_x²/n_x + s_y²/n_y)`; positive when `x` has the larger mean. */
  t: number;
  /** Welch–Satterthwaite degrees of freedom (not rounded). */
  df: number;
  /** Two-sided p-value, `2 · P(T_df ≤ −|t|)`. */
  p: number;
}

/**
 * Welch's two-sample t-test (two-sided, unequal variances), computed by `@stdlib/stats-ttest2`.
 * `null` when it is undefined: a side with fewer than 2 values, a non-finite value, or both
 * samples constant (zero standard error, so t would be ±∞ or NaN).
 */
export function welchTest(x: ArrayLike<number>, y: ArrayLike<number>): WelchResult | null {
  if (x.length < 2 || y.length < 2) return null;
  if (!allFinite(x) || !allFinite(y)) return null;
  const xs = Float64Array.from(x);
  const ys = Float64Array.from(y);
  const out = ttest2(xs, ys, { alternative: 'two-sided', variance: 'unequal' });
  const { statistic: t, df, pValue: p } = out;
  if (!Number.isFinite(t) || !Number.isFinite(df) || !Number.isFinite(p)) return null;
  return { t, df, p };
}

function allFinite(xs: ArrayLike<number>): boolean {
  for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i])) return false;
  return true;
}
