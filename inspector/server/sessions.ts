/** The sessions of a log, from its `LoopStarted` events, found without decoding the rest of the log. */
import type { SqliteEventStore } from '../../adapters/store/sqlite-store.js';
import type { AutopilotEvent } from '../../events/catalogue.js';

/** One session as `/api/meta` lists it. */
export interface SessionEntry {
  session: string;
  /** Seq of its `LoopStarted`. */
  seq: number;
  at: string;
  runsRequested: number;
  mode: string;
  proposer: string;
  firstRunIndex: number;
}

/** Remembers the sessions found so far and looks only past them on the next call (the log is append-only). */
export class SessionIndex {
  private sessions: SessionEntry[] = [];
  private scannedTo = 0;
  private firstHash: string | null = null;

  /** The sessions of `store`'s log up to `head` (its last seq, read by the caller). */
  list(store: SqliteEventStore<AutopilotEvent>, head: number): SessionEntry[] {
    const [firstEvent] = head === 0 ? [] : [...store.readAll({ fromSeq: 1, toSeq: 1 })];
    const first = firstEvent?.hash ?? null;
    // Another log in the same place (the workspace was reset, another import): start over.
    if (head < this.scannedTo || first !== this.firstHash) {
      this.sessions = [];
      this.scannedTo = 0;
      this.firstHash = first;
    }
    if (head === this.scannedTo) return this.sessions;
    const seqs = store.db
      .prepare<[number, number], number>("SELECT global_position FROM messages WHERE global_position > ? AND global_position <= ? AND message_type = 'LoopStarted' ORDER BY global_position")
      .pluck()
      .all(this.scannedTo, head);
    for (const seq of seqs) {
      for (const stored of store.readAll({ fromSeq: seq, toSeq: seq })) {
        const e = stored.event;
        if (e.type !== 'LoopStarted') continue;
        const d = e.data;
        this.sessions.push({ session: d.session, seq, at: e.metadata.at, runsRequested: d.runsRequested, mode: d.mode, proposer: d.proposer, firstRunIndex: d.firstRunIndex });
      }
    }
    this.scannedTo = head;
    return this.sessions;
  }
}
