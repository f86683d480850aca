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
import { assertEvent } from 'xstate';
import { RESTORE_EVENT, initialContext, runBudgetSpent, wallBudgetSpent } from './loop.machine.js';
import { newRun } from './run-context.js';
import { afterRollback, failuresReason, runBudgetReason, wallBudgetReason } from './session-rules.js';
import { startOf, withSlot } from './parallel-context.js';
import { parallelSetup } from './parallel-setup.js';
import { slotRegion } from './parallel-slot.js';

export type { SlotsContext } from './parallel-context.js';

/** The loop machine for `k` (≥ 2) runs in flight. */
export function parallelLoopMachine(k: number) {
  if (!Number.isInteger(k) || k < 2) throw new Error(`a parallel loop has at least 2 slots (got ${k})`);
  const slots = Array.from({ length: k }, (_, i) => i);
  const m = parallelSetup();
  const enter = (state: string) => ({ type: 'entered' as const, params: { state } });
  const stopNow = ({ event }: { event: { type: string; data?: unknown } }) => event.type === 'StopRequested' && (event.data as { now: boolean }).now;
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
    on: {
      StopRequested: { actions: 'stop' },
      // Recorded only while no loop runs (`autopilot rollback`): a resumed session folds it here; replications waiting end too.
      RolledBack: { actions: m.assign(({ event }) => (event.type === 'RolledBack' ? { ...afterRollback(event), queuedReplications: [] } : {})) },
    },
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
      running: { type: 'parallel', states: Object.fromEntries(slots.map((i) => [`slot${i}`, slotRegion(m, i)])), onDone: 'deciding' },
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

/** The machine of a loop with several runs in flight. */
export type ParallelLoopMachine = ReturnType<typeof parallelLoopMachine>;
