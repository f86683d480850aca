/**
 * The 95% t-interval of a sample's mean, for the progress chart's whiskers. Kept here, pure and
 * small, until `domain/stats/mean-interval.ts` (issue 17, the folds) is on main; then it should use that.
 */

// Two-sided 95% critical values of Student's t, df = 1..30 (4 decimals, as @stdlib/stats-base-dists-t-quantile gives them).
const T975 = [
  12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281, 2.201, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.093, 2.086, 2.0796, 2.0739, 2.0687, 2.0639,
  2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
];

/** t(0.975, df): the table up to 30, then the Cornish–Fisher expansion around z (off by < 1e-4 there). */
export function t975(df: number): number {
  if (df <= 30) return T975[Math.max(1, Math.round(df)) - 1]!;
  const z = 1.959964;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}

/** `[lo, hi]` of the 95% t-interval of the mean of `xs`; null for fewer than 2 finite values. */
export function meanInterval(xs: readonly number[]): [number, number] | null {
  const v = xs.filter(Number.isFinite);
  const n = v.length;
  if (n < 2) return null;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = (t975(n - 1) * sd) / Math.sqrt(n);
  return [mean - half, mean + half];
}
