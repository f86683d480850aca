/** Restores the loop machine by folding a session's events through XState's pure `transition`. */
import { initialTransition, transition, type Snapshot, type SnapshotFrom } from 'xstate';
import type { AutopilotEvent } from '../events/catalogue.js';
import type { EventStore } from '../events/store.js';
import type { LoopMachine } from '../machines/loop.machine.js';

/**
 * The machine snapshot after every event of `session` (from seq `fromSeq` on), actions discarded:
 * XState's public `transition(machine, snapshot, event)`, event by event. The events no state of the
 * machine handles (StateEntered, RunProgress, ...) are skipped, since they cannot change the snapshot.
 */
export function foldSession(
  machine: LoopMachine,
  store: EventStore<AutopilotEvent>,
  session: string,
  fromSeq: number,
  toSeq?: number,
): SnapshotFrom<LoopMachine> {
  let [snapshot] = initialTransition(machine);
  const handled = new Set<string>(machine.events);
  for (const stored of store.readAll({ fromSeq, ...(toSeq === undefined ? {} : { toSeq }) })) {
    if (stored.event.metadata.session !== session || !handled.has(stored.event.type)) continue;
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
 * the state was entered; after a fold that input is stale (it predates the events folded since:
 * RunStarted in train, ProposalRequested or ProposerStarted in propose, IncumbentChanged in
 * journal), so each child's input is recomputed from the folded context with the state's own
 * input mapper. XState has no public way to re-run an invocation's input on restore; this edits
 * the persisted (JSON) form only, through public accessors.
 */
export function restorableSnapshot(machine: LoopMachine, snapshot: SnapshotFrom<LoopMachine>): Snapshot<unknown> {
  const persisted = machine.getPersistedSnapshot(snapshot);
  const children = (persisted as PersistedChildren).children;
  const node = machine.getStateNodeById(`loop.${String(snapshot.value)}`);
  for (const def of node.invoke) {
    const child = children?.[def.id];
    if (!child?.snapshot || typeof def.input !== 'function') continue;
    child.snapshot.input = (def.input as (args: { context: unknown }) => unknown)({ context: snapshot.context });
  }
  return persisted;
}
