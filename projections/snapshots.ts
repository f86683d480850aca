/**
 * Snapshots of the summary view, so `replay --at SEQ` (and `status`) fold at most
 * {@link SNAPSHOT_EVERY} events instead of the whole log. Whoever folds the full view while holding
 * the workspace lock (the loop's projection writer, `rebuild`) takes one at every multiple of
 * {@link SNAPSHOT_EVERY}; readers only load them.
 */
import type { SnapshotStore } from '../events/store.js';
import { parseSummary, serializeSummary, summaryOfView, type SummaryFold } from './summary.js';
import type { WorkspaceView } from './view.js';

/** The snapshot's name; a new name whenever the summary's format changes, so old ones are ignored. */
export const SUMMARY_SNAPSHOT = 'summary-v1';

/** Events between two snapshots: a replay folds fewer than this many events after the nearest one. */
export const SNAPSHOT_EVERY = 10_000;

/** Whether a snapshot belongs right after event `seq`. */
export function isSnapshotPoint(seq: number): boolean {
  return seq > 0 && seq % SNAPSHOT_EVERY === 0;
}

/** Stores the summary of `view` (folded exactly up to `view.lastSeq`). */
export function saveSummarySnapshot(store: SnapshotStore, view: WorkspaceView): void {
  store.saveSnapshot(SUMMARY_SNAPSHOT, view.lastSeq, serializeSummary(summaryOfView(view)));
}

/** Stores the summary of `view` unless a valid snapshot already exists at its seq. */
export function ensureSummarySnapshot(store: SnapshotStore, view: WorkspaceView): void {
  if (store.loadSnapshot(SUMMARY_SNAPSHOT, view.lastSeq)?.seq !== view.lastSeq) saveSummarySnapshot(store, view);
}

/**
 * The summary at the latest usable snapshot at or before `seq`; null when there is none (or it is
 * unreadable, e.g. written by another version: the caller then folds from the start).
 */
export function loadSummarySnapshot(store: SnapshotStore, seq: number): SummaryFold | null {
  const snap = store.loadSnapshot(SUMMARY_SNAPSHOT, seq);
  if (!snap) return null;
  try {
    const summary = parseSummary(snap.body);
    return summary.lastSeq === snap.seq ? summary : null;
  } catch {
    return null;
  }
}
