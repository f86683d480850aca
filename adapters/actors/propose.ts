/** The propose actor: plans the run if needed, asks the proposer, and reports what it answered. */
import { fromCallback, type EventObject } from 'xstate';
import { runIdOf } from '../../domain/text/numbers.js';
import { capProblems } from '../../domain/policy/problems.js';
import { splitUnlisted } from '../../domain/text/strict-json.js';
import { proposeRandom } from '../../domain/proposers/random.js';
import { toRecordable } from '../../domain/policy/recordable.js';
import { proposalSeed } from '../../domain/proposers/seed.js';
import type { ProposeInput } from '../../machines/loop.machine.js';
import type { LaunchHandle } from '../launcher/local.js';
import { runAgent } from '../proposers/agent-run.js';
import { stopInterrupted } from '../proposers/interrupted.js';
import { unsafeViolation } from './violations.js';
import { guardInputs } from './input-guard.js';
import { isAgentKind, prepareAgent, type PreparedAgent } from '../proposers/agents.js';
import { proposeWithTpe } from '../proposers/tpe.js';
import type { DataOf } from '../../events/catalogue.js';
import { makeEvent, type ActorDeps } from './deps.js';
import { reporter } from '../recorder.js';
import { replicatePlan } from '../../domain/judging/replicate-plan.js';
import { replicationSettings } from '../../domain/judging/judge.js';
import { inFlightRuns, pendingOf } from './in-flight.js';

/** Creates the `propose` actor. */
export function proposeActor(deps: ActorDeps) {
  return fromCallback<EventObject, ProposeInput>(({ input, self }) => {
    const record = reporter(deps.recorder, self);
    const stamp = () => deps.now();
    const run = input.run;
    let runId: string;
    const rep = input.replication;
    // What a replication asks for next: decided once, when the run is planned, and read back from the plan after a restart.
    const plan = rep ? replicatePlan(rep, input.incumbent, replicationSettings(deps.settings.statistics)) : null;
    if (!run) {
      runId = runIdOf(input.nextRunIndex);
      record(
        makeEvent(
          'RunPlanned',
          {
            runId,
            index: input.nextRunIndex,
            ...(rep ? { kind: 'replicate' as const, parent: plan!.parent } : { kind: 'proposal' as const }),
            mode: input.mode,
            ...(input.slot !== undefined ? { slot: input.slot } : {}),
          },
          input.session,
          stamp(),
        ),
      );
    } else runId = run.runId;
    // Between runs, nothing but a command may have changed what the session is bound to.
    const changed = guardInputs(deps, input.session, { runId });
    if (changed) record(changed);
    // A proposer restarted after a crash answers the attempt that was asked, rather than asking anew.
    const attempt = run?.awaitingProposal ? run.proposalAttempt : (run?.proposalAttempt ?? 0) + 1;
    const previousErrors = run?.errors ?? [];
    const previousOmitted = run?.errorsOmitted ?? 0;
    const replicating = run?.kind === 'replicate' || (!run && rep !== null);
    // The other runs in flight: listed in the request, counted as liars by the built-in proposer, shown to an agent.
    const others = input.inFlight ?? [];
    const failed = (message: string, reason: 'timeout' | 'hung' | 'crashed' | 'no-proposal' | 'error', process?: DataOf<'ProposalFailed'>['process']) =>
      record(makeEvent('ProposalFailed', { runId, attempt, proposer: input.proposer, message, reason, ...(process ? { process } : {}) }, input.session, stamp()));
    // An agent's prompt is rendered before the request is recorded, so the request holds exactly what it saw.
    const request = { runId, attempt, previousErrors, previousOmitted, ...(others.length > 0 ? { inFlight: inFlightRuns(deps, others) } : {}) };
    let prepared: PreparedAgent | null = null;
    let prepareError: string | null = null;
    if (!replicating && isAgentKind(input.proposer)) {
      try {
        prepared = prepareAgent(deps, input.proposer, request);
      } catch (err) {
        prepareError = (err as Error).message;
      }
    }
    if (!run?.awaitingProposal)
      record(
        makeEvent(
          'ProposalRequested',
          {
            runId,
            attempt,
            proposer: replicating ? 'replicate' : input.proposer,
            previousErrors,
            ...(previousOmitted > 0 ? { previousOmitted } : {}),
            ...(input.fallbackFrom ? { fallbackFrom: input.fallbackFrom } : {}),
            ...(prepared ? { prompt: prepared.prompt, agent: prepared.agent } : {}),
            ...(others.length > 0 ? { inFlight: others.map((r) => r.runId) } : {}),
          },
          input.session,
          stamp(),
        ),
      );
    if (prepareError !== null) return failed(prepareError, 'error');

    // A replicate is the orchestrator's own proposal: its parent's config again (the seed is chosen at launch).
    if (replicating) {
      if (!rep || !plan) throw new Error(`replicate ${runId} has no replication to repeat`);
      record(
        makeEvent(
          'ProposalReceived',
          {
            runId,
            attempt,
            proposer: 'replicate',
            seed: null,
            overrides: plan.overrides,
            rationale: plan.rationale,
            hypothesis: plan.hypothesis,
          },
          input.session,
          stamp(),
        ),
      );
      return;
    }

    if (!prepared) {
      try {
        // Derived from the session's recorded root seed and where the draw happens: a replay of the log gives the same proposal.
        const seed = proposalSeed(deps.history().sessions.get(input.session)?.proposerSeed, input.session, runId, attempt);
        // Runs in flight are constant liars for TPE (counted as bad results), so parallel proposals spread out; random draws need none.
        const pending = input.proposer === 'random' ? [] : pendingOf(deps, others);
        const proposal =
          input.proposer === 'random'
            ? proposeRandom(deps.policy, seed)
            : proposeWithTpe(deps, { runId, mode: input.mode, incumbent: input.incumbent, seed, pending: pending.map((p) => p.overrides) });
        record(
          makeEvent(
            'ProposalReceived',
            {
              runId,
              attempt,
              proposer: input.proposer,
              seed,
              overrides: toRecordable(proposal.overrides),
              rationale: proposal.rationale,
              hypothesis: proposal.hypothesis,
              ...(pending.length > 0 ? { pending } : {}),
            },
            input.session,
            stamp(),
          ),
        );
      } catch (err) {
        failed((err as Error).message, 'error');
      }
      return;
    }
    const agent = prepared;

    let handle: LaunchHandle | null = null;
    let cancelled = false;
    const interrupted = run?.awaitingProposal ? run.proposerProcess : null;
    void (async () => {
      // A restart while the agent ran: what is left of that attempt is stopped (and recorded) before it runs again, so two never run at once.
      if (interrupted) {
        // The resuming loop stopped it before putting the inputs back; otherwise (a test's actors) it is stopped here.
        const early = deps.stoppedAgent;
        const alive =
          early && early.runId === interrupted.runId && early.attempt === interrupted.attempt && early.pid === interrupted.pid
            ? early.alive
            : await stopInterrupted(deps.paths.root, interrupted);
        if (cancelled) return;
        record(
          makeEvent(
            'ProposerStopped',
            {
              runId,
              attempt,
              pid: interrupted.pid,
              alive,
              reason: 'the loop was restarted while this attempt ran; it is stopped before the attempt runs again',
            },
            input.session,
            stamp(),
          ),
        );
      }
      const answer = await runAgent(
        deps,
        request,
        agent.invocation,
        agent.prompt.text,
        (h) => (handle = h),
        // Recorded before it may start: a restart finds it by this.
        (h) =>
          record(makeEvent('ProposerStarted', { runId, attempt, proposer: input.proposer, pid: h.pid, pidStartTime: h.pidStartTime, containment: h.containment }, input.session, stamp())),
      );
      if (cancelled) return;
      const unsafe = unsafeViolation(input.session, stamp(), 'proposer', answer.unsafe, { runId, attempt, proposer: input.proposer }, 'where the proposer answers');
      if (unsafe) record(unsafe);
      if (answer.violations.length > 0)
        record(
          makeEvent(
            'GuardrailViolation',
            {
              runId,
              attempt,
              proposer: input.proposer,
              source: 'proposer',
              paths: answer.violations,
              action: answer.violations.every((v) => v.restored) ? 'reverted' : 'detected',
            },
            input.session,
            stamp(),
          ),
        );
      if (answer.kind === 'failed') return failed(answer.message, answer.reason, answer.process ?? undefined);
      // The strict parser sums up what it did not list in one last error: that count joins the omitted ones.
      const { listed, unlisted } = splitUnlisted(answer.problems);
      const problems = capProblems(listed, deps.settings.limits.max_problems, unlisted);
      record(
        makeEvent(
          'ProposalReceived',
          {
            runId,
            attempt,
            proposer: input.proposer,
            seed: null,
            overrides: toRecordable(answer.overrides),
            rationale: answer.rationale,
            hypothesis: answer.hypothesis,
            ...(problems.errors.length ? { problems: problems.errors.map((p) => ({ ...p, value: toRecordable(p.value) })) } : {}),
            ...(problems.omitted > 0 ? { problemsOmitted: problems.omitted } : {}),
            process: answer.process,
          },
          input.session,
          stamp(),
        ),
      );
    })().catch((err: unknown) => {
      if (!cancelled) failed((err as Error).message, 'error');
    });
    return () => {
      cancelled = true;
      handle?.stop('killed');
    };
  });
}
