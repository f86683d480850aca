/** The replication a finished session left under way, as the next session carries it on. Pure. */
import { overrideFromBaseline } from '../domain/base-config.js';
import type { Replication } from '../domain/replication.js';
import { sampleOf } from '../domain/sample.js';
import type { RunView, WorkspaceView } from './view.js';

/**
 * The replication the last journaled run of `view` decided to go on with, rebuilt as the loop
 * carries it (the parent's sample, then each journaled replicate's, pooled); null when there is none.
 */
export function pendingReplication(view: WorkspaceView, metric: string): Replication | null {
  let last: RunView | undefined;
  for (const r of view.runs.values()) if (r.journal) last = r;
  const rec = last?.journal?.replication;
  if (!rec || rec.decision !== 'replicate') return null;
  const parent = view.runs.get(rec.parent);
  if (!parent?.finished || !parent.accepted) return null;
  const replicates = [...view.runs.values()].filter((r) => r.kind === 'replicate' && r.parent === rec.parent && r.journal !== null && r.finished !== null);
  const runs = [parent, ...replicates];
  const samplesOf = (ids: string[]) => ids.flatMap((id) => {
    const r = view.runs.get(id);
    return r?.finished ? sampleOf(r.finished, metric) : [];
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
    sample: runs.flatMap((r) => sampleOf(r.finished!, metric)),
    // The incumbent has not changed while its challenger is replicated: it is the one the parent was proposed on.
    override: overrideFromBaseline(parent.accepted, view.incumbent?.ref),
  };
}
