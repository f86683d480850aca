import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, initialTransition, transition, type EventObject } from 'xstate';
import type { TrainInput } from '../../machines/loop.machine.js';
import { restorableSnapshot } from '../../orchestrator/restore.js';
import { inertLoop, intoTrain, started } from '../support/loop-harness.js';

const limits = { maxProposalAttempts: 2, maxRunAttempts: 2, maxConsecutiveFailures: 1 };

describe('a restored snapshot', () => {
  it("invokes the current state's actor with the input of the folded context, not of the state's entry", () => {
    const inputs: TrainInput[] = [];
    const machine = inertLoop({ train: fromCallback<EventObject, TrainInput>(({ input }) => void inputs.push(input)) });
    let [snapshot] = initialTransition(machine);
    for (const e of [
      ...intoTrain(limits),
      // Folded after train was entered: the restarted train actor must see the launch in flight (to reattach, not launch again).
      started('001', 1, 42),
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
