/** Writes projection files atomically and keeps them in step with the log as events are appended. */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { readConfined, removeConfined, writeConfined, type UnsafeEntry } from '../adapters/fs/confined.js';
import type { AutopilotEvent } from '../events/catalogue.js';
import { hasSnapshots, type EventStore, type SnapshotStore, type StoredEvent } from '../events/store.js';
import { ensureSummarySnapshot, isSnapshotPoint, saveSummarySnapshot, SUMMARY_SNAPSHOT } from './snapshots.js';
import {
  RUN_PROJECTION_FILES,
  labbookLine,
  renderAll,
  renderBest,
  renderModelPointers,
  renderLabbookFromLines,
  renderNotesFromSections,
  renderNotesSection,
  renderRunFiles,
} from './render.js';
import { emptyView, evolveView, type WorkspaceView } from './view.js';

/** The checkpoint pointers the projection keeps under models/. */
const MODEL_POINTERS = ['models/latest.json', 'models/best.json'] as const;

/**
 * Writes `content` to `path` (inside `root`) through a temp file and a rename, so readers never see
 * half a file, and never through a link: the directories on the way are checked one by one and
 * whatever stood at `path` is replaced (see adapters/fs/confined.ts). With `fsync` (the default)
 * the content is on disk before the rename; without it the caller makes a batch of writes durable
 * at once (as {@link rebuildProjections} does). Returns the unsafe entries it removed on the way.
 */
export function atomicWrite(root: string, path: string, content: string, { fsync = true, repair = true }: { fsync?: boolean; repair?: boolean } = {}): UnsafeEntry[] {
  return writeConfined(root, path, content, { fsync, repair });
}

/** Up to this many files, {@link syncAll} fsyncs each one rather than the whole filesystem. */
const FSYNC_EACH_MAX = 64;

/**
 * Makes the files `paths` (in directories `dirs`) under `root` durable. Many files: one `syncfs` of
 * the filesystem (`sync -f`, on Linux) instead of one fsync per file. A few files, or where that is
 * unavailable: an fsync of each file, then of each directory.
 */
function syncAll(root: string, paths: readonly string[], dirs: Iterable<string>): void {
  if (paths.length > FSYNC_EACH_MAX && process.platform === 'linux') {
    try {
      execFileSync('sync', ['-f', root], { stdio: 'ignore' });
      return;
    } catch {
      // no coreutils sync (or one without -f): fsync one by one below
    }
  }
  const fsyncPath = (path: string) => {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  };
  for (const path of paths) fsyncPath(path);
  for (const dir of dirs) {
    try {
      fsyncPath(dir);
    } catch {
      // some platforms cannot open or fsync a directory; the files themselves are synced
    }
  }
}

function writeIfChanged(root: string, path: string, content: string, unsafe: UnsafeEntry[]): void {
  if (!sameContent(root, path, content)) unsafe.push(...atomicWrite(root, path, content));
}

const NOTE_EVENTS = new Set(['ProposalReceived', 'ProposalRejected', 'ProposalFailed', 'ProposalAccepted', 'JournalWritten', 'RunPlanned', 'LoopHalted', 'LoopCompleted']);

/**
 * Event types whose fold changes no run other than the one they name (if they name one). After
 * any other type, the writer renders every run's notes section again.
 */
const RUN_LOCAL_EVENTS = new Set<string>([
  'LoopStarted',
  'LockTakenOver',
  'LoopResumed',
  'RunPlanned',
  'ProposalRequested',
  'ProposalReceived',
  'ProposalFailed',
  'ProposalRejected',
  'ProposalAccepted',
  'RunStarted',
  'RunReattached',
  'RunProgress',
  'RunFinished',
  'RunFailed',
  'RunEvaluated',
  'IncumbentChanged',
  'JournalWritten',
  'GuardrailViolation',
  'StopRequested',
  'LoopHalted',
  'LoopCompleted',
  'StateEntered',
]);

/**
 * Keeps the projection files of one workspace equal to the fold of its log.
 *
 * `journal/notes.md` and `journal/labbook.md` cover the whole history, so rendering them from
 * scratch on every event would cost more per run the longer the history. The writer keeps their
 * parts instead: each run's notes section, rendered again only when an event names that run (see
 * {@link RUN_LOCAL_EVENTS}), and the labbook's lines, rendered once each (the labbook only grows).
 */
export class ProjectionWriter {
  #view: WorkspaceView = emptyView();
  /** Notes section of each run (null: it has none), for runs whose section is up to date. */
  #sections = new Map<string, string | null>();
  /** The first labbook entries of the view, and each one rendered as `${labbookLine(l)}\n`. */
  #labbookEntries: WorkspaceView['labbook'] = [];
  #labbookLines: string[] = [];
  /** Unsafe entries (links, FIFOs) met and removed where projections are written, until taken. */
  #unsafe: UnsafeEntry[] = [];

  /**
   * @param snapshots where to keep the summary snapshots ({@link SNAPSHOT_EVERY}); the loop passes its
   *   store. Without it the writer takes none.
   */
  constructor(
    private readonly workspace: string,
    private readonly snapshots: SnapshotStore | null = null,
  ) {}

  /** The current fold. */
  get view(): WorkspaceView {
    return this.#view;
  }

  /** The unsafe entries met since the last call (the loop records them as a violation). */
  takeUnsafe(): UnsafeEntry[] {
    return this.#unsafe.splice(0);
  }

  #write(rel: string, content: string): void {
    writeIfChanged(this.workspace, join(this.workspace, rel), content, this.#unsafe);
  }

  /** Folds the whole log and rewrites every projection file that differs (used at startup, after a crash). */
  catchUp(store: EventStore<AutopilotEvent>): void {
    this.#view = emptyView();
    this.#sections.clear();
    this.#labbookEntries = [];
    this.#labbookLines = [];
    for (const stored of store.readAll()) {
      this.#view = evolveView(this.#view, stored);
      // Fill in snapshots a log written before they existed (or by an older version) lacks.
      if (this.snapshots && isSnapshotPoint(stored.seq)) ensureSummarySnapshot(this.snapshots, this.#view);
    }
    for (const [rel, content] of renderAll(this.#view)) this.#write(rel, content);
  }

  /** Folds one appended event and rewrites the files it affects. */
  apply(stored: StoredEvent<AutopilotEvent>): void {
    const before = this.#view.labbook.length;
    const incumbentBefore = this.#view.incumbent;
    this.#view = evolveView(this.#view, stored);
    if (this.snapshots && isSnapshotPoint(stored.seq)) saveSummarySnapshot(this.snapshots, this.#view);
    const e = stored.event;
    const runId = (e.data as { runId?: unknown }).runId;
    if (!RUN_LOCAL_EVENTS.has(e.type)) this.#sections.clear();
    else if (typeof runId === 'string') this.#sections.delete(runId);
    if (typeof runId === 'string' && e.type !== 'RunProgress') {
      const r = this.#view.runs.get(runId);
      if (r) for (const [rel, content] of renderRunFiles(r)) this.#write(rel, content);
    }
    // A session that ended leaves its unjournaled runs interrupted: their files say so.
    if (e.type === 'LoopHalted' || e.type === 'LoopCompleted')
      for (const r of this.#view.runs.values())
        if (r.interrupted && !r.journal) {
          this.#sections.delete(r.runId);
          for (const [rel, content] of renderRunFiles(r)) this.#write(rel, content);
        }
    if (this.#view.labbook.length !== before) this.#write('journal/labbook.md', this.#labbook());
    if (NOTE_EVENTS.has(e.type)) this.#write('journal/notes.md', this.#notes());
    if (this.#view.incumbent !== incumbentBefore || stored.seq === 1)
      this.#write('runs/best.json', renderBest(this.#view));
    if (e.type === 'RunFinished' || e.type === 'IncumbentChanged' || e.type === 'CheckpointsPruned') {
      const pointers = renderModelPointers(this.#view);
      for (const name of MODEL_POINTERS) {
        const content = pointers.get(name);
        if (content === undefined) removeConfined(this.workspace, join(this.workspace, name));
        else this.#write(name, content);
      }
    }
  }

  /** `journal/labbook.md` for the current view (equal to `renderLabbook`), rendering only the new lines. */
  #labbook(): string {
    const entries = this.#view.labbook;
    // Entries are only ever appended; should one be replaced, render again from there.
    let kept = Math.min(this.#labbookEntries.length, entries.length);
    for (let i = 0; i < kept; i++)
      if (this.#labbookEntries[i] !== entries[i]) {
        kept = i;
        break;
      }
    this.#labbookEntries.length = kept;
    this.#labbookLines.length = kept;
    for (let i = kept; i < entries.length; i++) {
      this.#labbookEntries.push(entries[i]!);
      this.#labbookLines.push(`${labbookLine(entries[i]!)}\n`);
    }
    return renderLabbookFromLines(this.#labbookLines);
  }

  /** `journal/notes.md` for the current view (equal to `renderNotes`), rendering only the sections of changed runs. */
  #notes(): string {
    const sections: (string | null)[] = [];
    for (const r of this.#view.runs.values()) {
      let section = this.#sections.get(r.runId);
      if (section === undefined) {
        section = renderNotesSection(r);
        this.#sections.set(r.runId, section);
      }
      sections.push(section);
    }
    return renderNotesFromSections(sections);
  }
}


/**
 * The projection files present in a workspace (workspace-relative), leaving trainer outputs and user files out.
 * Never `journal/anchor` (events/anchor.ts): the loop's record of head hashes is not rendered from the log,
 * so `rebuild` must neither rewrite nor remove it.
 */
export function listProjectionFiles(workspace: string): string[] {
  const present: string[] = [];
  for (const rel of ['journal/labbook.md', 'journal/notes.md', 'runs/best.json', ...MODEL_POINTERS])
    if (existsSync(join(workspace, rel))) present.push(rel);
  const runs = join(workspace, 'runs');
  if (existsSync(runs))
    for (const entry of readdirSync(runs, { withFileTypes: true }))
      if (entry.isDirectory() && /^\d{3,}$/.test(entry.name)) {
        const names = new Set(readdirSync(join(runs, entry.name)));
        for (const f of RUN_PROJECTION_FILES) if (names.has(f)) present.push(`runs/${entry.name}/${f}`);
      }
  const proposals = join(workspace, 'proposals');
  if (existsSync(proposals)) for (const f of readdirSync(proposals)) if (/^run_\d+\.json$/.test(f)) present.push(`proposals/${f}`);
  return present;
}

/** The steps of a rebuild, reported (with their wall time in ms) to {@link RebuildOptions.onStep}. */
export type RebuildStep = 'fold' | 'render' | 'write' | 'prune' | 'sync';

/** Options of {@link rebuildProjections}. */
export interface RebuildOptions {
  /** Called after each step with its duration (for benchmarks and diagnostics). */
  onStep?: (step: RebuildStep, ms: number) => void;
}

/** What a rebuild did. */
export interface RebuildResult {
  /** Every projection file the log renders (workspace-relative), in render order. */
  files: string[];
  /** Files written because they were missing or differed from the log's rendering. */
  written: string[];
  /** Projection files removed because the log renders no such file. */
  removed: string[];
  /** Unsafe entries (links, FIFOs) found where projections go, removed and never followed. */
  unsafe: UnsafeEntry[];
}

/**
 * Renders every projection again from the log and makes the workspace match it byte for byte
 * (and takes the summary snapshots afresh, every {@link SNAPSHOT_EVERY} events):
 * a file that differs (edited, truncated) or is missing is rewritten, a projection file the log
 * does not render is removed, and a file that already matches is left alone (so a rebuild costs
 * reads, not writes, where nothing drifted). Files are written atomically but not fsynced one by
 * one: one sync at the end makes them all durable (a crash before it leaves projections that
 * `rebuild` or the next loop's catch-up redo).
 */
export function rebuildProjections(workspace: string, store: EventStore<AutopilotEvent>, options: RebuildOptions = {}): RebuildResult {
  let t = performance.now();
  const step = (name: RebuildStep) => {
    const now = performance.now();
    options.onStep?.(name, now - t);
    t = now;
  };
  const snapshots = hasSnapshots(store) ? store : null;
  // Snapshots are redone with the fold, so a rebuild also repairs them.
  snapshots?.clearSnapshots(SUMMARY_SNAPSHOT);
  const view = emptyView();
  for (const stored of store.readAll()) {
    evolveView(view, stored);
    if (snapshots && isSnapshotPoint(stored.seq)) saveSummarySnapshot(snapshots, view);
  }
  step('fold');
  const files = renderAll(view);
  step('render');
  const dirs = new Set<string>();
  const written: string[] = [];
  const unsafe: UnsafeEntry[] = [];
  for (const [rel, content] of files) {
    const path = join(workspace, rel);
    if (sameContent(workspace, path, content)) continue;
    dirs.add(dirname(path));
    unsafe.push(...atomicWrite(workspace, path, content, { fsync: false }));
    written.push(rel);
  }
  step('write');
  const removed = listProjectionFiles(workspace).filter((rel) => !files.has(rel));
  for (const rel of removed) {
    removeConfined(workspace, join(workspace, rel));
    dirs.add(dirname(join(workspace, rel)));
  }
  step('prune');
  if (written.length + removed.length > 0)
    syncAll(
      workspace,
      written.map((rel) => join(workspace, rel)),
      dirs,
    );
  step('sync');
  return { files: [...files.keys()], written, removed, unsafe };
}

/** Whether the file at `path` holds exactly the bytes of `content` (false when it is missing, not a regular file, or unreadable). */
function sameContent(root: string, path: string, content: string): boolean {
  const expected = Buffer.from(content, 'utf8');
  try {
    const read = readConfined(root, path, expected.length);
    return read.kind === 'file' && read.bytes.equals(expected);
  } catch {
    return false;
  }
}
