/**
 * The runs table kept current as the log grows: the rows fold of `projections/inspector/rows.ts`,
 * started from the latest `inspector-rows-v1` snapshot (bound to its event's hash, so only one of
 * this log is used) and folded on from where it stopped (never again from seq 1) each time it is
 * asked for. A log that
 * is no longer the one folded (reset, another import: the event it stopped at is gone or has
 * another hash) is folded afresh.
 */
import type { SqliteEventStore } from '../../adapters/store/sqlite-store.js';
import type { AutopilotEvent } from '../../events/catalogue.js';
import { emptyRows, evolveRows, type RowsFold } from '../../projections/inspector/rows.js';
import { loadRowsSnapshot } from '../../projections/snapshots.js';

/** The rows fold of one log, folded on as it grows. */
export class RowsCache {
  private fold: RowsFold = emptyRows();
  private hash: string | null = null;
  /** Events folded since the cache was made (a test reads it to see that nothing is folded twice). */
  folded = 0;
  /** The seq of the snapshot the fold last started from (null: from the start of the log). */
  startedFrom: number | null = null;

  /** The fold as of `store`'s last event. */
  update(store: SqliteEventStore<AutopilotEvent>): RowsFold {
    const at = this.fold.lastSeq;
    if (at > 0) {
      const [stopped] = store.readAll({ fromSeq: at, toSeq: at });
      if (stopped?.hash !== this.hash) this.reset();
    }
    const head = store.lastSeq();
    if (head <= this.fold.lastSeq) return this.fold;
    // A fresh fold starts from the latest snapshot: a 10,000-run log is then one interval's events away.
    if (this.fold.lastSeq === 0) this.start(store, head);
    try {
      for (const stored of store.readAll({ fromSeq: this.fold.lastSeq + 1, toSeq: head })) {
        evolveRows(this.fold, stored);
        this.hash = stored.hash;
        this.folded++;
      }
    } catch (error) {
      // An event the fold refused leaves it half applied: start over on the next call.
      this.reset();
      throw error;
    }
    return this.fold;
  }

  private start(store: SqliteEventStore<AutopilotEvent>, head: number): void {
    const snapshot = loadRowsSnapshot(store, head);
    if (!snapshot) return;
    const [at] = store.readAll({ fromSeq: snapshot.lastSeq, toSeq: snapshot.lastSeq });
    if (!at) return;
    this.fold = snapshot;
    this.hash = at.hash;
    this.startedFrom = snapshot.lastSeq;
  }

  private reset(): void {
    this.fold = emptyRows();
    this.hash = null;
    this.startedFrom = null;
  }
}
