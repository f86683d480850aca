/**
 * The loop's last word on a replication it leaves under way: a session that ends between an
 * improvement and its replicates keeps the incumbent, and without this line its console says only
 * that, although the labbook says why. Pure.
 */
import { replicationFacts } from '../projections/pending-replication.js';
import type { WorkspaceView } from '../projections/view.js';

/** What is under way after the last journaled run of `view`, in one line; null when nothing is. */
export function replicationUnderWay(view: WorkspaceView): string | null {
  const { record } = replicationFacts(view);
  if (record?.decision !== 'replicate') return null;
  const left = record.target - record.done;
  const runs = `${left} more replicate${left === 1 ? '' : 's'}`;
  const what =
    record.reason === 'improved'
      ? `run ${record.parent} improved on the incumbent and needs ${runs} before it can replace it (statistics.replicates)`
      : record.reason === 'inconclusive'
        ? `run ${record.parent} was inconclusive and is replicated (${runs}) before it is judged again`
        : `the baseline ${record.parent} is measured again (${runs})`;
  return `under way: ${what}; the next autopilot loop runs them before proposing anything new`;
}
