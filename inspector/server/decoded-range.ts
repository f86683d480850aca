/**
 * The decoded events of the span of the log read last, shared by a time-travel jump's requests: the
 * replay of N-1 and N and the runs at N all fold the events from the snapshot point before N up to N,
 * and decoding them costs more than folding them. The span is kept while its last event is still in
 * the same log with the same hash (the log is hash-chained: that hash fixes every event before it).
 * The events kept are frozen, deeply: the folds hold references into them, and one that tried to change
 * an event would throw rather than spoil the next request's fold.
 */
import type { SqliteEventStore } from '../../adapters/store/sqlite-store.js';
import type { AutopilotEvent } from '../../events/catalogue.js';
import type { StoredEvent } from '../../events/store.js';
import type { RangeReader } from '../../orchestrator/range-reader.js';
import { SNAPSHOT_EVERY } from '../../projections/snapshots.js';

/** Spans shorter than this are read from the store (one event, a step forward: no decoding worth keeping). */
export const KEEP_MIN_EVENTS = 64;
/** Spans longer than this are read from the store and not kept (a fold from event 1 of a log with no snapshot). */
export const KEEP_MAX_EVENTS = 2 * SNAPSHOT_EVERY;

type Store = SqliteEventStore<AutopilotEvent>;
type Event = StoredEvent<AutopilotEvent>;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The span kept: `events` are seqs `fromSeq..` of `store`. */
interface Kept {
  store: Store;
  fromSeq: number;
  events: readonly Event[];
}

/** The last span read, kept for the next reads of (part of) it. */
export class DecodedRange {
  private kept: Kept | null = null;
  /** Reads answered from the kept span (a test reads it). */
  hits = 0;

  /** `minEvents`: spans shorter than this are not kept (a test keeps short spans of a short log). */
  constructor(private readonly minEvents = KEEP_MIN_EVENTS) {}

  /** A reader of `store` through this cache. */
  reader(store: Store): RangeReader {
    return (fromSeq, toSeq) => this.read(store, fromSeq, toSeq);
  }

  /** The events `fromSeq..toSeq` of `store` (frozen when they come from or go into the cache). */
  read(store: Store, fromSeq: number, toSeq: number): Iterable<Event> {
    const count = toSeq - fromSeq + 1;
    const k = this.valid(store);
    const end = k ? k.fromSeq + k.events.length : 0; // the seq after the kept span
    if (k && fromSeq >= k.fromSeq && fromSeq <= end && toSeq - k.fromSeq < KEEP_MAX_EVENTS) {
      // Within the span, or going on past its end (N after N-1): the events past it are read and kept too.
      if (toSeq >= end) this.kept = { store, fromSeq: k.fromSeq, events: k.events.concat(this.decode(store, end, toSeq)) };
      this.hits++;
      return this.kept!.events.slice(fromSeq - k.fromSeq, toSeq - k.fromSeq + 1);
    }
    if (count < this.minEvents || count > KEEP_MAX_EVENTS) return store.readAll({ fromSeq, toSeq });
    const events = this.decode(store, fromSeq, toSeq);
    this.kept = { store, fromSeq, events };
    return events;
  }

  private decode(store: Store, fromSeq: number, toSeq: number): Event[] {
    return [...store.readAll({ fromSeq, toSeq })].map(deepFreeze);
  }

  /** The kept span, if it is of `store` and its last event is still there as it was. */
  private valid(store: Store): Kept | null {
    const k = this.kept;
    const last = k?.events.at(-1);
    if (!k || !last || k.store !== store) return null;
    const [now] = store.readAll({ fromSeq: last.seq, toSeq: last.seq });
    if (now?.hash === last.hash) return k;
    this.kept = null;
    return null;
  }
}
