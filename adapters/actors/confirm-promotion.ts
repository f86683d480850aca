/**
 * The journal step's wait on `evaluation.confirm_promotion`: runs the confirmation in the
 * background and then writes the journal, promoted or not. A stop now stops the evaluator and the
 * confirmation ends as failed (killed), so the journal is still written; leaving the step (the
 * loop's process ending) stops the evaluator too, and its plan stays without an end, which a
 * resumed step records as interrupted and runs again.
 */
import type { IncumbentRef } from '../../events/catalogue.js';
import { confirmPromotion } from '../evaluation/confirm.js';
import { reporter } from '../recorder.js';
import type { ActorDeps } from './deps.js';

/**
 * Confirms the promotion of `promote` over `incumbent` decided by the journal step of `runId`, then
 * calls `write(confirmed, why)`; returns the step's cleanup. An unexpected error is a promotion not
 * confirmed, saying so: the loop goes on with the incumbent it has.
 */
export function confirmThenWrite(
  deps: ActorDeps,
  self: { getSnapshot(): { status: string } },
  args: { session: string; runId: string; promote: IncumbentRef; incumbent: IncumbentRef },
  write: (confirmed: boolean, why: string) => void,
): { cleanup: () => void; stopNow: () => void } {
  let cancelled = false;
  let stopped = false;
  let stopEvaluator: (() => void) | null = null;
  const context = {
    paths: deps.paths,
    settings: deps.settings,
    containment: deps.containment,
    history: deps.history,
    record: reporter(deps.recorder, self),
    session: args.session,
    now: deps.now,
    onHandle: (stop: () => void) => (stopEvaluator = stop),
    cancelled: () => cancelled,
    stopped: () => stopped,
  };
  void confirmPromotion(context, { runId: args.runId, candidate: args.promote.runId, incumbent: args.incumbent.runId })
    .then((c) => (c.confirmed ? write(true, '') : write(false, c.why)))
    .catch((err: unknown) => {
      if (!cancelled) write(false, `the confirmation failed: ${(err as Error).message}`);
    });
  return {
    cleanup: () => {
      cancelled = true;
      stopEvaluator?.();
    },
    stopNow: () => {
      stopped = true;
      stopEvaluator?.();
    },
  };
}
