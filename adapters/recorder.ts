/**
 * The recording seam. Every event of a loop — what an actor reports, what the orchestrator decides
 * (a stop request, a takeover, a halt) and every state the machine enters — goes through one port,
 * `record(event)`: appended to the log (one transaction), applied to the projections, and only then
 * delivered to the machine. So nothing the machine acts on is missing from the log.
 *
 * This is also the one file that binds the seam to the running XState actor, through its public
 * API only (`send`, `getSnapshot`, `on`): a test holds every other source file to the same.
 */
import { streamOf, type AutopilotEvent } from '../events/catalogue.js';
import type { EventStore, StoredEvent } from '../events/store.js';

/** The port: records one event, then hands it on. Throws (having delivered nothing) when it cannot be appended. */
export interface Recorder {
  record(event: AutopilotEvent): void;
}

/** The three steps of a recording, in the order they run. */
export interface RecordingSteps {
  /** Appends the event (one transaction) and returns it as stored; throws when it is not in the log. */
  append(event: AutopilotEvent): StoredEvent<AutopilotEvent>;
  /** Applies the stored event to the projections (and records what follows from it there). */
  project(stored: StoredEvent<AutopilotEvent>): void;
  /** Hands the event to the machine. */
  deliver(event: AutopilotEvent): void;
}

/** The recorder adapter: append → project → deliver; a step that throws stops the ones after it. */
export function createRecorder(steps: RecordingSteps): Recorder {
  return {
    record(event) {
      const stored = steps.append(event);
      steps.project(stored);
      steps.deliver(event);
    },
  };
}

/** Appends one event at a time to its stream of `store`, in one transaction each, and returns it as the append stored it. */
export function storeAppender(store: EventStore<AutopilotEvent>): RecordingSteps['append'] {
  const versions = new Map<string, number>();
  return (event) => {
    const stream = streamOf(event);
    const expected = versions.get(stream) ?? store.streamVersion(stream);
    const { nextExpectedVersion, stored } = store.append(stream, [event], { expectedVersion: expected });
    versions.set(stream, nextExpectedVersion);
    // One event appended, one stored: the store's contract, so no read back to check it.
    return stored()[0]!;
  };
}

/**
 * How an actor reports: each event is recorded (and so delivered), unless the actor was stopped
 * meanwhile — then it is dropped, as XState drops a stopped callback actor's `sendBack`.
 */
export function reporter(recorder: Recorder, self: { getSnapshot(): { status: string } }): (event: AutopilotEvent) => void {
  return (event) => {
    if (self.getSnapshot().status !== 'stopped') recorder.record(event);
  };
}

/** The machine's notice that it entered a state (an entry action of every state emits it, reentries included). */
export interface StateEnteredNotice {
  type: 'entered';
  state: string;
  /** The event that took the transition (for eventless ones, the event of the macrostep). */
  cause: string;
}

/** An actor that can take delivered events and say which states it enters. */
export interface DeliveryTarget {
  send(event: AutopilotEvent): void;
  getSnapshot(): { status: string };
  on(type: 'entered', handler: (notice: StateEnteredNotice) => void): unknown;
}

/**
 * Delivery to a running machine: an event reaches it only while it is active and only if some state
 * handles it (any other event cannot change its snapshot; before `start` and after the end there is
 * nothing to deliver to).
 */
export function machineDelivery(handled: Iterable<string>): { deliver: RecordingSteps['deliver']; attach(target: DeliveryTarget): void } {
  const types = new Set(handled);
  let target: DeliveryTarget | null = null;
  return {
    deliver: (event) => {
      if (target && types.has(event.type) && target.getSnapshot().status === 'active') target.send(event);
    },
    attach: (t) => {
      target = t;
    },
  };
}
