/** A run's sample of its metric: the per-episode values of its trainer summary, or its final value. Pure. */

/** Fewer values than this in one run: the bootstrap has little to resample (the dry run and the labbook say so). */
export const FEW_VALUES = 8;

/** The warning for a run that yields `n` values of `metric` when that is fewer than {@link FEW_VALUES}, else null. */
export function fewValuesWarning(n: number, metric: string): string | null {
  if (n >= FEW_VALUES) return null;
  return `only ${n} value${n === 1 ? '' : 's'} of ${metric}, fewer than ${FEW_VALUES}: the bootstrap has little to work with; more evaluation episodes (or reports) per run make verdicts sharper`;
}

/** What a run measured: the per-episode sample of the metric (or its single final value). */
export interface RunSample {
  runId: string;
  sample: number[];
}

/** The metric and which way is better. */
export interface MetricSpec {
  name: string;
  direction: 'maximize' | 'minimize';
}

/** The per-episode sample of `metric` in a trainer's result, falling back to its final value. */
export function sampleOf(result: { metrics: Record<string, number>; samples: Record<string, number[]> }, metric: string): number[] {
  const s = result.samples[metric];
  if (s && s.length > 0) return s.filter((x) => Number.isFinite(x));
  const v = result.metrics[metric];
  return v === undefined || !Number.isFinite(v) ? [] : [v];
}

/** Arithmetic mean (NaN for an empty sample). */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}
