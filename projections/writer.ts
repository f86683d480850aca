/** Writes projection files atomically and keeps them in step with the log as events are appended. */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import type { AutopilotEvent } from '../events/catalogue.js';
import type { EventStore, StoredEvent } from '../events/store.js';
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

let tmpCounter = 0;

/** The checkpoint pointers the projection keeps under models/. */
const MODEL_POINTERS = ['models/latest.json', 'models/best.json'] as const;

/**
 * Writes `content` to `path` through a temp file and a rename, so readers never see half a file.
 * With `fsync` (the default) the content is on disk before the rename; without it the caller
 * makes a batch of writes durable at once (as {@link rebuildProjections} does).
 */
export function atomicWrite(path: string, content: string, { fsync = true }: { fsync?: boolean } = {}): void {
  mkdirSync(dirname(path), { recursive: true });
  writeThroughTemp(path, content, fsync);
}

function writeThroughTemp(path: string, content: string, fsync: boolean): void {
  const tmp = `${path}.tmp-${process.pid}-${(tmpCounter++).toString(36)}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, content);
    if (fsync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
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

/** Writes each file through a temp file and a rename, without fsync; creates each directory once. */
function writeFiles(workspace: string, files: ReadonlyMap<string, string>): { paths: string[]; dirs: Set<string> } {
  const dirs = new Set<string>();
  const paths: string[] = [];
  for (const [rel, content] of files) {
    const path = join(workspace, rel);
    const dir = dirname(path);
    if (!dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      dirs.add(dir);
    }
    writeThroughTemp(path, content, false);
    paths.push(path);
  }
  return { paths, dirs };
}

function writeIfChanged(path: string, content: string): void {
  try {
    if (readFileSync(path, 'utf8') === content) return;
  } catch {
    // missing: write it
  }
  atomicWrite(path, content);
}

const NOTE_EVENTS = new Set(['ProposalReceived', 'ProposalRejected', 'ProposalFailed', 'ProposalAccepted', 'JournalWritten', 'RunPlanned']);

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

  constructor(private readonly workspace: string) {}

  /** The current fold. */
  get view(): WorkspaceView {
    return this.#view;
  }

  /** Folds the whole log and rewrites every projection file that differs (used at startup, after a crash). */
  catchUp(store: EventStore<AutopilotEvent>): void {
    this.#view = emptyView();
    this.#sections.clear();
    this.#labbookEntries = [];
    this.#labbookLines = [];
    for (const stored of store.readAll()) this.#view = evolveView(this.#view, stored);
    for (const [rel, content] of renderAll(this.#view)) writeIfChanged(join(this.workspace, rel), content);
  }

  /** Folds one appended event and rewrites the files it affects. */
  apply(stored: StoredEvent<AutopilotEvent>): void {
    const before = this.#view.labbook.length;
    const incumbentBefore = this.#view.incumbent;
    this.#view = evolveView(this.#view, stored);
    const e = stored.event;
    const runId = (e.data as { runId?: unknown }).runId;
    if (!RUN_LOCAL_EVENTS.has(e.type)) this.#sections.clear();
    else if (typeof runId === 'string') this.#sections.delete(runId);
    if (typeof runId === 'string' && e.type !== 'RunProgress') {
      const r = this.#view.runs.get(runId);
      if (r) for (const [rel, content] of renderRunFiles(r)) writeIfChanged(join(this.workspace, rel), content);
    }
    if (this.#view.labbook.length !== before) writeIfChanged(join(this.workspace, 'journal/labbook.md'), this.#labbook());
    if (NOTE_EVENTS.has(e.type)) writeIfChanged(join(this.workspace, 'journal/notes.md'), this.#notes());
    if (this.#view.incumbent !== incumbentBefore || stored.seq === 1)
      writeIfChanged(join(this.workspace, 'runs/best.json'), renderBest(this.#view));
    if (e.type === 'RunFinished' || e.type === 'IncumbentChanged' || e.type === 'CheckpointsPruned') {
      const pointers = renderModelPointers(this.#view);
      for (const name of MODEL_POINTERS) {
        const content = pointers.get(name);
        if (content === undefined) unlinkIfPresent(join(this.workspace, name));
        else writeIfChanged(join(this.workspace, name), content);
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

/** Removes a file; a missing one is fine. */
function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Deletes every projection file of a workspace, leaving trainer outputs and user files alone. */
export function deleteProjections(workspace: string): void {
  unlinkIfPresent(join(workspace, 'journal/labbook.md'));
  unlinkIfPresent(join(workspace, 'journal/notes.md'));
  unlinkIfPresent(join(workspace, 'runs/best.json'));
  for (const name of MODEL_POINTERS) unlinkIfPresent(join(workspace, name));
  const runs = join(workspace, 'runs');
  if (existsSync(runs))
    for (const entry of readdirSync(runs, { withFileTypes: true }))
      if (entry.isDirectory() && /^\d{3,}$/.test(entry.name))
        for (const f of RUN_PROJECTION_FILES) unlinkIfPresent(join(runs, entry.name, f));
  const proposals = join(workspace, 'proposals');
  if (existsSync(proposals))
    for (const f of readdirSync(proposals)) if (/^run_\d+\.json$/.test(f)) unlinkIfPresent(join(proposals, f));
}

/** The steps of a rebuild, reported (with their wall time in ms) to {@link RebuildOptions.onStep}. */
export type RebuildStep = 'delete' | 'fold' | 'render' | 'write' | 'sync';

/** Options of {@link rebuildProjections}. */
export interface RebuildOptions {
  /** Called after each step with its duration (for benchmarks and diagnostics). */
  onStep?: (step: RebuildStep, ms: number) => void;
}

/**
 * Deletes every projection and renders it again from the log; returns the files written. The
 * files are written atomically but not fsynced one by one: one sync at the end makes them all
 * durable (a crash before it leaves projections that `rebuild` or the next loop's catch-up redo).
 */
export function rebuildProjections(workspace: string, store: EventStore<AutopilotEvent>, options: RebuildOptions = {}): string[] {
  let t = performance.now();
  const step = (name: RebuildStep) => {
    const now = performance.now();
    options.onStep?.(name, now - t);
    t = now;
  };
  deleteProjections(workspace);
  step('delete');
  const view = emptyView();
  for (const stored of store.readAll()) evolveView(view, stored);
  step('fold');
  const files = renderAll(view);
  step('render');
  const written = writeFiles(workspace, files);
  step('write');
  syncAll(workspace, written.paths, written.dirs);
  step('sync');
  return [...files.keys()];
}
