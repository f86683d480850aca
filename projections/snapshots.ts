/**
 * Snapshots of the summary view, of the inspector's rows and of the machine of the session open at
 * that point, so `replay --at SEQ` (and `status`, and the inspector) fold at most
 * {@link SNAPSHOT_EVERY} events instead of the whole log. Whoever folds the full view while holding
 * the workspace lock (the loop's projection writer, `rebuild`) takes them at every multiple of
 * {@link SNAPSHOT_EVERY} (a {@link SnapshotTaker}); readers only load them.
 */
import type { AutopilotEvent } from '../events/catalogue.js';
import type { SnapshotStore, StoredEvent } from '../events/store.js';
import { emptyRows, evolveRows, type RowsFold, type RunFold } from './inspector/rows.js';
import { parseRows, serializeRows } from './inspector/rows-snapshot.js';
import { MachineTracker, parseMachine, serializeMachine, type SessionMachine } from './machine-snapshot.js';
import { parseSummary, serializeSummary, summaryOfView, type SummaryFold } from './summary.js';
import type { WorkspaceView } from './view.js';

/** The snapshot's name; a new name whenever the summary's format changes, so old ones are ignored. */
export const SUMMARY_SNAPSHOT = 'summary-v1';

/** The inspector's runs table (the rows fold's state, projections/inspector/rows.ts). */
export const ROWS_SNAPSHOT = 'inspector-rows-v1';

/** The loop machine of the session open at the snapshot's seq (projections/machine-snapshot.ts). */
export const MACHINE_SNAPSHOT = 'machine-v1';

/**
 * A machine snapshot is taken only for a session that began at least this many events before the
 * point: a shorter one is folded from its first event in a replay (a few hundred ms at most), and
 * not folding it at every point keeps `rebuild` fast on histories of short sessions.
 */
export const MACHINE_MIN_SPAN = 2_000;

/** Every snapshot the writers take (`rebuild` clears and takes them all afresh). */
export const SNAPSHOT_NAMES = [SUMMARY_SNAPSHOT, ROWS_SNAPSHOT, MACHINE_SNAPSHOT] as const;

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
  return loadParsed(store, SUMMARY_SNAPSHOT, seq, parseSummary, (s) => s.lastSeq);
}

/** The snapshot `name` at or before `seq`, read with `parse`; null when there is none, it does not parse, or it claims another seq. */
function loadParsed<T>(store: SnapshotStore, name: string, seq: number, parse: (body: string) => T, seqOf: (t: T) => number): T | null {
  const snap = store.loadSnapshot(name, seq);
  if (!snap) return null;
  try {
    const parsed = parse(snap.body);
    return seqOf(parsed) === snap.seq ? parsed : null;
  } catch {
    return null;
  }
}

/** The rows fold at the latest usable snapshot at or before `seq`; null when there is none or it is unreadable. */
export function loadRowsSnapshot(store: SnapshotStore, seq: number): RowsFold | null {
  return loadParsed(store, ROWS_SNAPSHOT, seq, parseRows, (r) => r.lastSeq);
}

/** The machine of the session open at the latest usable snapshot at or before `seq`; null when there is none or it is unreadable. */
export function loadMachineSnapshot(store: SnapshotStore, seq: number): SessionMachine | null {
  return loadParsed(store, MACHINE_SNAPSHOT, seq, parseMachine, (m) => m.seq);
}

/**
 * Takes every snapshot at a snapshot point, for a writer that folds the full view: it is shown each
 * event the view folds ({@link observe}), and at a point {@link save}s (or {@link ensure}s) them all.
 */
export class SnapshotTaker {
  readonly #machine = new MachineTracker();
  // Folded along rather than derived from the view at each point: a row's metric interval costs a t-test.
  readonly #rows = emptyRows();
  /** Each run's text in the rows snapshot, until an event changes the run. */
  readonly #runText = new Map<string, string>();

  constructor(private readonly store: SnapshotStore) {}

  /** Takes in the event just folded into the view. */
  observe(stored: StoredEvent<AutopilotEvent>): void {
    this.#machine.observe(stored);
    evolveRows(this.#rows, stored);
    const e = stored.event;
    const runId = e.type === 'RolledBack' ? e.data.to : (e.data as { runId?: unknown }).runId;
    if (typeof runId === 'string') this.#runText.delete(runId);
    // A session's end marks its unjournaled runs interrupted.
    if (e.type === 'LoopHalted' || e.type === 'LoopCompleted') for (const [id, r] of this.#rows.runs) if (r.journal === null) this.#runText.delete(id);
  }

  /** Stores every snapshot of `view` (folded exactly up to `view.lastSeq`, the last observed event). */
  save(view: WorkspaceView): void {
    saveSummarySnapshot(this.store, view);
    this.#saveRows(view);
    this.#saveMachine(view);
  }

  /** Stores each snapshot of `view` that is not already there (a log written before they existed, or by an older version). */
  ensure(view: WorkspaceView): void {
    ensureSummarySnapshot(this.store, view);
    if (this.store.loadSnapshot(ROWS_SNAPSHOT, view.lastSeq)?.seq !== view.lastSeq) this.#saveRows(view);
    const stored = loadMachineSnapshot(this.store, view.lastSeq);
    if (!(stored?.seq === view.lastSeq && this.#machine.adopt(stored))) this.#saveMachine(view);
  }

  #saveRows(view: WorkspaceView): void {
    if (this.#rows.lastSeq !== view.lastSeq) return;
    const text = (runId: string, r: RunFold) => {
      let t = this.#runText.get(runId);
      if (t === undefined) this.#runText.set(runId, (t = JSON.stringify(r)));
      return t;
    };
    this.store.saveSnapshot(ROWS_SNAPSHOT, view.lastSeq, serializeRows(this.#rows, text));
  }

  // A session that another's events interrupted is not followed from its first event: no snapshot then.
  // Nor for a session that began shortly before: a replay folds it from its first event about as fast.
  #saveMachine(view: WorkspaceView): void {
    const session = this.#machine.session;
    if (session === null || view.lastSeq - (view.firstSeq.get(session) ?? view.lastSeq) < MACHINE_MIN_SPAN) return;
    const m = this.#machine.current();
    if (m && m.seq === view.lastSeq && view.firstSeq.get(m.session) === m.firstSeq) this.store.saveSnapshot(MACHINE_SNAPSHOT, m.seq, serializeMachine(m));
  }
}
