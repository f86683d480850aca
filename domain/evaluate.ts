/**
 * The evaluate step's decision, kept behind one function so the statistical verdict can replace
 * the plain comparison of means without touching the loop.
 */
import type { DataOf, IncumbentRef } from '../events/catalogue.js';

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
export function sampleOf(
  result: { metrics: Record<string, number>; samples: Record<string, number[]> },
  metric: string,
): number[] {
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

/**
 * Compares a run with the incumbent: `baseline` when there is none, otherwise `improved` /
 * `regressed` by the sign of the difference of means in the metric's direction, `inconclusive`
 * when they are equal or a side has no data.
 */
export function evaluateRun(
  candidate: RunSample,
  incumbent: IncumbentRef | null,
  metric: MetricSpec,
): Omit<DataOf<'RunEvaluated'>, 'runId'> {
  const m = mean(candidate.sample);
  const base = {
    metric: metric.name,
    direction: metric.direction,
    method: 'difference of means',
    candidate: { mean: Number.isFinite(m) ? m : 0, n: candidate.sample.length },
    seed: null,
  };
  if (!incumbent) return { ...base, verdict: 'baseline', incumbent: null, delta: null };
  const delta = m - incumbent.mean;
  const better = metric.direction === 'maximize' ? delta : -delta;
  const verdict =
    candidate.sample.length === 0 || !Number.isFinite(better) || better === 0
      ? 'inconclusive'
      : better > 0
        ? 'improved'
        : 'regressed';
  return {
    ...base,
    verdict,
    incumbent: { runId: incumbent.runId, mean: incumbent.mean, n: incumbent.n },
    delta: Number.isFinite(delta) ? delta : null,
  };
}
