/** The bootstrap actor: records the session's start, and plans the baseline run in a fresh workspace. */
import { fromCallback, type EventObject } from 'xstate';
import { runIdOf } from '../../domain/text/numbers.js';
import { runBudgetSpent, type BootstrapInput, type LoopLimits } from '../../machines/loop.machine.js';
import { pendingReplication } from '../../domain/judging/pending-replication.js';
import { replicationFacts } from '../../projections/pending-replication.js';
import { inputPaths, readInputs } from '../inputs.js';
import { makeEvent, type ActorDeps } from './deps.js';
import { reporter } from '../recorder.js';
import { errorControl } from '../../domain/judging/error-control.js';
import { resolveRootSeed } from '../proposers/root-seed.js';

/** Creates the `bootstrap` actor. */
export function bootstrapActor(deps: ActorDeps) {
  return fromCallback<EventObject, BootstrapInput>(({ input, self }) => {
    const record = reporter(deps.recorder, self);
    const view = deps.history();
    const firstRunIndex = Math.max(0, ...[...view.runs.values()].map((r) => r.index)) + 1;
    const incumbent = view.incumbent?.ref ?? null;
    if (input.session) {
      // Restarted after LoopStarted was recorded (and before the baseline was planned): only plan it.
      const mode = view.sessions.get(input.session)?.mode ?? deps.options.mode;
      record(makeEvent('RunPlanned', { runId: runIdOf(firstRunIndex), index: firstRunIndex, kind: 'baseline', mode, ...slotOf(input) }, input.session, deps.now()));
      return;
    }
    const session = deps.newSession;
    // A replication the last session could not finish goes on before anything new is proposed.
    const replication = incumbent ? pendingReplication(replicationFacts(view), deps.settings.metric.name) : null;
    const budgets = deps.settings.budgets;
    const limits: LoopLimits = {
      maxProposalAttempts: deps.settings.proposer.max_attempts,
      maxRunAttempts: deps.settings.retries.max_attempts,
      maxConsecutiveFailures: budgets.max_consecutive_failures,
      onExhausted: deps.settings.proposer.on_exhausted,
      ...(budgets.max_runs === undefined ? {} : { maxRuns: budgets.max_runs, runsBefore: [...view.runs.values()].filter((r) => r.journal !== null).length }),
      ...(budgets.max_wall_seconds === undefined ? {} : { maxWallSeconds: budgets.max_wall_seconds }),
    };
    record(
      makeEvent(
        'LoopStarted',
        {
          session,
          runsRequested: deps.options.runs,
          mode: deps.options.mode,
          proposer: deps.options.proposer,
          proposerSeed: resolveRootSeed(deps.options.seed, deps.settings, view),
          firstRunIndex,
          incumbent,
          ...(replication ? { replication } : {}),
          errorControl: errorControl(deps.settings.statistics, deps.options.runs),
          limits,
          metric: deps.settings.metric,
          pid: process.pid,
          // What the session is bound to: a later change that does not come through a command is put back.
          inputs: readInputs(deps.paths.root, inputPaths(deps.paths, deps.settings), deps.settings.secrets.record),
          ...(deps.options.parallel ? { parallel: deps.options.parallel } : {}),
        },
        session,
        deps.now(),
      ),
    );
    // Run 001 of a workspace (or the first run after baselines that all failed) is the baseline, unchanged.
    // A spent run budget halts the loop on LoopStarted (the machine decides); nothing is planned then.
    if (!incumbent && !runBudgetSpent(limits, 0))
      record(makeEvent('RunPlanned', { runId: runIdOf(firstRunIndex), index: firstRunIndex, kind: 'baseline', mode: deps.options.mode, ...slotOf(input) }, session, deps.now()));
  });
}

/** The slot a baseline is planned in, when several runs are in flight. */
function slotOf(input: BootstrapInput): { slot?: number } {
  return input.slot === undefined ? {} : { slot: input.slot };
}
