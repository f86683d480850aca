/**
 * The tuning loop as an XState v5 statechart. Guards and context updates are pure; every side
 * effect is an invoked callback actor that reports back with catalogue events, supplied by the
 * orchestrator through `.provide({ actors })`. Because the machine only moves on catalogue events,
 * folding the event log through `transition` rebuilds exactly the state the live loop had.
 */
import { assertEvent, assign, emit, fromCallback, sendTo, setup, type EventObject, type StateValueFrom } from 'xstate';
import type { AutopilotEvent, DataOf, IncumbentRef } from '../events/catalogue.js';
import { summarizeProblems } from '../domain/policy/problems.js';
import type { Replication } from '../domain/judging/replication.js';
import { afterJournal, afterRollback, sessionStart, failuresReason, fatalOfFailure, proposerReason, rejectionsReason, runBudgetReason, wallBudgetReason } from './session-rules.js';
import { BUILTIN_PROPOSERS } from '../domain/config/settings.js';
import { evolveRun, fallBack, newRun, type RunContext } from './run-context.js';
import type { Mode } from '../domain/config/mode.js';

export type { RunContext } from './run-context.js';

/** Everything the loop knows about its session. */
export interface LoopContext {
  session: string | null;
  mode: Mode;
  proposer: string;
  runsRequested: number;
  runsCompleted: number;
  nextRunIndex: number;
  limits: DataOf<'LoopStarted'>['limits'];
  metric: DataOf<'LoopStarted'>['metric'];
  incumbent: IncumbentRef | null;
  /** A candidate being replicated (its pooled sample so far), from the journal's decision. */
  replication: Replication | null;
  /** Replicates of inconclusive candidates journaled this session (statistics.max_extra_runs). */
  extraRuns: number;
  run: RunContext | null;
  /** The runs in flight, one per slot (null: free), in a loop with several (see parallel.machine.ts); absent in a loop of one. */
  slots?: (RunContext | null)[];
  consecutiveFailures: number;
  stop: DataOf<'StopRequested'> | null;
  haltReason: string | null;
  /** A failure no later run can mend (the trainer cannot start, the baseline failed): the session halts once the run is journaled. */
  fatal: string | null;
  /** When the session started (LoopStarted's timestamp), for the wall-time budget. */
  startedAt: string | null;
  /** Wall time of the session when its last run was journaled (from the events' timestamps, never a clock). */
  elapsedMs: number;
}

/** The limits a session runs under, as LoopStarted records them. */
export type LoopLimits = DataOf<'LoopStarted'>['limits'];

/** True when the workspace's history holds `maxRuns` runs: those journaled before the session plus `runsCompleted` in it. Pure. */
export function runBudgetSpent(limits: LoopLimits, runsCompleted: number): boolean {
  return limits.maxRuns !== undefined && (limits.runsBefore ?? 0) + runsCompleted >= limits.maxRuns;
}

/** True when a session that has run for `elapsedMs` has spent its wall-time budget. Pure. */
export function wallBudgetSpent(limits: LoopLimits, elapsedMs: number): boolean {
  return limits.maxWallSeconds !== undefined && elapsedMs >= limits.maxWallSeconds * 1000;
}

/** Input of the `bootstrap` actor: the session, once LoopStarted is recorded (a restarted bootstrap must not start another). */
export interface BootstrapInput {
  session: string | null;
  /** The slot the baseline is planned in, when several runs are in flight. */
  slot?: number;
}
/** Input of the `propose` actor. */
export interface ProposeInput {
  session: string;
  mode: Mode;
  /** The proposer to ask (the built-in one when falling back). */
  proposer: string;
  /** The exhausted proposer the built-in one stands in for. */
  fallbackFrom: string | null;
  /** The run to propose for, or null when the actor must plan it first. */
  run: RunContext | null;
  nextRunIndex: number;
  incumbent: IncumbentRef | null;
  /** When set, the run to plan is the next replicate of this replication (no proposer is asked). */
  replication: Replication | null;
  /** The slot to plan the run in, and the other runs in flight, when several are (absent: one at a time). */
  slot?: number;
  inFlight?: RunContext[];
}
/** Input of the `validate` actor. */
export interface ValidateInput {
  session: string;
  mode: Mode;
  run: RunContext;
  incumbent: IncumbentRef | null;
}
/** Input of the `train` actor. */
export interface TrainInput {
  session: string;
  mode: Mode;
  run: RunContext;
  /** The run's slot when several are in flight (its GPU is the one LoopStarted recorded for the slot). */
  slot?: number;
}
/** Input of the `evaluate` actor. */
export interface EvaluateInput {
  session: string;
  run: RunContext;
  incumbent: IncumbentRef | null;
  metric: LoopContext['metric'];
  replication: Replication | null;
  /** Runs the session was asked for (sets the confirmation level). */
  runsRequested: number;
}
/** Input of the `journal` actor. */
export interface JournalInput {
  session: string;
  run: RunContext;
  incumbent: IncumbentRef | null;
  metric: LoopContext['metric'];
  runsCompleted: number;
  runsRequested: number;
  replication: Replication | null;
  /** Replicates of inconclusive candidates this session has journaled (statistics.max_extra_runs). */
  extraRuns: number;
  /** With several runs in flight: the other runs in flight, and the index the next run planned gets (absent: one at a time). */
  flight?: { inFlight: string[]; nextRunIndex: number };
  /** A stop now was asked for: a promotion's confirmation starts no evaluator (the promotion stays unconfirmed). */
  stopNow?: boolean;
}

/** Failures of the setup, not of the config: never retried, never a bad observation for the optimizer. */
export const SETUP_FAILURES: ReadonlySet<string> = new Set(['cannot-start', 'metric-missing', 'launcher-error']);

/** The built-in proposer, which needs no outside process and stands in for an exhausted one. */
export const BUILTIN_PROPOSER = 'builtin';

/** An actor the orchestrator must supply: throws, naming it, when it was not. */
export function missing(name: string) {
  return () => {
    throw new Error(`actor "${name}" was not provided: supply it with machine.provide({ actors })`);
  };
}

/** The context of a loop before its session starts. */
export const initialContext: LoopContext = {
  session: null,
  mode: 'quick',
  proposer: BUILTIN_PROPOSER,
  runsRequested: 0,
  runsCompleted: 0,
  nextRunIndex: 1,
  limits: { maxProposalAttempts: 1, maxRunAttempts: 1, maxConsecutiveFailures: 1 },
  metric: { name: 'mean_reward', direction: 'maximize' },
  incumbent: null,
  replication: null,
  extraRuns: 0,
  run: null,
  consecutiveFailures: 0,
  stop: null,
  haltReason: null,
  fatal: null,
  startedAt: null,
  elapsedMs: 0,
};

/** The loop's run after `event` (the restore event changes no run). */
function evolveRunOf(context: LoopContext, event: AutopilotEvent | RestoreEvent): RunContext {
  const run = requireRun(context);
  return event.type === RESTORE_EVENT ? run : evolveRun(run, event);
}

function canFallBack(context: LoopContext): boolean {
  return context.stop === null && !requireRun(context).fallback && context.limits.onExhausted === 'fallback' && !isBuiltin(context.proposer);
}

/** Whether a proposer kind is one of the built-in ones (which need no outside process and do not fall back). */
export function isBuiltin(proposer: string): boolean {
  return (BUILTIN_PROPOSERS as readonly string[]).includes(proposer);
}

function requireRun(context: LoopContext): RunContext {
  if (!context.run) throw new Error('no run is planned');
  return context.run;
}

function requireSession(context: LoopContext): string {
  if (!context.session) throw new Error('the loop has not started');
  return context.session;
}

/** What the machine emits: that it entered `state` (reentries included), on the event `cause`. */
export interface StateEnteredNotice {
  type: 'entered';
  state: string;
  /** The event that took the transition (for an eventless one, the event of its macrostep). */
  cause: string;
}

/**
 * Not a catalogue event, never recorded nor sent to a running loop: restore applies it once to a
 * folded snapshot so that the current state's actor is invoked again with its input computed from
 * the folded context (the input it got on entry predates the events folded since).
 */
export const RESTORE_EVENT = 'loop.restore';
/** The restore event (see `RESTORE_EVENT`). */
export interface RestoreEvent {
  type: typeof RESTORE_EVENT;
}

/** The actors every loop machine invokes, each to be supplied by the orchestrator (`machine.provide({ actors })`). */
export function loopActors() {
  return {
    bootstrap: fromCallback<EventObject, BootstrapInput>(missing('bootstrap')),
    propose: fromCallback<EventObject, ProposeInput>(missing('propose')),
    validate: fromCallback<EventObject, ValidateInput>(missing('validate')),
    train: fromCallback<EventObject, TrainInput>(missing('train')),
    evaluate: fromCallback<EventObject, EvaluateInput>(missing('evaluate')),
    journal: fromCallback<EventObject, JournalInput>(missing('journal')),
  };
}

/** The loop statechart: bootstrap → propose → validate → train → evaluate → journal → (propose | done), plus halted. */
export const loopMachine = setup({
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- XState infers the machine's context and event types from this assertion
  types: {} as { context: LoopContext; events: AutopilotEvent | RestoreEvent; emitted: StateEnteredNotice },
  actors: loopActors(),
  guards: {
    hasIncumbent: ({ event }) => {
      assertEvent(event, 'LoopStarted');
      return event.data.incumbent !== null;
    },
    stopNow: ({ event }) => {
      assertEvent(event, 'StopRequested');
      return event.data.now;
    },
    canAskAgain: ({ context }) => context.stop === null && requireRun(context).proposalAttempt - requireRun(context).fallbackAt < context.limits.maxProposalAttempts,
    canFallBack: ({ context }) => canFallBack(context),
    // A proposer process that timed out, hung, crashed or answered nothing is not asked again when a fallback is configured.
    processFailedCanFallBack: ({ context, event }) => {
      assertEvent(event, 'ProposalFailed');
      const reason = event.data.reason;
      return reason !== undefined && reason !== 'error' && canFallBack(context);
    },
    // A command that cannot start, or a trainer that reports no value of the metric, fails the same way every time.
    canRetryRun: ({ context, event }) => {
      assertEvent(event, 'RunFailed');
      return context.stop === null && !SETUP_FAILURES.has(event.data.reason) && requireRun(context).attempt < context.limits.maxRunAttempts;
    },
    hasFatal: ({ context }) => context.fatal !== null,
    stopRequested: ({ context }) => context.stop !== null,
    tooManyFailures: ({ context }) => context.consecutiveFailures >= context.limits.maxConsecutiveFailures,
    allRunsDone: ({ context }) => context.runsCompleted >= context.runsRequested,
    runBudgetSpentAtStart: ({ event }) => {
      assertEvent(event, 'LoopStarted');
      return runBudgetSpent(event.data.limits, 0);
    },
    runBudgetSpent: ({ context }) => runBudgetSpent(context.limits, context.runsCompleted),
    wallBudgetSpent: ({ context }) => wallBudgetSpent(context.limits, context.elapsedMs),
  },
  actions: {
    start: assign(({ event }) => {
      assertEvent(event, 'LoopStarted');
      return sessionStart(event);
    }),
    plan: assign(({ event }) => {
      assertEvent(event, 'RunPlanned');
      const d = event.data;
      return { run: newRun(d), nextRunIndex: d.index + 1 };
    }),
    // The run's own events change it as evolveRun says (run-context.ts); failed also records a fatal failure.
    requested: assign({ run: ({ context, event }) => evolveRunOf(context, event) }),
    received: assign({ run: ({ context, event }) => evolveRunOf(context, event) }),
    proposerFailed: assign({ run: ({ context, event }) => evolveRunOf(context, event) }),
    proposerStarted: assign({ run: ({ context, event }) => evolveRunOf(context, event) }),
    proposerStopped: assign({ run: ({ context, event }) => evolveRunOf(context, event) }),
    fallBack: assign({ run: ({ context }) => fallBack(requireRun(context)) }),
    rejected: assign({ run: ({ context, event }) => evolveRunOf(context, event) }),
    accepted: assign({ run: ({ context, event }) => evolveRunOf(context, event) }),
    attemptPlanned: assign({ run: ({ context, event }) => evolveRunOf(context, event) }),
    requeued: assign({ run: ({ context, event }) => evolveRunOf(context, event) }),
    launched: assign({ run: ({ context, event }) => evolveRunOf(context, event) }),
    finished: assign({ run: ({ context, event }) => evolveRunOf(context, event) }),
    failed: assign({
      run: ({ context, event }) => evolveRunOf(context, event),
      fatal: ({ context, event }) => {
        assertEvent(event, 'RunFailed');
        return fatalOfFailure(event.data, context.fatal);
      },
    }),
    evaluated: assign({ run: ({ context, event }) => evolveRunOf(context, event) }),
    promoted: assign({
      incumbent: ({ event }) => {
        assertEvent(event, 'IncumbentChanged');
        return event.data.incumbent;
      },
      // A journal step restarted after a crash must not promote (or grow) the incumbent twice.
      run: ({ context, event }) => (context.run ? evolveRunOf(context, event) : null),
    }),
    rolledBack: assign(({ event }) => {
      assertEvent(event, 'RolledBack');
      return afterRollback(event);
    }),
    journaled: assign(({ context, event }) => {
      assertEvent(event, 'JournalWritten');
      const { facts, replication } = afterJournal(context, requireRun(context), event.data, event.metadata.at, context.replication);
      return { ...facts, replication, run: null };
    }),
    stop: assign({
      stop: ({ event }) => {
        assertEvent(event, 'StopRequested');
        return event.data;
      },
    }),
    forwardStop: sendTo('train', ({ event }) => event),
    forwardStopToJournal: sendTo('journal', ({ event }) => event),
    // The entry action of every state: says which state was entered (reentries too), for the orchestrator to record.
    entered: emit(({ event }, params: { state: string }) => ({ type: 'entered' as const, state: params.state, cause: event.type })),
    haltOnStop: assign({ haltReason: ({ context }) => `stop requested: ${context.stop?.reason ?? 'unknown'}` }),
    haltOnFatal: assign({ haltReason: ({ context }) => context.fatal }),
    haltOnRejections: assign({ haltReason: ({ context }) => rejectionsReason(requireRun(context), summarizeProblems) }),
    haltOnProposerFailure: assign({
      haltReason: ({ context, event }) => {
        assertEvent(event, 'ProposalFailed');
        return proposerReason(requireRun(context), event.data.message);
      },
    }),
    haltOnFailures: assign({ haltReason: ({ context }) => failuresReason(context.consecutiveFailures, context.limits.maxConsecutiveFailures) }),
    haltOnRunBudget: assign({ haltReason: ({ context }) => runBudgetReason(context.limits, context.runsCompleted) }),
    haltOnWallBudget: assign({ haltReason: ({ context }) => wallBudgetReason(context.limits, context.elapsedMs) }),
  },
}).createMachine({
  id: 'loop',
  context: initialContext,
  initial: 'bootstrap',
  on: {
    StopRequested: [{ guard: 'stopNow', actions: 'stop', target: '.stopping' }, { actions: 'stop' }],
    // Recorded only while no loop runs (`autopilot rollback`): a resumed session folds it here.
    RolledBack: { actions: 'rolledBack' },
  },
  states: {
    bootstrap: {
      entry: { type: 'entered', params: { state: 'bootstrap' } },
      invoke: { src: 'bootstrap', input: ({ context }) => ({ session: context.session }) },
      on: {
        [RESTORE_EVENT]: { target: 'bootstrap', reenter: true },
        LoopStarted: [
          // A workspace whose history already holds budgets.max_runs runs halts before planning anything.
          { guard: 'runBudgetSpentAtStart', actions: ['start', 'haltOnRunBudget'], target: 'halted' },
          { guard: 'hasIncumbent', actions: 'start', target: 'propose' },
          { actions: 'start' },
        ],
        RunPlanned: { actions: 'plan', target: 'validate' },
      },
    },
    propose: {
      entry: { type: 'entered', params: { state: 'propose' } },
      invoke: {
        src: 'propose',
        input: ({ context }) => ({
          session: requireSession(context),
          mode: context.mode,
          proposer: context.run?.fallback ? BUILTIN_PROPOSER : context.proposer,
          fallbackFrom: context.run?.fallback ? context.proposer : null,
          run: context.run,
          nextRunIndex: context.nextRunIndex,
          incumbent: context.incumbent,
          replication: context.replication,
        }),
      },
      on: {
        [RESTORE_EVENT]: { target: 'propose', reenter: true },
        RunPlanned: { actions: 'plan' },
        ProposalRequested: { actions: 'requested' },
        ProposerStarted: { actions: 'proposerStarted' },
        ProposerStopped: { actions: 'proposerStopped' },
        ProposalReceived: { actions: 'received', target: 'validate' },
        ProposalFailed: [
          { guard: 'processFailedCanFallBack', actions: ['proposerFailed', 'fallBack'], target: 'propose', reenter: true },
          { guard: 'canAskAgain', actions: 'proposerFailed', target: 'propose', reenter: true },
          { guard: 'canFallBack', actions: ['proposerFailed', 'fallBack'], target: 'propose', reenter: true },
          { actions: ['proposerFailed', 'haltOnProposerFailure'], target: 'halted' },
        ],
      },
    },
    validate: {
      entry: { type: 'entered', params: { state: 'validate' } },
      invoke: {
        src: 'validate',
        input: ({ context }) => ({
          session: requireSession(context),
          mode: context.mode,
          run: requireRun(context),
          incumbent: context.incumbent,
        }),
      },
      on: {
        [RESTORE_EVENT]: { target: 'validate', reenter: true },
        ProposalAccepted: { actions: 'accepted', target: 'train' },
        ProposalRejected: [
          { guard: 'canAskAgain', actions: 'rejected', target: 'propose' },
          { guard: 'canFallBack', actions: ['rejected', 'fallBack'], target: 'propose' },
          { actions: ['rejected', 'haltOnRejections'], target: 'halted' },
        ],
      },
    },
    train: {
      entry: { type: 'entered', params: { state: 'train' } },
      invoke: {
        id: 'train',
        src: 'train',
        input: ({ context }) => ({ session: requireSession(context), mode: context.mode, run: requireRun(context) }),
      },
      on: {
        [RESTORE_EVENT]: { target: 'train', reenter: true },
        // Stopping now during training kills the trainer first, so the run ends as a recorded failure;
        // a stop after the current run lets the trainer finish (the train actor kills on any stop it receives).
        StopRequested: [{ guard: 'stopNow', actions: ['stop', 'forwardStop'] }, { actions: 'stop' }],
        AttemptPlanned: { actions: 'attemptPlanned' },
        RunStarted: { actions: 'launched' },
        RunRequeued: { actions: 'requeued' },
        RunFinished: { actions: 'finished', target: 'evaluate' },
        RunFailed: [
          { guard: 'canRetryRun', actions: 'failed', target: 'train', reenter: true },
          { actions: 'failed', target: 'journal' },
        ],
      },
    },
    evaluate: {
      entry: { type: 'entered', params: { state: 'evaluate' } },
      invoke: {
        src: 'evaluate',
        input: ({ context }) => ({
          session: requireSession(context),
          run: requireRun(context),
          incumbent: context.incumbent,
          metric: context.metric,
          replication: context.replication,
          runsRequested: context.runsRequested,
        }),
      },
      on: {
        [RESTORE_EVENT]: { target: 'evaluate', reenter: true },
        RunEvaluated: { actions: 'evaluated', target: 'journal' },
      },
    },
    journal: {
      entry: { type: 'entered', params: { state: 'journal' } },
      invoke: {
        id: 'journal',
        src: 'journal',
        input: ({ context }) => ({
          session: requireSession(context),
          run: requireRun(context),
          incumbent: context.incumbent,
          metric: context.metric,
          runsCompleted: context.runsCompleted,
          runsRequested: context.runsRequested,
          replication: context.replication,
          extraRuns: context.extraRuns,
          stopNow: context.stop?.now === true,
        }),
      },
      on: {
        [RESTORE_EVENT]: { target: 'journal', reenter: true },
        // Stopping now during a promotion's confirmation stops its evaluator, so the evaluation and the run's entry are recorded before the halt.
        StopRequested: [{ guard: 'stopNow', actions: ['stop', 'forwardStopToJournal'] }, { actions: 'stop' }],
        IncumbentChanged: { actions: 'promoted' },
        JournalWritten: { actions: 'journaled', target: 'deciding' },
      },
    },
    // Transient: picks the next step once the run is journaled.
    deciding: {
      entry: { type: 'entered', params: { state: 'deciding' } },
      always: [
        // A stop the user asked for is the reason, even when it killed the baseline.
        { guard: 'stopRequested', actions: 'haltOnStop', target: 'halted' },
        { guard: 'hasFatal', actions: 'haltOnFatal', target: 'halted' },
        { guard: 'tooManyFailures', actions: 'haltOnFailures', target: 'halted' },
        { guard: 'allRunsDone', target: 'done' },
        // Budgets stop runs beyond them; a session that did what it was asked ends done.
        { guard: 'runBudgetSpent', actions: 'haltOnRunBudget', target: 'halted' },
        { guard: 'wallBudgetSpent', actions: 'haltOnWallBudget', target: 'halted' },
        { target: 'propose' },
      ],
    },
    // Transient: a stop "now" outside training halts at once; during training the trainer is killed first.
    stopping: {
      entry: { type: 'entered', params: { state: 'stopping' } },
      always: [{ actions: 'haltOnStop', target: 'halted' }],
    },
    done: { type: 'final', entry: { type: 'entered', params: { state: 'done' } } },
    halted: { type: 'final', entry: { type: 'entered', params: { state: 'halted' } } },
  },
});

/** The loop machine's type, for adapters and tests. */
export type LoopMachine = typeof loopMachine;
/** The state names a loop can be in. */
export type LoopStateValue = StateValueFrom<LoopMachine>;
