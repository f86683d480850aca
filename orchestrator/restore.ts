/** Restores the loop machine by folding a session's events through XState's pure `transition`. */
import { initialTransition, transition, type Snapshot, type SnapshotFrom } from 'xstate';
import type { AutopilotEvent } from '../events/catalogue.js';
import type { EventStore } from '../events/store.js';
import { RESTORE_EVENT, type LoopMachine } from '../machines/loop.machine.js';

/**
 * The machine snapshot after every event of `session` (from seq `fromSeq` on), actions discarded:
 * XState's public `transition(machine, snapshot, event)`, event by event. The events no state of the
 * machine handles (StateEntered, RunProgress, ...) are skipped, since they cannot change the snapshot.
 */
export function foldSession(machine: LoopMachine, store: EventStore<AutopilotEvent>, session: string, fromSeq: number, toSeq?: number): SnapshotFrom<LoopMachine> {
  let [snapshot] = initialTransition(machine);
  const handled = new Set<string>(machine.events);
  for (const stored of store.readAll({ fromSeq, ...(toSeq === undefined ? {} : { toSeq }) })) {
    if (stored.event.metadata.session !== session || !handled.has(stored.event.type)) continue;
    [snapshot] = transition(machine, snapshot, stored.event);
  }
  return snapshot;
}

/**
 * The persisted form of a folded snapshot, ready for `createActor(machine, { snapshot })`.
 * XState restarts the invoked actor of the current state with the input it was given when the
 * state was entered, which after a fold predates the events folded since (RunStarted in train,
 * ProposalRequested or ProposerStarted in propose, IncumbentChanged in journal...). So the
 * machine's restore event is applied first: it reenters the current state, which invokes its
 * actor anew with the input computed from the folded context. Nothing runs here (`transition` is
 * pure); the restored actor starts that invocation.
 */
export function restorableSnapshot(machine: LoopMachine, snapshot: SnapshotFrom<LoopMachine>): Snapshot<unknown> {
  const [fresh] = snapshot.status === 'active' ? transition(machine, snapshot, { type: RESTORE_EVENT }) : [snapshot];
  return machine.getPersistedSnapshot(fresh);
}
