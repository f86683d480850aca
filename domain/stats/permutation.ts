/**
 * The studentized permutation test of a difference of means (Janssen 1997; Chung & Romano 2013):
 * Welch's t of the observed split, against Welch's t of seeded random re-splits of the pooled
 * values into groups of the same sizes. It is exact whenever the two sides are exchangeable (every
 * A/A comparison, whatever the distribution and the group sizes), and asymptotically valid for the
 * means when the variances differ. Pure and deterministic for a seed.
 */
import { createIndexDraw } from '../rng.js';

/** One-sided p-values of the observed Welch t among its permutations (each counts the observed split). */
export interface PermutationResult {
  /** P(T* >= t): small when the first sample's mean is larger. */
  upper: number;
  /** P(T* <= t): small when the first sample's mean is smaller. */
  lower: number;
  permutations: number;
}

/**
 * `permutations` seeded re-splits of `x ∪ y` (a Fisher–Yates shuffle per split on mulberry32 from
 * `seed`, the first `x.length` values forming the first group), with the p-values
 * `(1 + #{T* >= t}) / (permutations + 1)` and `(1 + #{T* <= t}) / (permutations + 1)`. Splits whose
 * standard error is 0 count as t = 0. Both samples need 2 values or more.
 */
export function studentizedPermutation(x: Float64Array, y: Float64Array, permutations: number, seed: number): PermutationResult {
  const nx = x.length;
  const ny = y.length;
  if (nx < 2 || ny < 2) throw new RangeError('both samples need at least 2 values');
  const pool = new Float64Array(nx + ny);
  pool.set(x);
  pool.set(y, nx);
  const observed = welchT(pool, nx);
  // A hair of tolerance, so that a split equal to the observed one up to rounding counts as equal.
  const tol = 1e-12 * Math.max(1, Math.abs(observed));
  const draw = createIndexDraw(seed);
  let above = 0;
  let below = 0;
  for (let b = 0; b < permutations; b++) {
    // Only the first nx places need shuffling to draw a uniformly random first group.
    for (let i = 0; i < nx; i++) {
      const j = i + draw(nx + ny - i);
      const v = pool[i]!;
      pool[i] = pool[j]!;
      pool[j] = v;
    }
    const t = welchT(pool, nx);
    if (t >= observed - tol) above++;
    if (t <= observed + tol) below++;
  }
  return { upper: (1 + above) / (permutations + 1), lower: (1 + below) / (permutations + 1), permutations };
}

/** Welch's t of `values[0..nx)` against `values[nx..)`; 0 when the standard error is 0. */
function welchT(values: Float64Array, nx: number): number {
  const n = values.length;
  const ny = n - nx;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < nx; i++) sx += values[i]!;
  for (let i = nx; i < n; i++) sy += values[i]!;
  const mx = sx / nx;
  const my = sy / ny;
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < nx; i++) vx += (values[i]! - mx) ** 2;
  for (let i = nx; i < n; i++) vy += (values[i]! - my) ** 2;
  const se = Math.sqrt(vx / (nx - 1) / nx + vy / (ny - 1) / ny);
  return se > 0 ? (mx - my) / se : 0;
}
