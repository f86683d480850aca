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

interface PersistedChildren {
  children?: Record<string, { snapshot?: { input?: unknown } }>;
}

/**
 * The persisted form of a folded snapshot, ready for `createActor(machine, { snapshot })`.
 * XState restarts the invoked actors of the current state with the input they were given when
 * the state was entered; after a fold that input is stale (it predates the events folded since),
 * so each child's input is recomputed from the folded context.
 */
export function restorableSnapshot(machine: LoopMachine, snapshot: SnapshotFrom<LoopMachine>): unknown {
  const persisted = machine.getPersistedSnapshot(snapshot) as PersistedChildren;
  const node = machine.getStateNodeById(`loop.${String(snapshot.value)}`);
  for (const def of node.invoke) {
    const child = persisted.children?.[def.id];
    if (!child?.snapshot || typeof def.input !== 'function') continue;
    child.snapshot.input = (def.input as (args: { context: unknown }) => unknown)({ context: snapshot.context });
  }
  return persisted;
}
