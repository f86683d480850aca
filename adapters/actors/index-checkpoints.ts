/**
 * The train actor's step after every attempt that ran (finished or failed, on any launcher): the
 * run's checkpoints indexed and exposed, recorded as CheckpointsIndexed before the attempt's end
 * is, so that the run folder RunFinished records already holds the exposed names.
 */
import type { AutopilotEvent } from '../../events/catalogue.js';
import { indexAttempt } from '../checkpoint-index/index-attempt.js';
import type { UnsafeEntry } from '../fs/confined.js';
import { makeEvent, type LoopDeps } from './deps.js';

/** Indexes attempt `attempt` of `runId`; emits the index (when there is one) and hands unsafe entries to `violation`. */
export async function indexCheckpoints(
  deps: LoopDeps,
  session: string,
  runId: string,
  attempt: number,
  emit: (e: AutopilotEvent) => void,
  violation: (unsafe: UnsafeEntry[]) => void,
  cancelled: () => boolean,
): Promise<void> {
  const view = deps.history();
  const launches = view.runs.get(runId)?.launches ?? [];
  const seed = launches.find((l) => l.attempt === attempt)?.seed ?? null;
  const first = launches[0]?.startedAt;
  let outcome;
  try {
    outcome = await indexAttempt(deps.paths.root, deps.settings.checkpoints, { runId, attempt, seed, firstStartMs: first ? Date.parse(first) : null }, view);
  } catch (error) {
    // Indexing is bookkeeping: a failure (a full disk, say) is said in the index, the attempt's own result stands.
    outcome = {
      data: {
        runId,
        attempt,
        dir: deps.settings.checkpoints.dir,
        checkpoints: [],
        skipped: [{ path: deps.settings.checkpoints.dir, reason: `indexing failed: ${(error as Error).message}` }],
      },
      unsafe: [],
    };
  }
  // The loop left the state while the files were hashed: nothing of the attempt is recorded now (resume settles it again).
  if (!outcome || cancelled()) return;
  violation(outcome.unsafe);
  emit(makeEvent('CheckpointsIndexed', outcome.data, session, deps.now()));
}
