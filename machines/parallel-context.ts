/**
 * What a loop with several runs in flight knows (its slots, who proposes, who is judged, what
 * waits), and the pure rules its regions share: which slot plans next, when planning ends, which
 * replication a run belongs to. See parallel.machine.ts.
 */
import { assertEvent } from 'xstate';
import type { AutopilotEvent } from '../events/catalogue.js';
import type { Replication } from '../domain/judging/replication.js';
import { RESTORE_EVENT, isBuiltin, runBudgetSpent, wallBudgetSpent, type LoopContext, type RestoreEvent } from './loop.machine.js';
import type { RunContext } from './run-context.js';
import { sessionStart } from './session-rules.js';

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

/** Shorthands of the slotted loop's context and of what its guards and actions are given. */
export type Ctx = SlotsContext;
export type Args = { context: Ctx; event: AutopilotEvent | RestoreEvent };

export const runIn = (c: Ctx, slot: number): RunContext => {
  const run = c.slots[slot];
  if (!run) throw new Error(`slot ${slot} has no run`);
  return run;
};
export const session = (c: Ctx): string => {
  if (!c.session) throw new Error('the loop has not started');
  return c.session;
};
export const inFlight = (c: Ctx): number => c.slots.filter((r) => r !== null).length;
/** Whether the session plans no more runs: monotone, so a drained slot never has to wake up. */
export const ending = (c: Ctx): boolean =>
  c.stop !== null ||
  c.fatal !== null ||
  c.failureLimit !== null ||
  c.runsCompleted + inFlight(c) >= c.runsRequested ||
  runBudgetSpent(c.limits, c.runsCompleted + inFlight(c)) ||
  wallBudgetSpent(c.limits, c.elapsedMs);
/** The replication whose next replicate `slot` may plan: none while another replicate is in flight. */
export const replicationFor = (c: Ctx, slot: number): Replication | null => (c.replication && !c.slots.some((r, j) => j !== slot && r?.kind === 'replicate') ? c.replication : null);
/** The replication a run is judged within: its own for a replicate, none for any other run. */
export const replicationOf = (c: Ctx, run: RunContext): Replication | null => (run.kind === 'replicate' ? c.replication : null);
export const runIdOfEvent = (event: AutopilotEvent | RestoreEvent): unknown => (event.type === RESTORE_EVENT ? undefined : (event.data as { runId?: unknown }).runId);
export const canFallBackIn = (c: Ctx, run: RunContext): boolean => c.stop === null && !run.fallback && c.limits.onExhausted === 'fallback' && !isBuiltin(c.proposer);
export const canAskAgainIn = (c: Ctx, run: RunContext): boolean => c.stop === null && run.proposalAttempt - run.fallbackAt < c.limits.maxProposalAttempts;
export const withSlot = (c: Ctx, slot: number, run: RunContext | null): (RunContext | null)[] => c.slots.map((r, j) => (j === slot ? run : r));

export function startOf(event: AutopilotEvent | RestoreEvent): Partial<SlotsContext> {
  assertEvent(event, 'LoopStarted');
  return sessionStart(event);
}

/**
 * Whether `run` is compared with the incumbent now: it finished, and there is an incumbent (or it is
 * the baseline, which needs none). Without one — the baseline failed — it is journaled unjudged.
 */
export const comparable = (c: Ctx, run: RunContext): boolean => run.finished !== null && run.failure === null && (c.incumbent !== null || run.kind === 'baseline');

/** Whether a run may be judged now: the baseline and failed runs at once; the others once there is an incumbent, or none can come. */
const judgeable = (c: Ctx, runId: string): boolean => {
  const run = c.slots.find((r) => r?.runId === runId);
  return run !== undefined && run !== null && (c.incumbent !== null || c.fatal !== null || run.kind === 'baseline' || run.failure !== null);
};

/** Whether slot `slot` is judged next: nobody is, and its run is the first judgeable one in the order runs ended. */
export const myTurn = (c: Ctx, slot: number): boolean => c.judging === null && c.judgeQueue.find((id) => judgeable(c, id)) === runIn(c, slot).runId;

/** Whether `written` journals the session's baseline as failed, before any incumbent: what is in flight can never be judged. */
export const baselineFailing = (c: Ctx, written: { runId: string; status: string }): boolean =>
  c.incumbent === null && written.status === 'failed' && c.slots.some((r) => r?.runId === written.runId && r.kind === 'baseline');

/**
 * Whether every run in flight has its config accepted, so none is still being proposed: a slot that
 * enters validate in the same step (the baseline) holds no token yet, and must still go first.
 */
export const settled = (c: Ctx): boolean => c.slots.every((r) => r === null || r.accepted !== null);
