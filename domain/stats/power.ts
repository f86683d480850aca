/**
 * What the configured statistics can detect: the smallest difference of means that a comparison of
 * two runs of `n` values each, with the spread `sd`, finds at the given power. Pure.
 *
 * Normal approximation of the two-sample comparison the bootstrap makes (equal n and spread on both
 * sides): MDE = (z₁₋α′ + z_power) · sd · √(2 / n), with α′ = α/2 for a two-sided interval and α
 * for `sidedness: one-sided`. At n = 32, α = 0.05, two-sided, 80% power this is 0.70 sd; the test
 * suite measures the bootstrap's rate of `improved` at 81% for 0.71 sd (README, "Decisions that
 * noise cannot fool").
 */
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { mean } from '../judging/sample.js';
import type { Sidedness } from './compare.js';

/** Power the MDE is stated at. */
export const MDE_POWER = 0.8;

/** Mean and sample standard deviation (n − 1); sd is NaN below 2 values. */
export function meanAndSd(xs: readonly number[]): { mean: number; sd: number } {
  const m = mean(xs);
  if (xs.length < 2) return { mean: m, sd: Number.NaN };
  let ss = 0;
  for (const x of xs) ss += (x - m) ** 2;
  return { mean: m, sd: Math.sqrt(ss / (xs.length - 1)) };
}

/**
 * The minimal detectable difference of means for samples of `n` values a side with spread `sd`,
 * at `alpha` (spent as `sidedness` says) and `power`; NaN below 2 values.
 */
export function minimalDetectableDifference(sd: number, n: number, alpha: number, sidedness: Sidedness = 'two-sided', power = MDE_POWER): number {
  if (!(n >= 2) || !Number.isFinite(sd)) return Number.NaN;
  const zAlpha = normalQuantile(1 - (sidedness === 'two-sided' ? alpha / 2 : alpha), 0, 1);
  const zPower = normalQuantile(power, 0, 1);
  return (zAlpha + zPower) * sd * Math.sqrt(2 / n);
}
