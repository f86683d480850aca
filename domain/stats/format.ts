/** The labbook's rendering of a {@link Comparison}. */
import type { Comparison } from './compare.js';

/** What a verdict line shows of a {@link Comparison} (a recorded evaluation has these too). */
export type VerdictFacts = Pick<Comparison, 'verdict' | 'delta' | 'interval' | 'reason'> & { candidate: { n: number }; incumbent: { n: number } };

/** Significant digits kept on the largest magnitude of a verdict line. */
const SIGNIFICANT_DIGITS = 3;
/** Most decimals ever printed (values below ~1e-18 print as zero). */
const MAX_DECIMALS = 20;

/**
 * Decimals to print a group of numbers with, so that the largest magnitude among them keeps
 * three significant digits and all of them share one precision:
 * `max(0, 2 − floor(log10(max |v|)))`, at most 20. `63.0` → 1, `0.0195` → 4, `1234` → 0,
 * all zeros → 0. Non-finite values are ignored.
 */
export function decimalsFor(values: readonly number[]): number {
  let largest = 0;
  for (const v of values) if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v));
  if (largest === 0) return 0;
  const decimals = SIGNIFICANT_DIGITS - 1 - Math.floor(Math.log10(largest));
  return Math.min(MAX_DECIMALS, Math.max(0, decimals));
}

/**
 * One labbook line for a comparison against the incumbent run `incumbentRunId`:
 *
 * - with an interval: `improved: +41.2 [18.5, 63.0] vs 004 (n=32/32)`
 * - without one: `inconclusive: +12.0 vs 004 (n=1/32) — candidate has fewer than 2 values (n=1)`
 *   (and no number at all when there is no delta: `inconclusive vs 004 (n=0/32) — …`).
 *
 * The delta and the interval are in the better orientation (positive = candidate better, also
 * for `minimize`); the delta always carries its sign (`+` for zero), taken from the unrounded
 * value. All numbers share the precision of {@link decimalsFor}: three significant digits on the
 * largest magnitude of delta and bounds, so `+0.0123 [0.0051, 0.0195]` and `+1234 [-80, 2549]`
 * stay readable. `n` is candidate/incumbent.
 */
export function formatVerdict(result: VerdictFacts, incumbentRunId: string): string {
  const { delta, interval } = result;
  const numbers = [delta, ...(interval ?? [])].filter((v): v is number => v !== null);
  const decimals = decimalsFor(numbers);
  const head =
    delta === null
      ? result.verdict
      : `${result.verdict}: ${delta < 0 ? '-' : '+'}${Math.abs(delta).toFixed(decimals)}` + (interval ? ` [${fixed(interval[0], decimals)}, ${fixed(interval[1], decimals)}]` : '');
  const tail = `vs ${incumbentRunId} (n=${result.candidate.n}/${result.incumbent.n})`;
  return interval === null && result.reason ? `${head} ${tail} — ${result.reason}` : `${head} ${tail}`;
}

/** `toFixed`, printing a negative zero as `0`. */
function fixed(v: number, decimals: number): string {
  return (v === 0 ? 0 : v).toFixed(decimals);
}
