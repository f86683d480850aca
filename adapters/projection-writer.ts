/**
 * The loop's projection writer: keeps the projection files of one workspace equal to the fold of
 * its log as events are appended. Each event is folded by the registered projections
 * (projections/registry.ts); a run's files are rendered again when an event names that run, and
 * the journal documents, which cover the whole history, are never rendered or written whole: the
 * labbook gets its new lines appended, the notes the sections from the first changed run on
 * (adapters/projection-files.ts), so the cost per event does not grow with the history.
 */
import { join } from 'node:path';
import { removeConfined, type UnsafeEntry } from './fs/confined.js';
import { matchingFile, patchFile, sameContent, atomicWrite, writeWhole, type FileIdentity } from './projection-files.js';
import type { AutopilotEvent } from '../events/catalogue.js';
import type { EventStore, SnapshotStore, StoredEvent } from '../events/store.js';
import { docPatch, docText, markWritten, type SegmentDoc } from '../projections/document.js';
import { labbookOf, NOTE_EVENTS, notesOf, type LabbookState, type NotesState } from '../projections/journal.js';
import { evolveIfHandled } from '../projections/projection.js';
import { labbookProjection, notesProjection, workspaceProjection } from '../projections/registry.js';
import { MODEL_POINTERS, renderAll, renderBest, renderModelPointers, renderRunFiles } from '../projections/render.js';
import { isSnapshotPoint, SnapshotTaker } from '../projections/snapshots.js';
import type { WorkspaceView } from '../projections/view.js';
import type { OwnWrites } from './own-writes.js';
import { renderEvaluations } from '../projections/evaluations.js';

const LABBOOK = labbookProjection.name;
const NOTES = notesProjection.name;

/** Keeps the projection files of one workspace equal to the fold of its log. */
export class ProjectionWriter {
  #view: WorkspaceView = workspaceProjection.initialState();
  #labbook: LabbookState = labbookProjection.initialState();
  #notes: NotesState = notesProjection.initialState();
  /** The file this writer last left at each journal document's path. */
  #written = new Map<string, FileIdentity>();
  /** Unsafe entries (links, FIFOs) met and removed where projections are written, until taken. */
  #unsafe: UnsafeEntry[] = [];
  /** Takes the snapshots (summary, rows, machine) every SNAPSHOT_EVERY events; null: none. */
  #snapshots: SnapshotTaker | null;

  /**
   * @param snapshots where to keep the snapshots (every SNAPSHOT_EVERY events); the loop passes its
   *   store. Without it the writer takes none.
   */
  constructor(
    private readonly workspace: string,
    private readonly snapshots: SnapshotStore | null = null,
    /** Where each write is noted, so an agent's step beside runs in flight can tell them from its own. */
    private readonly ownWrites: OwnWrites | null = null,
  ) {
    this.#snapshots = snapshots ? new SnapshotTaker(snapshots) : null;
  }

  /** The current fold. */
  get view(): WorkspaceView {
    return this.#view;
  }

  /** The unsafe entries met since the last call (the loop records them as a violation). */
  takeUnsafe(): UnsafeEntry[] {
    return this.#unsafe.splice(0);
  }

  #write(rel: string, content: string): void {
    const path = join(this.workspace, rel);
    if (!sameContent(this.workspace, path, content)) this.#unsafe.push(...atomicWrite(this.workspace, path, content));
    this.ownWrites?.note(rel, content);
  }

  /** Puts what changed in `doc` on disk: patched in place when the file is the one last written here, else written whole. */
  #writeDoc(rel: string, doc: SegmentDoc): void {
    const patch = docPatch(doc);
    if (!patch) return;
    const path = join(this.workspace, rel);
    const known = this.#written.get(rel);
    let identity = known ? patchFile(this.workspace, path, known, patch, this.#unsafe) : null;
    if (!identity) {
      const whole = writeWhole(this.workspace, path, docText(doc));
      this.#unsafe.push(...whole.unsafe);
      identity = whole.identity;
    }
    this.#written.set(rel, identity);
    markWritten(doc);
    this.ownWrites?.note(rel, docText(doc));
  }

  /** Makes the file at `rel` hold `doc` (compared byte for byte, written whole if it differs) and remembers it. */
  #settleDoc(rel: string, doc: SegmentDoc, content: string): void {
    const identity = matchingFile(this.workspace, join(this.workspace, rel), content);
    if (identity) {
      this.#written.set(rel, identity);
      markWritten(doc);
      this.ownWrites?.note(rel, content);
    } else {
      this.#written.delete(rel);
      this.#writeDoc(rel, doc);
    }
  }

  /** Folds the whole log and rewrites every projection file that differs (used at startup, after a crash). */
  catchUp(store: EventStore<AutopilotEvent>): void {
    this.#view = workspaceProjection.initialState();
    this.#snapshots = this.snapshots ? new SnapshotTaker(this.snapshots) : null;
    this.#written.clear();
    for (const stored of store.readAll()) {
      this.#view = workspaceProjection.evolve(this.#view, stored);
      this.#snapshots?.observe(stored);
      // Fill in snapshots a log written before they existed (or by an older version) lacks.
      if (isSnapshotPoint(stored.seq)) this.#snapshots?.ensure(this.#view);
    }
    this.#labbook = labbookOf(this.#view);
    this.#notes = notesOf(this.#view);
    for (const [rel, content] of renderAll(this.#view))
      if (rel === LABBOOK) this.#settleDoc(rel, this.#labbook.doc, content);
      else if (rel === NOTES) this.#settleDoc(rel, this.#notes.doc, content);
      else this.#write(rel, content);
  }

  /** Folds one appended event and writes what it changed. */
  apply(stored: StoredEvent<AutopilotEvent>): void {
    const incumbentBefore = this.#view.incumbent;
    this.#view = workspaceProjection.evolve(this.#view, stored);
    this.#snapshots?.observe(stored);
    if (isSnapshotPoint(stored.seq)) this.#snapshots?.save(this.#view);
    this.#labbook = evolveIfHandled(labbookProjection, this.#labbook, stored, this.#view);
    this.#notes = evolveIfHandled(notesProjection, this.#notes, stored, this.#view);
    const e = stored.event;
    const runId = (e.data as { runId?: unknown }).runId;
    if (typeof runId === 'string' && e.type !== 'RunProgress') {
      const r = this.#view.runs.get(runId);
      if (r) for (const [rel, content] of renderRunFiles(r)) this.#write(rel, content);
    }
    // A session that ended leaves its unjournaled runs interrupted: their files say so.
    if (e.type === 'LoopHalted' || e.type === 'LoopCompleted')
      for (const r of this.#view.runs.values()) if (r.interrupted && !r.journal) for (const [rel, content] of renderRunFiles(r)) this.#write(rel, content);
    this.#writeDoc(LABBOOK, labbookProjection.render(this.#labbook));
    if (NOTE_EVENTS.has(e.type)) this.#writeDoc(NOTES, notesProjection.render(this.#notes));
    if (e.type.startsWith('Evaluation')) for (const [rel, content] of renderEvaluations(this.#view.evaluations)) this.#write(rel, content);
    if (this.#view.incumbent !== incumbentBefore || stored.seq === 1) this.#write('runs/best.json', renderBest(this.#view));
    // Pruning after one run removes other runs' checkpoints: their index files change too.
    if (e.type === 'CheckpointsPruned')
      for (const id of new Set(e.data.removed.map((p) => /^runs\/(\d{3,})\//.exec(p)?.[1]))) {
        const r = id === undefined || id === runId ? undefined : this.#view.runs.get(id);
        if (r) for (const [rel, content] of renderRunFiles(r)) this.#write(rel, content);
      }
    if (e.type === 'RunFinished' || e.type === 'IncumbentChanged' || e.type === 'CheckpointsPruned' || e.type === 'CheckpointsIndexed') {
      const pointers = renderModelPointers(this.#view);
      for (const name of MODEL_POINTERS) {
        const content = pointers.get(name);
        if (content === undefined) {
          removeConfined(this.workspace, join(this.workspace, name));
          this.ownWrites?.noteRemoved(name);
        } else this.#write(name, content);
      }
    }
  }
}
