import { describe, expect, expectTypeOf, it } from 'vitest';
import { createActor } from 'xstate';
import type { AutopilotEvent } from '../../events/catalogue.js';
import { BUILTIN_PROPOSERS, PROPOSER_KINDS } from '../../domain/config/settings.js';
import { isBuiltin, loopMachine, type LoopStateValue, type StateEnteredNotice } from '../../machines/loop.machine.js';
import { ev, inertLoop, intoTrain, started } from '../support/loop-harness.js';

const machine = inertLoop();
const limits = { maxProposalAttempts: 2, maxRunAttempts: 2, maxConsecutiveFailures: 1, onExhausted: 'fallback' as const };
const failed = (runId: string, attempt: number) => ev('RunFailed', { runId, attempt, reason: 'crashed', exitCode: 1, signal: null, durationMs: 1, message: 'boom' });

/** Runs the machine through `events` and returns each state it said it entered, as `to (cause)`. */
function entries(events: AutopilotEvent[]): string[] {
  const actor = createActor(machine);
  const seen: string[] = [];
  actor.on('entered', (n: StateEnteredNotice) => seen.push(`${n.state} (${n.cause})`));
  actor.start();
  for (const e of events) actor.send(e);
  return seen;
}

describe('the state entries the machine emits', () => {
  it('name every state entered, on the event that took the transition, including reentries and transient states', () => {
    const events: AutopilotEvent[] = [
      ...intoTrain(limits),
      started('001', 1),
      failed('001', 1),
      started('001', 2),
      failed('001', 2),
      ev('JournalWritten', { runId: '001', status: 'failed', action: 'a', observation: 'o', outcome: 'x', next: 'n' }),
    ];
    expect(entries(events)).toEqual([
      'bootstrap (xstate.init)',
      'validate (RunPlanned)',
      'train (ProposalAccepted)',
      'train (RunFailed)',
      'journal (RunFailed)',
      'deciding (JournalWritten)',
      'halted (JournalWritten)',
    ]);
  });

  it('say nothing on an event that changes no state', () => {
    expect(entries([ev('StopRequested', { reason: 'r', now: false })])).toEqual(['bootstrap (xstate.init)']);
  });
});

describe('the machine definition', () => {
  it('derives its state names from its own states', () => {
    expectTypeOf<LoopStateValue>().toEqualTypeOf<'bootstrap' | 'propose' | 'validate' | 'train' | 'evaluate' | 'journal' | 'deciding' | 'stopping' | 'done' | 'halted'>();
    expect(Object.keys(loopMachine.root.states).sort()).toEqual(['bootstrap', 'deciding', 'done', 'evaluate', 'halted', 'journal', 'propose', 'stopping', 'train', 'validate']);
  });

  it('knows the built-in proposers from the one list in domain/config/settings.ts', () => {
    expect(PROPOSER_KINDS.filter(isBuiltin).sort()).toEqual([...BUILTIN_PROPOSERS].sort());
    expect(isBuiltin('command')).toBe(false);
  });
});
