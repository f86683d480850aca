/**
 * A rollback recorded while a session is unfinished (crashed, resumable): both loop machines take
 * `RolledBack` at the root, so the resumed session's fold has the new incumbent and no replication
 * under way, whatever state it was in.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import type { AutopilotEvent, IncumbentRef } from '../../events/catalogue.js';
import { loopMachine } from '../../machines/loop.machine.js';
import { machineFor } from '../../machines/machine-for.js';
import { ev, intoTrain } from '../support/loop-harness.js';

const limits = { maxProposalAttempts: 2, maxRunAttempts: 2, maxConsecutiveFailures: 3 };
const ref: IncumbentRef = { runId: '007', metric: 'm', mean: 2, n: 3, sample: [1, 2, 3], override: { 'train.learning_rate': 0.01 } };
const rolledBack = ev('RolledBack', { to: '007', previous: '009', why: 'noise', by: 'tester', incumbent: ref });

function fold(machine: typeof loopMachine, events: AutopilotEvent[]) {
  let [s] = initialTransition(machine);
  for (const e of events) [s] = transition(machine, s, e);
  return s;
}

describe('a RolledBack folded into an unfinished session', () => {
  it('sets the one-run loop’s incumbent and leaves it in the state it was in (train)', () => {
    const before = fold(loopMachine, intoTrain(limits));
    const after = fold(loopMachine, [...intoTrain(limits), rolledBack]);
    expect(before.value).toBe('train');
    expect(after.value).toBe('train');
    expect(after.context.incumbent).toEqual(ref);
    expect(after.context.replication).toBeNull();
    expect(after.context.run).toEqual(before.context.run);
  });

  it('ends a replication under way, in the loop with several runs in flight too', () => {
    const replication = { parent: '009', reason: 'improved' as const, target: 1, done: 0, runs: ['009'], sample: [5], override: {} };
    const started = intoTrain(limits)[0]!;
    if (started.type !== 'LoopStarted') throw new Error('expected LoopStarted');
    const withReplication = { ...started, data: { ...started.data, incumbent: { ...ref, runId: '009' }, replication } };
    for (const machine of [loopMachine, machineFor(2)] as (typeof loopMachine)[]) {
      expect(fold(machine, [withReplication]).context.replication).toEqual(replication);
      const s = fold(machine, [withReplication, rolledBack]);
      expect(s.context.replication).toBeNull();
      expect(s.context.incumbent).toEqual(ref);
    }
  });
});
