import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, initialTransition, transition, type EventObject } from 'xstate';
import type { AutopilotEvent, DataOf } from '../../events/catalogue.js';
import { loopMachine, type TrainInput } from '../../machines/loop.machine.js';
import { restorableSnapshot } from '../../orchestrator/restore.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one inert actor stands in for every input type
const noop = fromCallback<EventObject, any>(() => undefined);
const meta = { session: '0001', at: '2026-01-01T00:00:00.000Z' };
const ev = <T extends AutopilotEvent['type']>(type: T, data: DataOf<T>) => ({ type, data, metadata: meta }) as Extract<AutopilotEvent, { type: T }>;
const limits = { maxProposalAttempts: 2, maxRunAttempts: 2, maxConsecutiveFailures: 1 };

describe('a restored snapshot', () => {
  it("invokes the current state's actor with the input of the folded context, not of the state's entry", () => {
    const inputs: TrainInput[] = [];
    const machine = loopMachine.provide({
      actors: { bootstrap: noop, propose: noop, validate: noop, evaluate: noop, journal: noop, train: fromCallback<EventObject, TrainInput>(({ input }) => void inputs.push(input)) },
    });
    let [snapshot] = initialTransition(machine);
    for (const e of [
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
      // Folded after train was entered: the restarted train actor must see the launch in flight (to reattach, not launch again).
      ev('RunStarted', { runId: '001', attempt: 1, launcher: 'local', argv: ['t'], cwd: '/', pid: 42, pidStartTime: null, seed: 1, logPath: 'l', exitFile: null, logOffset: 0 }),
    ])
      [snapshot] = transition(machine, snapshot, e);
    expect(snapshot.value).toBe('train');

    const actor = createActor(machine, { snapshot: restorableSnapshot(machine, snapshot) }).start();
    expect(inputs).toHaveLength(1);
    expect(inputs[0]!.run.started).toMatchObject({ attempt: 1, pid: 42 });
    expect(actor.getSnapshot().value).toBe('train');
    expect(actor.getSnapshot().context).toEqual(snapshot.context);
    actor.stop();
  });
});
