/**
 * One slot of the slotted loop: its run through propose → validate → train → awaitJudge → evaluate
 * → journal, back to idle, until the session plans no more (drained). Proposing and judging are
 * taken one slot at a time (see parallel.machine.ts).
 */
import { and, assertEvent } from 'xstate';
import type { AutopilotEvent } from '../events/catalogue.js';
import { summarizeProblems } from '../domain/policy/problems.js';
import {
  BUILTIN_PROPOSER,
  RESTORE_EVENT,
  SETUP_FAILURES,
  type EvaluateInput,
  type JournalInput,
  type ProposeInput,
  type RestoreEvent,
  type TrainInput,
  type ValidateInput,
} from './loop.machine.js';
import { evolveRun, fallBack, newRun, type RunContext } from './run-context.js';
import { afterJournal, fatalOfFailure, proposerReason, rejectionsReason } from './session-rules.js';
import {
  baselineFailing,
  canAskAgainIn,
  canFallBackIn,
  comparable,
  ending,
  myTurn,
  replicationFor,
  replicationOf,
  runIdOfEvent,
  runIn,
  session,
  settled,
  withSlot,
  type Args,
  type Ctx,
} from './parallel-context.js';
import type { ParallelSetup } from './parallel-setup.js';

/** The region of slot `i`, built with the slotted loop's setup `m`. */
export function slotRegion(m: ParallelSetup, i: number) {
  const enter = (state: string) => ({ type: 'entered' as const, params: { state } });
  const mine =
    (slot: number) =>
    ({ context, event }: Args) =>
      context.slots[slot] != null && runIdOfEvent(event) === context.slots[slot]?.runId;
  const evolve = (slot: number) => m.assign(({ context, event }: Args) => (event.type === RESTORE_EVENT ? {} : { slots: withSlot(context, slot, evolveRun(runIn(context, slot), event)) }));
  const claimProposing = (slot: number) => m.assign({ proposing: () => slot });
  // A slot releases only what it holds: two slots may enter and leave in one step.
  const releaseProposing = m.assign({ proposing: ({ context }: Args) => (context.proposing === i ? null : context.proposing) });
  const claimJudging = (slot: number) => m.assign(({ context }: Args) => ({ judging: slot, judgeQueue: context.judgeQueue.filter((id) => id !== runIn(context, slot).runId) }));
  const enqueue = (slot: number) => m.assign(({ context }: Args) => ({ judgeQueue: [...context.judgeQueue, runIn(context, slot).runId] }));
  // The run of a slot that halts the session before its run ran: left unjournaled, as a halting loop of one leaves it.
  const drop = (slot: number, reason: (c: Ctx, e: AutopilotEvent | RestoreEvent) => string | null) =>
    m.assign(({ context, event }: Args) => ({ fatal: context.fatal ?? reason(context, event), slots: withSlot(context, slot, null) }));
  // The built-in proposer stands in for this slot's exhausted one; a failed launch may make the session's failure fatal.
  const fallBackHere = m.assign(({ context }: Args) => ({ slots: withSlot(context, i, fallBack(runIn(context, i))) }));
  const fatalHere = m.assign({ fatal: ({ context, event }: Args) => (event.type === 'RunFailed' ? fatalOfFailure(event.data, context.fatal) : context.fatal) });
  const stopNow = ({ event }: Args) => event.type === 'StopRequested' && event.data.now;
  const stopThen = (slot: number, next: string) => [{ guard: stopNow, actions: ['stop' as const, drop(slot, () => null)], target: next }, { actions: 'stop' as const }];

  return m.createStateConfig({
    initial: 'idle',
    states: {
      idle: {
        entry: enter(`slot${i}.idle`),
        always: [
          // The baseline, planned into slot 0 by the bootstrap.
          { guard: ({ context }: Args) => context.slots[i] !== null, target: 'validate' },
          // The lowest free slot plans next, once nobody proposes — beside the baseline too, from the baseline's config: no slot
          // waits idle while it runs. Nor while a run is being judged: a proposal sees a settled incumbent, and never a run
          // both journaled and in flight.
          {
            guard: ({ context }: Args) => context.proposing === null && context.judging === null && !ending(context) && settled(context) && context.slots.indexOf(null) === i,
            target: 'propose',
          },
          { guard: ({ context }: Args) => ending(context), target: 'drained' },
        ],
      },
      propose: {
        entry: [enter(`slot${i}.propose`), claimProposing(i)],
        exit: releaseProposing,
        // A fatal failure or the failure limit met elsewhere: no further run starts training.
        always: { guard: ({ context }: Args) => context.fatal !== null || context.failureLimit !== null, actions: drop(i, () => null), target: 'drained' },
        invoke: {
          src: 'propose' as const,
          input: ({ context }: { context: Ctx }): ProposeInput => {
            const run = context.slots[i] ?? null;
            return {
              session: session(context),
              mode: context.mode,
              proposer: run?.fallback ? BUILTIN_PROPOSER : context.proposer,
              fallbackFrom: run?.fallback ? context.proposer : null,
              run,
              nextRunIndex: context.nextRunIndex,
              incumbent: context.incumbent,
              replication: run ? replicationOf(context, run) : replicationFor(context, i),
              slot: i,
              inFlight: context.slots.filter((r, j): r is RunContext => r !== null && j !== i),
            };
          },
        },
        on: {
          [RESTORE_EVENT]: { target: 'propose', reenter: true },
          RunPlanned: {
            guard: ({ event }: Args) => event.type === 'RunPlanned' && event.data.slot === i,
            actions: m.assign(({ context, event }: Args) => {
              assertEvent(event, 'RunPlanned');
              return { slots: withSlot(context, i, newRun(event.data)), nextRunIndex: event.data.index + 1 };
            }),
          },
          ProposalRequested: { guard: mine(i), actions: evolve(i) },
          ProposerStarted: { guard: mine(i), actions: evolve(i) },
          ProposerStopped: { guard: mine(i), actions: evolve(i) },
          ProposalReceived: { guard: mine(i), actions: evolve(i), target: 'validate' },
          ProposalFailed: [
            {
              // A proposer process that timed out, hung, crashed or answered nothing is not asked again when a fallback is configured.
              guard: and([
                mine(i),
                ({ context, event }: Args) =>
                  event.type === 'ProposalFailed' && event.data.reason !== undefined && event.data.reason !== 'error' && canFallBackIn(context, runIn(context, i)),
              ]),
              actions: [evolve(i), fallBackHere],
              target: 'propose',
              reenter: true,
            },
            { guard: and([mine(i), ({ context }: Args) => canAskAgainIn(context, runIn(context, i))]), actions: evolve(i), target: 'propose', reenter: true },
            {
              guard: and([mine(i), ({ context }: Args) => canFallBackIn(context, runIn(context, i))]),
              actions: [evolve(i), fallBackHere],
              target: 'propose',
              reenter: true,
            },
            {
              guard: mine(i),
              actions: [evolve(i), drop(i, (c, e) => (e.type === 'ProposalFailed' ? proposerReason(runIn(c, i), e.data.message) : null))],
              target: 'drained',
            },
          ],
          StopRequested: stopThen(i, 'drained'),
        },
      },
      validate: {
        entry: [enter(`slot${i}.validate`), claimProposing(i)],
        exit: releaseProposing,
        // A fatal failure or the failure limit met elsewhere: no further run starts training.
        always: { guard: ({ context }: Args) => context.fatal !== null || context.failureLimit !== null, actions: drop(i, () => null), target: 'drained' },
        invoke: {
          src: 'validate' as const,
          input: ({ context }: { context: Ctx }): ValidateInput => ({ session: session(context), mode: context.mode, run: runIn(context, i), incumbent: context.incumbent }),
        },
        on: {
          [RESTORE_EVENT]: { target: 'validate', reenter: true },
          ProposalAccepted: { guard: mine(i), actions: evolve(i), target: 'train' },
          ProposalRejected: [
            { guard: and([mine(i), ({ context }: Args) => canAskAgainIn(context, runIn(context, i))]), actions: evolve(i), target: 'propose' },
            {
              guard: and([mine(i), ({ context }: Args) => canFallBackIn(context, runIn(context, i))]),
              actions: [evolve(i), fallBackHere],
              target: 'propose',
            },
            { guard: mine(i), actions: [evolve(i), drop(i, (c) => rejectionsReason(runIn(c, i), summarizeProblems))], target: 'drained' },
          ],
          StopRequested: stopThen(i, 'drained'),
        },
      },
      train: {
        entry: enter(`slot${i}.train`),
        invoke: {
          id: `train${i}`,
          src: 'train' as const,
          input: ({ context }: { context: Ctx }): TrainInput => ({ session: session(context), mode: context.mode, run: runIn(context, i), slot: i }),
        },
        on: {
          [RESTORE_EVENT]: { target: 'train', reenter: true },
          // Stopping now kills this slot's trainer, so its run ends as a recorded failure; a stop after the runs in flight lets it finish.
          StopRequested: [{ guard: stopNow, actions: ['stop' as const, m.sendTo(`train${i}`, ({ event }: Args) => event)] }, { actions: 'stop' as const }],
          AttemptPlanned: { guard: mine(i), actions: evolve(i) },
          RunStarted: { guard: mine(i), actions: evolve(i) },
          RunRequeued: { guard: mine(i), actions: evolve(i) },
          RunFinished: { guard: mine(i), actions: [evolve(i), enqueue(i)], target: 'awaitJudge' },
          // The baseline failed: nothing in flight can be compared with it, so this trainer is stopped as by a stop now.
          JournalWritten: {
            guard: ({ context, event }: Args) => event.type === 'JournalWritten' && baselineFailing(context, event.data),
            actions: m.sendTo(`train${i}`, ({ event }: Args) => ({
              type: 'StopRequested',
              data: { reason: 'the baseline failed', now: true },
              metadata: (event as AutopilotEvent).metadata,
            })),
          },
          RunFailed: [
            {
              guard: and([
                mine(i),
                ({ context, event }: Args) =>
                  event.type === 'RunFailed' &&
                  context.stop === null &&
                  context.fatal === null &&
                  !SETUP_FAILURES.has(event.data.reason) &&
                  runIn(context, i).attempt < context.limits.maxRunAttempts,
              ]),
              actions: [evolve(i), fatalHere],
              target: 'train',
              reenter: true,
            },
            {
              guard: mine(i),
              actions: [evolve(i), fatalHere, enqueue(i)],
              target: 'awaitJudge',
            },
          ],
        },
      },
      // Waits for its turn to be judged: runs are judged one at a time, in the order they ended.
      awaitJudge: {
        entry: enter(`slot${i}.awaitJudge`),
        always: [
          { guard: ({ context }: Args) => myTurn(context, i) && comparable(context, runIn(context, i)), target: 'evaluate' },
          { guard: ({ context }: Args) => myTurn(context, i), target: 'journal' },
        ],
      },
      evaluate: {
        entry: [enter(`slot${i}.evaluate`), claimJudging(i)],
        invoke: {
          src: 'evaluate' as const,
          input: ({ context }: { context: Ctx }): EvaluateInput => {
            const run = runIn(context, i);
            return { session: session(context), run, incumbent: context.incumbent, metric: context.metric, replication: replicationOf(context, run), runsRequested: context.runsRequested };
          },
        },
        on: {
          [RESTORE_EVENT]: { target: 'evaluate', reenter: true },
          RunEvaluated: { guard: mine(i), actions: evolve(i), target: 'journal' },
        },
      },
      journal: {
        entry: [enter(`slot${i}.journal`), claimJudging(i)],
        exit: m.assign({ judging: ({ context }: Args) => (context.judging === i ? null : context.judging) }),
        invoke: {
          id: `journal${i}`,
          src: 'journal' as const,
          input: ({ context }: { context: Ctx }): JournalInput => {
            const run = runIn(context, i);
            return {
              session: session(context),
              run,
              incumbent: context.incumbent,
              metric: context.metric,
              runsCompleted: context.runsCompleted,
              runsRequested: context.runsRequested,
              replication: replicationOf(context, run),
              extraRuns: context.extraRuns,
              flight: { inFlight: context.slots.flatMap((r, j) => (r && j !== i ? [r.runId] : [])), nextRunIndex: context.nextRunIndex },
              stopNow: context.stop?.now === true,
            };
          },
        },
        on: {
          [RESTORE_EVENT]: { target: 'journal', reenter: true },
          // Stopping now during a promotion's confirmation stops its evaluator; the run's entry is still written.
          StopRequested: [{ guard: stopNow, actions: ['stop' as const, m.sendTo(`journal${i}`, ({ event }: Args) => event)] }, { actions: 'stop' as const }],
          // The promoted run may be a replication's parent: only the slot judging is in this state, so the promotion is its own.
          IncumbentChanged: {
            actions: m.assign(({ context, event }: Args) => {
              assertEvent(event, 'IncumbentChanged');
              return { incumbent: event.data.incumbent, slots: withSlot(context, i, evolveRun(runIn(context, i), event)) };
            }),
          },
          JournalWritten: {
            guard: mine(i),
            actions: m.assign(({ context, event }: Args) => {
              assertEvent(event, 'JournalWritten');
              const run = runIn(context, i);
              const own = replicationOf(context, run);
              const { facts, replication } = afterJournal(context, run, event.data, event.metadata.at, own);
              let next = context.replication;
              let queued = context.queuedReplications;
              // A replicate carries its replication on (or ends it, and the next one waiting starts); a candidate's own waits while another is under way.
              if (run.kind === 'replicate') [next, queued] = replication ? [replication, queued] : [queued[0] ?? null, queued.slice(1)];
              else if (replication) [next, queued] = context.replication ? [context.replication, [...queued, replication]] : [replication, queued];
              const limit = context.failureLimit ?? (facts.consecutiveFailures >= context.limits.maxConsecutiveFailures ? facts.consecutiveFailures : null);
              return { ...facts, replication: next, queuedReplications: queued, failureLimit: limit, slots: withSlot(context, i, null) };
            }),
            target: 'idle',
          },
        },
      },
      drained: { type: 'final' as const, entry: enter(`slot${i}.drained`) },
    },
  });
}
