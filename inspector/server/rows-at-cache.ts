/**
 * The runs table at the seqs the time-travel view steps through: `rowsAt` (from the nearest rows
 * snapshot), except that a step forward folds on from the last fold it made instead of loading the
 * snapshot again, while the event that fold stopped at is still in the log with the same hash.
 */
import type { SqliteEventStore } from '../../adapters/store/sqlite-store.js';
import type { AutopilotEvent } from '../../events/catalogue.js';
import type { StoredEvent } from '../../events/store.js';
import { readerOf, type RangeReader } from '../../orchestrator/range-reader.js';
import { rowsAt } from '../../orchestrator/rows-at.js';
import { evolveRows, type RowsFold } from '../../projections/inspector/rows.js';
import { SNAPSHOT_EVERY } from '../../projections/snapshots.js';

/** The last fold made, with the seq and hash of the event it stops at. */
export class RowsAtCache {
  private last: { fold: RowsFold; seq: number; hash: string } | null = null;
  /** Events folded on from a kept fold (a test reads it to see that a step forward reads no snapshot). */
  steppedOn = 0;

  /** The rows fold right after `target`, an event of `store`. */
  at(store: SqliteEventStore<AutopilotEvent>, target: StoredEvent<AutopilotEvent>, read: RangeReader = readerOf(store)): RowsFold {
    const kept = this.last;
    this.last = null;
    if (kept && kept.seq <= target.seq && target.seq - kept.seq < SNAPSHOT_EVERY) {
      const [stopped] = store.readAll({ fromSeq: kept.seq, toSeq: kept.seq });
      if (stopped?.hash === kept.hash) {
        // evolveRows changes the fold in place: it is no longer kept until the fold ends.
        for (const stored of read(kept.seq + 1, target.seq)) {
          evolveRows(kept.fold, stored);
          this.steppedOn++;
        }
        this.last = { fold: kept.fold, seq: target.seq, hash: target.hash };
        return kept.fold;
      }
    }
    const { rows } = rowsAt(store, target.seq, read);
    this.last = { fold: rows, seq: target.seq, hash: target.hash };
    return rows;
  }
}
