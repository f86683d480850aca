/**
 * The loop with k runs in flight (`parallel: k`): a parallel state with one region per slot, each
 * taking its run through propose → validate → train → evaluate → journal, routed by the run's id
 * (`RunPlanned` names its slot). Built for the k its session recorded; k = 1 is `loopMachine`.
 *
 * Two steps are taken one slot at a time, so the log stays a story that reads in order: proposing
 * (propose and validate: the proposer sees every run in flight, and run ids are handed out in
 * order) and judging (evaluate and journal, in the order the runs ended: each verdict is against
 * the incumbent of its evaluation, and promotions and failures in a row count in completion order).
 * A replication under way gets one replicate in flight at a time; a candidate that asks for one
 * meanwhile waits its turn. Stops, budgets and fatal failures end the planning; the runs in flight
 * end as they would alone (a stop "now" kills their trainers), and the session halts or completes
 * once every slot has drained.
 */
import { and, assertEvent, assign, emit, fromCallback, setup, type EventObject } from 'xstate';
import type { AutopilotEvent } from '../events/catalogue.js';
import type { Replication } from '../domain/judging/replication.js';
import { summarizeProblems } from '../domain/policy/problems.js';
import {
  BUILTIN_PROPOSER,
  RESTORE_EVENT,
  SETUP_FAILURES,
  initialContext,
  isBuiltin,
  missing,
  runBudgetSpent,
  wallBudgetSpent,
  type BootstrapInput,
  type EvaluateInput,
  type JournalInput,
  type LoopContext,
  type ProposeInput,
  type RestoreEvent,
  type StateEnteredNotice,
  type TrainInput,
  type ValidateInput,
} from './loop.machine.js';
import { evolveRun, fallBack, newRun, type RunContext } from './run-context.js';
import { afterJournal, failuresReason, fatalOfFailure, proposerReason, rejectionsReason, runBudgetReason, wallBudgetReason } from './session-rules.js';

/** What a loop with several runs in flight knows besides what every loop knows. */
export interface SlotsContext extends LoopContext {
  parallel: number;
  /** The run in each slot (null: the slot is free). */
  slots: (RunContext | null)[];
  /** The slot proposing (propose or validate), or null. */
  proposing: number | null;
  /** The slot judging (evaluate or journal), or null. */
  judging: number | null;
  /** Runs done training, in the order they ended: judged in that order. */
  judgeQueue: string[];
  /** Replications asked for while another was under way, in order. */
  queuedReplications: Replication[];
  /** Failed runs in a row when budgets.max_consecutive_failures was reached (null: not reached); later runs in flight do not undo it. */
  failureLimit: number | null;
}

type Ctx = SlotsContext;
type Args = { context: Ctx; event: AutopilotEvent | RestoreEvent };

const runIn = (c: Ctx, slot: number): RunContext => {
  const run = c.slots[slot];
  if (!run) throw new Error(`slot ${slot} has no run`);
  return run;
};
const session = (c: Ctx): string => {
  if (!c.session) throw new Error('the loop has not started');
  return c.session;
};
const inFlight = (c: Ctx): number => c.slots.filter((r) => r !== null).length;
/** Whether the session plans no more runs: monotone, so a drained slot never has to wake up. */
const ending = (c: Ctx): boolean =>
  c.stop !== null ||
  c.fatal !== null ||
  c.failureLimit !== null ||
  c.runsCompleted + inFlight(c) >= c.runsRequested ||
  runBudgetSpent(c.limits, c.runsCompleted + inFlight(c)) ||
  wallBudgetSpent(c.limits, c.elapsedMs);
/** The replication whose next replicate `slot` may plan: none while another replicate is in flight. */
const replicationFor = (c: Ctx, slot: number): Replication | null => (c.replication && !c.slots.some((r, j) => j !== slot && r?.kind === 'replicate') ? c.replication : null);
/** The replication a run is judged within: its own for a replicate, none for any other run. */
const replicationOf = (c: Ctx, run: RunContext): Replication | null => (run.kind === 'replicate' ? c.replication : null);
const runIdOfEvent = (event: AutopilotEvent | RestoreEvent): unknown => (event.type === RESTORE_EVENT ? undefined : (event.data as { runId?: unknown }).runId);
const canFallBackIn = (c: Ctx, run: RunContext): boolean => c.stop === null && !run.fallback && c.limits.onExhausted === 'fallback' && !isBuiltin(c.proposer);
const canAskAgainIn = (c: Ctx, run: RunContext): boolean => c.stop === null && run.proposalAttempt - run.fallbackAt < c.limits.maxProposalAttempts;
const withSlot = (c: Ctx, slot: number, run: RunContext | null): (RunContext | null)[] => c.slots.map((r, j) => (j === slot ? run : r));

/** The loop machine for `k` (≥ 2) runs in flight. */
export function parallelLoopMachine(k: number) {
  if (!Number.isInteger(k) || k < 2) throw new Error(`a parallel loop has at least 2 slots (got ${k})`);
  const slots = Array.from({ length: k }, (_, i) => i);
  const m = setup({
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- XState infers the machine's context and event types from this assertion
    types: {} as { context: SlotsContext; events: AutopilotEvent | RestoreEvent; emitted: StateEnteredNotice },
    actors: {
      bootstrap: fromCallback<EventObject, BootstrapInput>(missing('bootstrap')),
      propose: fromCallback<EventObject, ProposeInput>(missing('propose')),
      validate: fromCallback<EventObject, ValidateInput>(missing('validate')),
      train: fromCallback<EventObject, TrainInput>(missing('train')),
      evaluate: fromCallback<EventObject, EvaluateInput>(missing('evaluate')),
      journal: fromCallback<EventObject, JournalInput>(missing('journal')),
    },
    actions: {
      stop: assign({
        stop: ({ event }) => {
          assertEvent(event, 'StopRequested');
          return event.data;
        },
      }),
      entered: emit(({ event }, params: { state: string }) => ({ type: 'entered' as const, state: params.state, cause: event.type })),
    },
  });
  const enter = (state: string) => ({ type: 'entered' as const, params: { state } });
  const mine =
    (slot: number) =>
    ({ context, event }: Args) =>
      context.slots[slot] != null && runIdOfEvent(event) === context.slots[slot]?.runId;
  const evolve = (slot: number) => m.assign(({ context, event }: Args) => (event.type === RESTORE_EVENT ? {} : { slots: withSlot(context, slot, evolveRun(runIn(context, slot), event)) }));
  const claimProposing = (slot: number) => m.assign({ proposing: () => slot });
  const releaseProposing = m.assign({ proposing: () => null });
  const claimJudging = (slot: number) => m.assign(({ context }: Args) => ({ judging: slot, judgeQueue: context.judgeQueue.filter((id) => id !== runIn(context, slot).runId) }));
  const enqueue = (slot: number) => m.assign(({ context }: Args) => ({ judgeQueue: [...context.judgeQueue, runIn(context, slot).runId] }));
  // The run of a slot that halts the session before its run ran: left unjournaled, as a halting loop of one leaves it.
  const drop = (slot: number, reason: (c: Ctx, e: AutopilotEvent | RestoreEvent) => string | null) =>
    m.assign(({ context, event }: Args) => ({ fatal: context.fatal ?? reason(context, event), slots: withSlot(context, slot, null) }));
  const stopNow = ({ event }: Args) => event.type === 'StopRequested' && event.data.now;
  const stopThen = (slot: number, next: string) => [{ guard: stopNow, actions: ['stop' as const, drop(slot, () => null)], target: next }, { actions: 'stop' as const }];

  const region = (i: number) =>
    m.createStateConfig({
      initial: 'idle',
      states: {
        idle: {
          entry: enter(`slot${i}.idle`),
          always: [
            // The baseline, planned into slot 0 by the bootstrap.
            { guard: ({ context }: Args) => context.slots[i] !== null, target: 'validate' },
            // The lowest free slot plans next, once nobody proposes and there is an incumbent to propose from.
            {
              guard: ({ context }: Args) => context.proposing === null && context.incumbent !== null && !ending(context) && context.slots.indexOf(null) === i,
              target: 'propose',
            },
            { guard: ({ context }: Args) => ending(context), target: 'drained' },
          ],
        },
        propose: {
          entry: [enter(`slot${i}.propose`), claimProposing(i)],
          exit: releaseProposing,
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
                actions: [evolve(i), m.assign(({ context }: Args) => ({ slots: withSlot(context, i, fallBack(runIn(context, i))) }))],
                target: 'propose',
                reenter: true,
              },
              { guard: and([mine(i), ({ context }: Args) => canAskAgainIn(context, runIn(context, i))]), actions: evolve(i), target: 'propose', reenter: true },
              {
                guard: and([mine(i), ({ context }: Args) => canFallBackIn(context, runIn(context, i))]),
                actions: [evolve(i), m.assign(({ context }: Args) => ({ slots: withSlot(context, i, fallBack(runIn(context, i))) }))],
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
                actions: [evolve(i), m.assign(({ context }: Args) => ({ slots: withSlot(context, i, fallBack(runIn(context, i))) }))],
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
            RunFailed: [
              {
                guard: and([
                  mine(i),
                  ({ context, event }: Args) =>
                    event.type === 'RunFailed' && context.stop === null && !SETUP_FAILURES.has(event.data.reason) && runIn(context, i).attempt < context.limits.maxRunAttempts,
                ]),
                actions: [evolve(i), m.assign({ fatal: ({ context, event }: Args) => (event.type === 'RunFailed' ? fatalOfFailure(event.data, context.fatal) : context.fatal) })],
                target: 'train',
                reenter: true,
              },
              {
                guard: mine(i),
                actions: [evolve(i), m.assign({ fatal: ({ context, event }: Args) => (event.type === 'RunFailed' ? fatalOfFailure(event.data, context.fatal) : context.fatal) }), enqueue(i)],
                target: 'awaitJudge',
              },
            ],
          },
        },
        // Waits for its turn to be judged: runs are judged one at a time, in the order they ended.
        awaitJudge: {
          entry: enter(`slot${i}.awaitJudge`),
          always: [
            {
              guard: ({ context }: Args) =>
                context.judging === null && context.judgeQueue[0] === runIn(context, i).runId && runIn(context, i).finished !== null && runIn(context, i).failure === null,
              target: 'evaluate',
            },
            { guard: ({ context }: Args) => context.judging === null && context.judgeQueue[0] === runIn(context, i).runId, target: 'journal' },
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
          exit: m.assign({ judging: () => null }),
          invoke: {
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
              };
            },
          },
          on: {
            [RESTORE_EVENT]: { target: 'journal', reenter: true },
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

  return m.createMachine({
    id: 'loop',
    context: {
      ...initialContext,
      parallel: k,
      gpus: slots.map(() => null),
      slots: slots.map(() => null),
      proposing: null,
      judging: null,
      judgeQueue: [],
      queuedReplications: [],
      failureLimit: null,
    },
    initial: 'bootstrap',
    on: { StopRequested: { actions: 'stop' } },
    states: {
      bootstrap: {
        entry: enter('bootstrap'),
        invoke: { src: 'bootstrap', input: ({ context }) => ({ session: context.session, slot: 0 }) },
        on: {
          [RESTORE_EVENT]: { target: 'bootstrap', reenter: true },
          StopRequested: [
            {
              guard: stopNow,
              actions: ['stop', m.assign({ haltReason: ({ event }) => (event.type === 'StopRequested' ? `stop requested: ${event.data.reason}` : null) })],
              target: 'halted',
            },
            { actions: 'stop' },
          ],
          LoopStarted: [
            {
              guard: ({ event }) => event.type === 'LoopStarted' && runBudgetSpent(event.data.limits, 0),
              actions: [m.assign(({ event }) => startOf(event)), m.assign({ haltReason: ({ context }) => runBudgetReason(context.limits, 0) })],
              target: 'halted',
            },
            { guard: ({ event }) => event.type === 'LoopStarted' && event.data.incumbent !== null, actions: m.assign(({ event }) => startOf(event)), target: 'running' },
            { actions: m.assign(({ event }) => startOf(event)) },
          ],
          RunPlanned: {
            actions: m.assign(({ context, event }) => {
              assertEvent(event, 'RunPlanned');
              return { slots: withSlot(context, event.data.slot ?? 0, newRun(event.data)), nextRunIndex: event.data.index + 1 };
            }),
            target: 'running',
          },
        },
      },
      running: { type: 'parallel', states: Object.fromEntries(slots.map((i) => [`slot${i}`, region(i)])), onDone: 'deciding' },
      // Transient: every slot has drained; says why the session ends.
      deciding: {
        entry: enter('deciding'),
        always: [
          { guard: ({ context }) => context.stop !== null, actions: m.assign({ haltReason: ({ context }) => `stop requested: ${context.stop?.reason ?? 'unknown'}` }), target: 'halted' },
          { guard: ({ context }) => context.fatal !== null, actions: m.assign({ haltReason: ({ context }) => context.fatal }), target: 'halted' },
          {
            guard: ({ context }) => context.failureLimit !== null,
            actions: m.assign({ haltReason: ({ context }) => failuresReason(context.failureLimit ?? 0, context.limits.maxConsecutiveFailures) }),
            target: 'halted',
          },
          { guard: ({ context }) => context.runsCompleted >= context.runsRequested, target: 'done' },
          {
            guard: ({ context }) => runBudgetSpent(context.limits, context.runsCompleted),
            actions: m.assign({ haltReason: ({ context }) => runBudgetReason(context.limits, context.runsCompleted) }),
            target: 'halted',
          },
          {
            guard: ({ context }) => wallBudgetSpent(context.limits, context.elapsedMs),
            actions: m.assign({ haltReason: ({ context }) => wallBudgetReason(context.limits, context.elapsedMs) }),
            target: 'halted',
          },
          { actions: m.assign({ haltReason: () => 'no run left to plan' }), target: 'halted' },
        ],
      },
      done: { type: 'final', entry: enter('done') },
      halted: { type: 'final', entry: enter('halted') },
    },
  });
}

/** The session facts LoopStarted sets. */
function startOf(event: AutopilotEvent | RestoreEvent): Partial<SlotsContext> {
  assertEvent(event, 'LoopStarted');
  const d = event.data;
  return {
    startedAt: event.metadata.at,
    elapsedMs: 0,
    session: d.session,
    mode: d.mode,
    proposer: d.proposer,
    runsRequested: d.runsRequested,
    runsCompleted: 0,
    nextRunIndex: d.firstRunIndex,
    limits: d.limits,
    metric: d.metric,
    incumbent: d.incumbent,
    replication: d.replication ?? null,
    extraRuns: 0,
  };
}

/** The machine of a loop with several runs in flight. */
export type ParallelLoopMachine = ReturnType<typeof parallelLoopMachine>;
