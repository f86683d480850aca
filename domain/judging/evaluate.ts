/** The evaluate step's decision: a run's sample against the incumbent's, by a seeded bootstrap interval. */
import type { DataOf, IncumbentRef } from '../../events/catalogue.js';
import { mean, type MetricSpec, type RunSample } from './sample.js';
import { compareSamples, evaluationSeed } from '../stats/index.js';

export { mean, sampleOf, type MetricSpec, type RunSample } from './sample.js';

/** The statistics settings of `autopilot.json` that decide a verdict. */
export interface EvaluationSettings {
  alpha: number;
  sidedness: 'two-sided' | 'one-sided';
  resamples: number;
  interval: 'percentile' | 'bca' | 'welch';
}

/**
 * Judges a run against the incumbent: `baseline` when there is none; otherwise the verdict of a
 * bootstrap confidence interval of the difference of means (seeded from the run id, so a
 * re-evaluation reproduces it bit for bit), with Welch's t-test beside it as a cross-check.
 * `candidate.sample` is the run's sample, pooled with its parent's and earlier replicates' when it
 * is a replicate (`pooled` names those runs).
 */
export function evaluateRun(
  candidate: RunSample & { pooled?: string[] },
  incumbent: IncumbentRef | null,
  metric: MetricSpec,
  stats: EvaluationSettings,
): Omit<DataOf<'RunEvaluated'>, 'runId'> {
  const m = mean(candidate.sample);
  const pooled = candidate.pooled && candidate.pooled.length > 1 ? { pooled: candidate.pooled } : {};
  if (!incumbent)
    return {
      metric: metric.name,
      direction: metric.direction,
      method: 'none (no incumbent to compare with)',
      candidate: { mean: Number.isFinite(m) ? m : 0, n: candidate.sample.length },
      seed: null,
      verdict: 'baseline',
      incumbent: null,
      delta: null,
      ...pooled,
    };
  const c = compareSamples(candidate.sample, incumbent.sample, {
    direction: metric.direction,
    seed: evaluationSeed(candidate.runId),
    resamples: stats.resamples,
    alpha: stats.alpha,
    sidedness: stats.sidedness,
    method: stats.interval,
  });
  return {
    metric: metric.name,
    direction: metric.direction,
    method: c.method,
    candidate: { mean: c.candidate.mean ?? 0, n: c.candidate.n },
    incumbent: { runId: incumbent.runId, mean: incumbent.mean, n: incumbent.sample.length },
    verdict: c.verdict,
    delta: c.rawDelta,
    seed: c.seed,
    alpha: c.alpha,
    sidedness: c.sidedness,
    resamples: c.resamples,
    ...(c.permutation ? { permutation: c.permutation } : {}),
    interval: c.interval,
    welch: c.welch && { t: c.welch.t, df: c.welch.df, p: c.welch.p },
    ...(c.reason ? { reason: c.reason } : {}),
    ...pooled,
  };
}
