/**
 * The loop machine folded through a session's events (XState's pure `transition`), and its snapshot
 * as text (the `machine-v1` snapshot, projections/snapshots.ts): the state value, status and context of
 * the session open at a seq, restored with the public `resolveState`. With it a replay at seq N of a
 * long session folds only the events after the snapshot through the machine. Pure.
 */
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { z } from 'zod';
import type { AutopilotEvent } from '../events/catalogue.js';
import type { StoredEvent } from '../events/store.js';
import { loopMachine, type LoopContext, type LoopMachine } from '../machines/loop.machine.js';
import { machineFor, parallelOf } from '../machines/machine-for.js';

/** A machine snapshot of the loop. */
export type LoopSnapshot = SnapshotFrom<LoopMachine>;

/** The event types some state of the machine handles: the others cannot change a snapshot. */
const HANDLED = new Set<string>(loopMachine.events);

/** Whether `e` can change the machine's snapshot (the fold skips the rest). */
export function changesMachine(e: AutopilotEvent): boolean {
  return HANDLED.has(e.type);
}

/**
 * Folds `events` (those of one session, in order) through the machine from `snapshot` (default: the
 * initial one); actions are discarded. The session's LoopStarted, its first event the machine
 * takes, says how many runs it keeps in flight, and so which machine folds it (machine-for.ts).
 */
export function foldMachine(events: Iterable<AutopilotEvent>, snapshot: LoopSnapshot = initialTransition(loopMachine)[0]): LoopSnapshot {
  let s = snapshot;
  for (const e of events) {
    if (!changesMachine(e)) continue;
    const machine = e.type === 'LoopStarted' ? machineFor(parallelOf(e)) : s.machine;
    if (machine !== s.machine) s = initialTransition(machine)[0];
    [s] = transition(machine, s, e);
  }
  return s;
}

/** A machine snapshot with where it belongs: the session it folds, from `firstSeq` (the session's first event) up to `seq`. */
export interface SessionMachine {
  session: string;
  firstSeq: number;
  seq: number;
  snapshot: LoopSnapshot;
}

const Body = z.object({
  session: z.string(),
  firstSeq: z.number().int().positive(),
  seq: z.number().int().positive(),
  value: z.union([z.string(), z.record(z.string(), z.unknown())]),
  status: z.enum(['active', 'done']),
  context: z.record(z.string(), z.unknown()),
});

/** The snapshot's text: the session, its span, and the machine's state value, status and context. */
export function serializeMachine(m: SessionMachine): string {
  const { value, status, context } = m.snapshot;
  return JSON.stringify({ session: m.session, firstSeq: m.firstSeq, seq: m.seq, value, status, context });
}

/** Reads {@link serializeMachine}'s text back into a live snapshot; throws when it is not one of this format or does not restore to the same state. */
export function parseMachine(text: string): SessionMachine {
  const p = Body.parse(JSON.parse(text));
  // The context was written from a LoopContext by serializeMachine; the machine's own fold produced it.
  const k = typeof p.context['parallel'] === 'number' ? p.context['parallel'] : 1;
  const snapshot = machineFor(k).resolveState({ value: p.value as LoopSnapshot['value'], context: p.context as unknown as LoopContext, status: p.status });
  if (snapshot.status !== p.status || JSON.stringify(snapshot.value) !== JSON.stringify(p.value)) throw new Error('the machine snapshot does not restore to its state');
  return { session: p.session, firstSeq: p.firstSeq, seq: p.seq, snapshot };
}

/**
 * Follows the session open at the last event it observed, so a writer can snapshot its machine at
 * any seq without folding the whole log: it keeps the session's events since its last fold and
 * folds them only when asked. A session whose events were interleaved with another's restarts here
 * at a later seq than its first: the caller compares {@link SessionMachine.firstSeq} with the view's.
 */
export class MachineTracker {
  #session: string | null = null;
  #firstSeq = 0;
  #seq = 0;
  #base: LoopSnapshot | null = null;
  #pending: AutopilotEvent[] = [];

  /** The session open at the last observed event (null before any). */
  get session(): string | null {
    return this.#session;
  }

  /** Takes in the next event of the log. */
  observe(stored: StoredEvent<AutopilotEvent>): void {
    const session = stored.event.metadata.session;
    if (session !== this.#session) {
      this.#session = session;
      this.#firstSeq = stored.seq;
      this.#base = null;
      this.#pending = [];
    }
    this.#seq = stored.seq;
    if (changesMachine(stored.event)) this.#pending.push(stored.event);
  }

  /** The machine of the open session right after the last observed event (null before any). */
  current(): SessionMachine | null {
    if (this.#session === null) return null;
    if (this.#base === null || this.#pending.length > 0) this.#base = foldMachine(this.#pending, this.#base ?? undefined);
    this.#pending = [];
    return { session: this.#session, firstSeq: this.#firstSeq, seq: this.#seq, snapshot: this.#base };
  }

  /** Takes `m` (a stored snapshot of this very point: same session, span and seq) as the fold so far, saving the fold of the events it covers. */
  adopt(m: SessionMachine): boolean {
    if (m.session !== this.#session || m.firstSeq !== this.#firstSeq || m.seq !== this.#seq) return false;
    this.#base = m.snapshot;
    this.#pending = [];
    return true;
  }
}
