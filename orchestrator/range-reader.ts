/** How the replay and the rows fold read a span of the log: the store's `readAll`, or a cache of its decoded events. */
import type { AutopilotEvent } from '../events/catalogue.js';
import type { EventStore, StoredEvent } from '../events/store.js';

/** Reads the events `fromSeq..toSeq` of a log, in order. The events handed out must not be changed. */
export type RangeReader = (fromSeq: number, toSeq: number) => Iterable<StoredEvent<AutopilotEvent>>;

/** The store's own reader. */
export const readerOf =
  (store: EventStore<AutopilotEvent>): RangeReader =>
  (fromSeq, toSeq) =>
    store.readAll({ fromSeq, toSeq });
