/**
 * The columns of a runs-table row that are computed, not copied: the run's metric with its interval,
 * its comparison with the incumbent, its status and live progress. Shared by the rows fold and its
 * view counterpart, so both give the same row. Pure.
 */
import type { DataOf } from '../../events/catalogue.js';
import { sampleOf } from '../../domain/judging/sample.js';
import { meanInterval } from '../../domain/stats/mean-interval.js';
import type { DeltaStat, LiveProgress, MetricStat, RunRow, RunStatus } from './types.js';

/** The row's fields a fold copies from the log (the rest are derived by {@link assemble}). */
export type RowFields = Omit<RunRow, 'status' | 'live' | 'attempts' | 'seed' | 'startedAt'>;

/** The run's own measurement of `metric`: mean, n and the t-interval of the mean (null when it reported no value). */
export function metricStat(finished: DataOf<'RunFinished'>, metric: string): MetricStat | null {
  const sample = sampleOf(finished, metric);
  if (sample.length === 0) return null;
  return meanInterval(sample);
}

/** The comparison with the incumbent a `RunEvaluated` records (null for a baseline, or with no difference). */
export function deltaStat(e: DataOf<'RunEvaluated'>): DeltaStat | null {
  if (e.incumbent === null || e.delta === null) return null;
  return { value: e.delta, interval: e.interval ?? null, incumbent: e.incumbent.runId, candidate: { ...e.candidate }, method: e.method };
}

/** The `step` of a progress report: `agent_steps`, else `epoch`, else null. */
export function progressStep(metrics: Record<string, number>): number | null {
  return metrics['agent_steps'] ?? metrics['epoch'] ?? null;
}

/**
 * Where a run stands: its journal's status once journaled, else interrupted when its session ended,
 * else finished once measured, running once launched (a failed attempt with a retry to come is still
 * running as far as the table is concerned), planned before.
 */
export function runStatus(r: { journal: 'completed' | 'failed' | null; interrupted: boolean; launched: boolean; finished: boolean }): RunStatus {
  if (r.journal) return r.journal === 'completed' ? 'finished' : 'failed';
  if (r.interrupted) return 'interrupted';
  if (r.finished) return 'finished';
  return r.launched ? 'running' : 'planned';
}

function live(status: RunStatus, progress: Record<string, number> | null): LiveProgress | null {
  return status === 'running' && progress ? { step: progressStep(progress), metrics: { ...progress } } : null;
}

/** What a row's derived columns are computed from, whichever fold it comes from. */
export interface RowFacts {
  journal: 'completed' | 'failed' | null;
  interrupted: boolean;
  /** Each launch's trainer seed and start, in launch order. */
  launches: { seed: number | null; at: string }[];
  finished: boolean;
  progress: Record<string, number> | null;
}

/** The row, its fields in {@link RunRow}'s order (so both folds' rows serialize to the same JSON). */
export function assemble(f: RowFields, facts: RowFacts): RunRow {
  const last = facts.launches.at(-1);
  const status = runStatus({ journal: facts.journal, interrupted: facts.interrupted, launched: last !== undefined, finished: facts.finished });
  return {
    id: f.id,
    session: f.session,
    index: f.index,
    kind: f.kind,
    parent: f.parent,
    proposer: f.proposer,
    changed: f.changed.map((c) => ({ ...c })),
    metric: f.metric,
    delta: f.delta,
    verdict: f.verdict,
    status,
    live: live(status, facts.progress),
    durationMs: f.durationMs,
    seed: last ? last.seed : null,
    attempts: facts.launches.length,
    startedAt: facts.launches[0]?.at ?? null,
    plannedAt: f.plannedAt,
    ...(f.rolledBack ? { rolledBack: { ...f.rolledBack } } : {}),
  };
}
