/** The next run a replication under way asks for: a re-run of the incumbent, or a replicate of the candidate. Pure. */
import type { IncumbentRef } from '../../events/catalogue.js';
import { confirmsIndependently, type Replication, type ReplicationSettings } from './replication.js';

/** A run the orchestrator proposes itself: whose config it repeats, and why. */
export interface ReplicatePlan {
  /** The run whose config it runs again: the candidate, or the incumbent. */
  parent: string;
  overrides: IncumbentRef['override'];
  rationale: string;
  hypothesis: string;
}

/** What the next run of `replication` is. */
export function replicatePlan(replication: Replication, incumbent: IncumbentRef | null, settings: ReplicationSettings): ReplicatePlan {
  const remeasured = replication.remeasures?.length ?? 0;
  const wanted = settings.incumbentReplicates ?? 1;
  const round = `replicate ${replication.done + 1} of ${replication.target} of run ${replication.parent}`;
  if (incumbent && confirmsIndependently(replication, settings) && remeasured < wanted)
    return {
      parent: incumbent.runId,
      overrides: incumbent.override,
      rationale: `re-run ${remeasured + 1} of ${wanted} of the incumbent ${incumbent.runId} before ${round}: the replicate is compared with fresh runs of both, never with the samples that selected ${replication.parent}`,
      hypothesis: `run ${incumbent.runId}'s result holds under a fresh seed`,
    };
  const why =
    replication.reason === 'improved'
      ? `${replication.parent} improved on the incumbent; an improvement becomes the incumbent only once replicates under fresh seeds confirm it`
      : replication.reason === 'baseline'
        ? `the baseline ${replication.parent} gave fewer than 2 values; replicates give it a sample to compare with`
        : `${replication.parent} was inconclusive; pooling replicates may decide it`;
  return { parent: replication.parent, overrides: replication.override, rationale: `${round}: ${why}`, hypothesis: `run ${replication.parent}'s result holds under a fresh seed` };
}
