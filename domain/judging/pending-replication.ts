/** Whether a finished session left a replication under way, and the replication the next session carries on. Pure. */
import type { IncumbentRef } from '../../events/catalogue.js';
import { overrideFromBaseline } from '../config/base-config.js';
import type { Replication, ReplicationRecord } from './replication.js';
import type { Scalar } from '../config/config.js';
import { sampleOf } from './sample.js';

/** What a run measured, as its RunFinished recorded it. */
export interface FinishedResult {
  metrics: Record<string, number>;
  samples: Record<string, number[]>;
}

/** The facts of the log a pending replication is decided from (gathered by projections/pending-replication.ts). */
export interface ReplicationFacts {
  /** The replication record of the last journaled run (undefined: none, or no run journaled). */
  record: ReplicationRecord | undefined;
  /** The run `record.parent` names. */
  parent: { runId: string; finished: FinishedResult | null; accepted: { base: string; override: Record<string, Scalar> } | null } | undefined;
  /** The journaled, finished replicates of `record.parent`, in run order. */
  replicates: readonly { runId: string; finished: FinishedResult }[];
  /** The recorded result of run `runId` (null: none). */
  finishedOf(runId: string): FinishedResult | null;
  /** The current incumbent. */
  incumbent: IncumbentRef | undefined;
}

/**
 * The replication the last journaled run decided to go on with, rebuilt as the loop carries it
 * (the parent's sample, then each journaled replicate's, pooled); null when there is none.
 */
export function pendingReplication(facts: ReplicationFacts, metric: string): Replication | null {
  const { record: rec, parent } = facts;
  if (!rec || rec.decision !== 'replicate') return null;
  if (!parent?.finished || !parent.accepted) return null;
  const runs = [{ runId: parent.runId, finished: parent.finished }, ...facts.replicates];
  const samplesOf = (ids: string[]) =>
    ids.flatMap((id) => {
      const f = facts.finishedOf(id);
      return f ? sampleOf(f, metric) : [];
    });
  const lists = {
    ...(rec.remeasures ? { remeasures: rec.remeasures, remeasureSample: samplesOf(rec.remeasures) } : {}),
    ...(rec.confirmations ? { confirmations: rec.confirmations, confirmationSample: samplesOf(rec.confirmations) } : {}),
  };
  return {
    ...lists,
    parent: rec.parent,
    reason: rec.reason,
    target: rec.target,
    done: rec.done,
    runs: runs.map((r) => r.runId),
    sample: runs.flatMap((r) => sampleOf(r.finished, metric)),
    // The incumbent has not changed while its challenger is replicated: it is the one the parent was proposed on.
    override: overrideFromBaseline(parent.accepted, facts.incumbent),
  };
}
