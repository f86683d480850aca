/** Restores the loop machine by folding a session's events through XState's pure `transition`. */
import { createActor, initialTransition, type SnapshotFrom } from 'xstate';
import type { AutopilotEvent } from '../events/catalogue.js';
import type { EventStore } from '../events/store.js';
import type { LoopMachine } from '../machines/loop.machine.js';

/**
 * The machine snapshot after every event of `session` (from seq `fromSeq` on), actions discarded.
 *
 * Same result as `transition(machine, snapshot, event)` event by event, for less: the events no
 * state of the machine handles (StateEntered, RunProgress, ...) are skipped, since they cannot
 * change the snapshot, and one inert actor scope serves every step instead of a new actor per
 * event (`transition` builds one each call). A test holds the two folds equal on real logs.
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
  const scope = inertScope(machine);
  for (const stored of store.readAll({ fromSeq, ...(toSeq === undefined ? {} : { toSeq }) })) {
    if (stored.event.metadata.session !== session || !handled.has(stored.event.type)) continue;
    snapshot = machine.transition(snapshot, stored.event, scope);
  }
  return snapshot;
}

/** An actor scope that executes nothing, as XState's `transition` makes for each call. */
function inertScope(machine: LoopMachine): Parameters<LoopMachine['transition']>[2] {
  const self = createActor(machine);
  return {
    self,
    id: '',
    sessionId: '',
    logger: () => undefined,
    defer: () => undefined,
    emit: () => undefined,
    stopChild: () => undefined,
    actionExecutor: () => undefined,
    system: self.system,
  };
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
