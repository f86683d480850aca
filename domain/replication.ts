/**
 * Replication: a candidate judged `improved` is run again (same config, fresh seed) before it
 * becomes the incumbent, and an `inconclusive` one (or a baseline with fewer than 2 values) may be,
 * up to a budget. The replicates are runs of their own, linked to their parent; their samples pool
 * with the parent's, and each replicate's verdict is the pooled sample's. Pure.
 */
import type { DataOf, IncumbentRef } from '../events/catalogue.js';
import { mean } from './sample.js';

/** The replication settings of `autopilot.json` (`statistics`). */
export interface ReplicationSettings {
  /** Replicates that must confirm an improvement before promotion; 0 promotes at once. */
  replicates: number;
  /** Replicates an inconclusive candidate (or a baseline with fewer than 2 values) may get. */
  inconclusiveReplicates: number;
}

/** What JournalWritten records about a replication. */
export type ReplicationRecord = NonNullable<DataOf<'JournalWritten'>['replication']>;

/** A replication under way, as the loop carries it from one run to the next. */
export interface Replication {
  parent: string;
  reason: ReplicationRecord['reason'];
  /** Replicates wanted. */
  target: number;
  /** Replicates journaled so far. */
  done: number;
  /** The parent and the replicates so far, whose samples are pooled in `sample`. */
  runs: string[];
  sample: number[];
  /** The parent's accepted overrides: what every replicate runs. */
  override: IncumbentRef['override'];
}

/** The facts of the run just evaluated that replication needs. */
export interface ReplicationFacts {
  runId: string;
  kind: 'baseline' | 'proposal' | 'replicate';
  /** Null when the run failed (no evaluation). */
  verdict: DataOf<'RunEvaluated'>['verdict'] | null;
  /** The run's own sample of the metric (not pooled). */
  sample: number[];
  override: IncumbentRef['override'];
}

/** The journal's replication decision: what to record, and who (if anyone) becomes the incumbent. */
export interface ReplicationDecision {
  record: ReplicationRecord | undefined;
  /** The incumbent to promote: this run (`run`), the replication's parent with the pooled sample (`parent`), or nobody. */
  promote: 'run' | 'parent' | null;
}

/** The sample a run is judged on: its own, pooled with its replication's when it is a replicate. */
export function pooledSample(run: { kind: ReplicationFacts['kind'] }, own: number[], replication: Replication | null): number[] {
  return run.kind === 'replicate' && replication ? [...replication.sample, ...own] : own;
}

/** Decides, after a run's evaluation, whether to replicate, and whom to promote. */
export function decideReplication(run: ReplicationFacts, replication: Replication | null, settings: ReplicationSettings): ReplicationDecision {
  if (run.kind !== 'replicate' || !replication) {
    const start = (reason: ReplicationRecord['reason'], target: number): ReplicationRecord => ({ parent: run.runId, reason, target, done: 0, decision: 'replicate' });
    switch (run.verdict) {
      case null:
      case 'regressed':
        return { record: undefined, promote: null };
      case 'baseline':
        // A baseline is the incumbent at once; with a single value it needs replicates to be compared against.
        return { record: run.sample.length < 2 && settings.inconclusiveReplicates > 0 ? start('baseline', settings.inconclusiveReplicates) : undefined, promote: 'run' };
      case 'improved':
        return settings.replicates > 0 ? { record: start('improved', settings.replicates), promote: null } : { record: undefined, promote: 'run' };
      case 'inconclusive':
        return { record: settings.inconclusiveReplicates > 0 ? start('inconclusive', settings.inconclusiveReplicates) : undefined, promote: null };
    }
  }
  const done = replication.done + 1;
  const record = (decision: ReplicationRecord['decision'], target = replication.target): ReplicationRecord => ({
    parent: replication.parent,
    reason: replication.reason,
    target,
    done,
    decision,
  });
  if (run.verdict === null) return { record: record('failed'), promote: null };
  switch (replication.reason) {
    case 'baseline':
      // The baseline stays the incumbent; each replicate adds to its sample.
      return { record: record(done < replication.target ? 'replicate' : 'confirmed'), promote: 'parent' };
    case 'improved':
      if (run.verdict !== 'improved') return { record: record('not-confirmed'), promote: null };
      return done < replication.target ? { record: record('replicate'), promote: null } : { record: record('confirmed'), promote: 'parent' };
    case 'inconclusive': {
      if (run.verdict === 'regressed') return { record: record('not-confirmed'), promote: null };
      if (run.verdict === 'improved') {
        // Pooling made it an improvement: it still needs as many replicates as any improvement.
        const target = Math.max(replication.target, settings.replicates, 1);
        return done < settings.replicates ? { record: record('replicate', target), promote: null } : { record: record('confirmed', target), promote: 'parent' };
      }
      return { record: record(done < replication.target ? 'replicate' : 'budget-spent'), promote: null };
    }
  }
}

/** The replication the loop carries on with after a journaled run (null when none is under way). Pure. */
export function nextReplication(record: ReplicationRecord | undefined, run: ReplicationFacts, previous: Replication | null): Replication | null {
  if (!record || record.decision !== 'replicate') return null;
  if (run.kind !== 'replicate' || !previous)
    return { parent: run.runId, reason: record.reason, target: record.target, done: 0, runs: [run.runId], sample: run.sample, override: run.override };
  return { ...previous, target: record.target, done: record.done, runs: [...previous.runs, run.runId], sample: [...previous.sample, ...run.sample] };
}

/** The incumbent a promotion makes: this run with its own sample, or the replication's parent with the pooled one. */
export function incumbentOf(
  promote: 'run' | 'parent',
  run: ReplicationFacts,
  replication: Replication | null,
  metric: string,
): IncumbentRef {
  const finite = (xs: number[]) => (xs.length > 0 && Number.isFinite(mean(xs)) ? mean(xs) : 0);
  if (promote === 'run' || !replication) return { runId: run.runId, metric, mean: finite(run.sample), n: run.sample.length, sample: run.sample, override: run.override };
  const sample = [...replication.sample, ...run.sample];
  return { runId: replication.parent, metric, mean: finite(sample), n: sample.length, sample, override: replication.override };
}
