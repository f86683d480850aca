/** The facts of the workspace view a pending replication is decided from (the decision: domain/judging/pending-replication.ts). Pure. */
import type { ReplicationFacts } from '../domain/judging/pending-replication.js';
import type { RunView, WorkspaceView } from './view.js';

/** The replication record of the last journaled run of `view`, its parent and the parent's journaled replicates. */
export function replicationFacts(view: WorkspaceView): ReplicationFacts {
  let last: RunView | undefined;
  for (const r of view.runs.values()) if (r.journal) last = r;
  // A rollback since the last journaled run ends the replication it left: its candidate was judged against another incumbent.
  const rolledBack = view.incumbent?.rolledBack;
  const record = rolledBack && rolledBack.lastJournaled === (last?.runId ?? null) ? undefined : last?.journal?.replication;
  const parent = record ? view.runs.get(record.parent) : undefined;
  const replicates: { runId: string; finished: NonNullable<RunView['finished']> }[] = [];
  if (record)
    for (const r of view.runs.values())
      if (r.kind === 'replicate' && r.parent === record.parent && r.journal !== null && r.finished !== null) replicates.push({ runId: r.runId, finished: r.finished });
  return {
    record,
    parent: parent && { runId: parent.runId, finished: parent.finished, accepted: parent.accepted },
    replicates,
    finishedOf: (runId) => view.runs.get(runId)?.finished ?? null,
    incumbent: view.incumbent?.ref,
  };
}
