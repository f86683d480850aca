/**
 * The inspector's runs table at any seq of the log: the rows fold (projections/inspector/rows.ts)
 * folded on from the nearest `inspector-rows-v1` snapshot at or before it, so at most
 * SNAPSHOT_EVERY events are read and folded. Reads, never writes.
 */
import type { AutopilotEvent } from '../events/catalogue.js';
import type { EventStore, SnapshotStore } from '../events/store.js';
import { emptyRows, foldRows, type RowsFold } from '../projections/inspector/rows.js';
import { loadRowsSnapshot } from '../projections/snapshots.js';
import { readerOf, type RangeReader } from './range-reader.js';

/** The rows fold at a seq, and the snapshot it was folded on from (null: from the start of the log). */
export interface RowsAt {
  rows: RowsFold;
  snapshotSeq: number | null;
}

/** The rows fold right after event `seq` (0: before any), from the nearest usable snapshot at or before it. */
export function rowsAt(store: EventStore<AutopilotEvent> & SnapshotStore, seq: number, read: RangeReader = readerOf(store)): RowsAt {
  const from = loadRowsSnapshot(store, seq);
  // Read before folding: the fold goes on in the snapshot's state.
  const snapshotSeq = from ? from.lastSeq : null;
  const rows = foldRows(read((snapshotSeq ?? 0) + 1, seq), from ?? emptyRows());
  return { rows, snapshotSeq };
}

/** The rows fold of the whole log as it is now. */
export function latestRows(store: EventStore<AutopilotEvent> & SnapshotStore): RowsAt {
  return rowsAt(store, store.lastSeq());
}
