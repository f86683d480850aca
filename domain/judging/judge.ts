/**
 * What a finished run is judged on and against, given the replication under way: a proposal's own
 * sample against the incumbent's; a pooled replicate's pooled sample; an independent confirmation's
 * own sample against the incumbent's fresh re-runs, one-sided at the session's confirmation level;
 * a re-run of the incumbent against nothing (it adds to the incumbent's sample). Pure.
 */
import type { DataOf, IncumbentRef } from '../../events/catalogue.js';
import { errorControl, type StatisticsSettings } from './error-control.js';
import { evaluateRun, mean, type MetricSpec } from './evaluate.js';
import { confirmsIndependently, isRemeasure, pooledSample, type Replication, type ReplicationSettings } from './replication.js';

/** The run being judged. */
export interface JudgedRun {
  runId: string;
  kind: 'baseline' | 'proposal' | 'replicate';
  parent: string | null;
}

/** The replication settings of `statistics`, as the domain names them. */
export function replicationSettings(s: StatisticsSettings): ReplicationSettings {
  return {
    replicates: s.replicates,
    inconclusiveReplicates: s.inconclusive_replicates,
    confirmation: s.confirmation,
    incumbentReplicates: s.incumbent_replicates,
    minEffect: s.min_effect,
    ...(s.max_extra_runs === null ? {} : { maxExtraRuns: s.max_extra_runs }),
  };
}

/** The RunEvaluated data for `run`, whose own sample is `own`. */
export function judgeRun(
  run: JudgedRun,
  own: number[],
  replication: Replication | null,
  incumbent: IncumbentRef | null,
  metric: MetricSpec,
  stats: StatisticsSettings,
  runsRequested: number,
): Omit<DataOf<'RunEvaluated'>, 'runId'> {
  const settings = replicationSettings(stats);
  const base = { alpha: stats.alpha, sidedness: stats.sidedness, resamples: stats.resamples, interval: stats.interval };
  if (isRemeasure(run, replication)) {
    const d = evaluateRun({ runId: run.runId, sample: own }, null, metric, base);
    return { ...d, method: `none (a re-run of the incumbent ${run.parent} for the confirmation of ${replication!.parent})` };
  }
  const replicate = run.kind === 'replicate' && replication !== null;
  if (replicate && confirmsIndependently(replication, settings) && incumbent) {
    const fresh = replication.remeasures ?? [];
    const against: IncumbentRef =
      fresh.length > 0
        ? { ...incumbent, sample: replication.remeasureSample ?? [], n: (replication.remeasureSample ?? []).length, mean: mean(replication.remeasureSample ?? []) }
        : incumbent;
    const confirmation = errorControl(stats, runsRequested).confirmation ?? base.alpha;
    const d = evaluateRun({ runId: run.runId, sample: own }, against, metric, { ...base, alpha: confirmation, sidedness: 'one-sided' });
    return fresh.length > 0 ? { ...d, against: fresh } : d;
  }
  const sample = pooledSample(run, own, replication, settings);
  // A replicate of the baseline adds to the incumbent's own sample: there is nothing to compare it with.
  const against = replicate && replication.reason === 'baseline' ? null : incumbent;
  return evaluateRun({ runId: run.runId, sample, ...(replicate ? { pooled: [...replication.runs, run.runId] } : {}) }, against, metric, base);
}
