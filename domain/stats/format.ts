/** The precision a verdict line prints its numbers with (the line itself: domain/judging/verdict-text.ts). */

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
