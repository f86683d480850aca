/**
 * `journal/labbook.md` and `journal/notes.md` as projections whose state is the document itself,
 * kept as segments (projections/document.ts), so a writer puts on disk only what changed: the
 * labbook gets its new lines appended, the notes get the sections from the first changed run on.
 * Both read the workspace view (folded first) as their context. Pure.
 */
import { EVENT_TYPES, type AutopilotEvent } from '../events/catalogue.js';
import type { StoredEvent } from '../events/store.js';
import { emptyDoc, setSegment, type SegmentDoc } from './document.js';
import type { Projection } from './projection.js';
import { LABBOOK_HEAD, labbookEntryLine, NOTES_HEAD, renderNotesSection } from './render.js';
import type { RunView, WorkspaceView } from './view.js';

/** The labbook as segments: the head, then one line per entry of the view's labbook. */
export interface LabbookState {
  doc: SegmentDoc;
  /** Entries of the view's labbook already in `doc`. */
  entries: number;
}

/** The notes as segments: the head, then one section per run in plan order ('' for a run with none). */
export interface NotesState {
  doc: SegmentDoc;
  /** Segment of each run. */
  slots: Map<string, number>;
  /** The run of each segment (index 0, the head, has none). */
  runs: (RunView | null)[];
  /** Segments whose run changed since they were rendered. */
  dirty: Set<number>;
  /** Every section may have changed (an event of a type this projection does not know). */
  all: boolean;
}

/** After these events the notes are rendered (and written); in between, changes only accumulate. */
export const NOTE_EVENTS: ReadonlySet<string> = new Set([
  'ProposalReceived',
  'ProposalRejected',
  'ProposalFailed',
  'ProposalAccepted',
  'JournalWritten',
  'RunPlanned',
  'LoopHalted',
  'LoopCompleted',
]);

/** Events that end a session: its unjournaled runs become interrupted. */
const SESSION_ENDS: ReadonlySet<string> = new Set(['LoopHalted', 'LoopCompleted']);

/**
 * Event types that change no run's notes section other than the one they name, if any (a run's
 * section depends on that run alone; CheckpointsPruned edits checkpoints, which no section shows).
 * After a type not listed here (nor in {@link SESSION_ENDS}), every section is rendered again.
 */
const RUN_LOCAL_EVENTS: ReadonlySet<string> = new Set(EVENT_TYPES.filter((t) => !SESSION_ENDS.has(t)));

const ALL_TYPES = new Set(EVENT_TYPES);

// Renders the entries of the view's labbook that the state does not have yet.
function syncLabbook(state: LabbookState, view: WorkspaceView): LabbookState {
  const entries = view.labbook;
  // The view's labbook only grows; a shorter one is another history: render it from the start.
  const from = entries.length < state.entries ? 0 : state.entries;
  if (from === 0 && state.entries > 0) state.doc = emptyDoc(LABBOOK_HEAD);
  for (let i = from; i < entries.length; i++) setSegment(state.doc, 1 + i, `${labbookEntryLine(entries[i]!)}\n`);
  state.entries = entries.length;
  return state;
}

/** `journal/labbook.md`, appended one line per labbook entry. */
export const labbookProjection: Projection<LabbookState, SegmentDoc, WorkspaceView> = {
  name: 'journal/labbook.md',
  canHandle: ALL_TYPES,
  initialState: () => ({ doc: emptyDoc(LABBOOK_HEAD), entries: 0 }),
  evolve: (state, _stored, view) => syncLabbook(state, view),
  render: (state) => state.doc,
};

function evolveNotes(state: NotesState, stored: StoredEvent<AutopilotEvent>, view: WorkspaceView): NotesState {
  const e = stored.event;
  const runId = (e.data as { runId?: unknown }).runId;
  if (e.type === 'RunPlanned') {
    const slot = state.slots.get(e.data.runId) ?? state.runs.length;
    state.slots.set(e.data.runId, slot);
    state.runs[slot] = view.runs.get(e.data.runId) ?? null;
    if (slot === state.doc.segments.length) setSegment(state.doc, slot, '');
  }
  if (typeof runId === 'string') {
    const slot = state.slots.get(runId);
    if (slot !== undefined) state.dirty.add(slot);
  }
  if (SESSION_ENDS.has(e.type)) {
    for (let i = 1; i < state.runs.length; i++) if (!state.runs[i]?.journal) state.dirty.add(i);
  } else if (!RUN_LOCAL_EVENTS.has(e.type)) state.all = true;
  if (NOTE_EVENTS.has(e.type)) renderDirty(state);
  return state;
}

function renderDirty(state: NotesState): void {
  const slots = state.all ? state.runs.keys() : state.dirty;
  for (const i of slots) {
    const r = state.runs[i];
    if (r) setSegment(state.doc, i, renderNotesSection(r) ?? '');
  }
  state.dirty.clear();
  state.all = false;
}

/** `journal/notes.md`, a section per run, rendered again only for the runs events named. */
export const notesProjection: Projection<NotesState, SegmentDoc, WorkspaceView> = {
  name: 'journal/notes.md',
  canHandle: ALL_TYPES,
  initialState: () => ({ doc: emptyDoc(NOTES_HEAD), slots: new Map(), runs: [null], dirty: new Set(), all: false }),
  evolve: evolveNotes,
  render: (state) => state.doc,
};

/** The labbook state of a whole view (as folding its log would leave it). */
export function labbookOf(view: WorkspaceView): LabbookState {
  return syncLabbook(labbookProjection.initialState(), view);
}

/** The notes state of a whole view (as folding its log up to a note event would leave it). */
export function notesOf(view: WorkspaceView): NotesState {
  const state = notesProjection.initialState();
  for (const r of view.runs.values()) {
    state.slots.set(r.runId, state.runs.length);
    setSegment(state.doc, state.runs.length, '');
    state.runs.push(r);
  }
  state.all = true;
  renderDirty(state);
  return state;
}
