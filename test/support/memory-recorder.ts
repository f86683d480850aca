/** A recorder that keeps its log in memory: actors run against it in unit tests, with no store and no machine. */
import { createRecorder, type Recorder } from '../../adapters/recorder.js';
import type { AutopilotEvent } from '../../events/catalogue.js';
import type { StoredEvent } from '../../events/store.js';

/** The recorder and what it recorded, in order. */
export interface MemoryRecorder extends Recorder {
  events: AutopilotEvent[];
}

/** An in-memory recorder: each event is "appended" with the next sequence number; nothing is projected or delivered. */
export function memoryRecorder(): MemoryRecorder {
  const events: AutopilotEvent[] = [];
  const recorder = createRecorder({
    append: (event): StoredEvent<AutopilotEvent> => {
      events.push(event);
      return { seq: events.length, streamId: 'memory', streamPosition: events.length, schemaVersion: 1, createdAt: event.metadata.at, prevHash: '', hash: '', event };
    },
    project: () => undefined,
    deliver: () => undefined,
  });
  return { events, record: (event) => recorder.record(event) };
}
