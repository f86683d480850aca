/** The loop machine as the machine and orchestrator unit tests drive it: inert actors, and events of session 0001 in one line each. */
import { fromCallback, type EventObject } from 'xstate';
import type { AutopilotEvent, AutopilotEventType, DataOf, EventOf } from '../../events/catalogue.js';
import { loopMachine } from '../../machines/loop.machine.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one inert actor stands in for every input type
const noop = fromCallback<EventObject, any>(() => undefined);

/** The actors a test may put in place of the inert ones. */
type Actors = NonNullable<Parameters<typeof loopMachine.provide>[0]['actors']>;

/** The loop machine with every actor inert, but those in `actors`. */
export function inertLoop(actors: Actors = {}) {
  return loopMachine.provide({ actors: { bootstrap: noop, propose: noop, validate: noop, train: noop, evaluate: noop, journal: noop, ...actors } });
}

const meta = { session: '0001', at: '2026-01-01T00:00:00.000Z' };

/** An event of session 0001, at a fixed time. */
export const ev = <T extends AutopilotEventType>(type: T, data: DataOf<T>) => ({ type, data, metadata: meta }) as EventOf<T>;

/** The events that take a fresh machine into `train`: a one-run session under `limits`, its baseline planned and accepted. */
export function intoTrain(limits: DataOf<'LoopStarted'>['limits']): AutopilotEvent[] {
  return [
    ev('LoopStarted', {
      session: '0001',
      runsRequested: 1,
      mode: 'quick',
      proposer: 'builtin',
      firstRunIndex: 1,
      incumbent: null,
      limits,
      metric: { name: 'm', direction: 'maximize' },
      pid: 1,
    }),
    ev('RunPlanned', { runId: '001', index: 1, kind: 'baseline', mode: 'quick' }),
    ev('ProposalAccepted', { runId: '001', attempt: 0, proposer: 'baseline', base: 'baseline', config: {}, override: {}, diff: [], normalizations: [], rationale: 'r', hypothesis: 'h' }),
  ];
}

/** The launch of attempt `attempt` of `runId`, as process `pid`. */
export const started = (runId: string, attempt: number, pid = 1) =>
  ev('RunStarted', { runId, attempt, launcher: 'local', argv: ['t'], cwd: '/', pid, pidStartTime: null, seed: 1, logPath: 'l', exitFile: null, logOffset: 0 });
