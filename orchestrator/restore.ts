/** Restores the loop machine by folding a session's events through XState's pure `transition`. */
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import type { AutopilotEvent } from '../events/catalogue.js';
import type { EventStore } from '../events/store.js';
import type { LoopMachine } from '../machines/loop.machine.js';

/** The machine snapshot after every event of `session` (from seq `fromSeq` on), actions discarded. */
export function foldSession(
  machine: LoopMachine,
  store: EventStore<AutopilotEvent>,
  session: string,
  fromSeq: number,
  toSeq?: number,
): SnapshotFrom<LoopMachine> {
  let [snapshot] = initialTransition(machine);
  for (const stored of store.readAll({ fromSeq, ...(toSeq === undefined ? {} : { toSeq }) })) {
    if (stored.event.metadata.session !== session) continue;
    [snapshot] = transition(machine, snapshot, stored.event);
  }
  return snapshot;
}
