/** Writes projection files atomically and keeps them in step with the log as events are appended. */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AutopilotEvent } from '../events/catalogue.js';
import type { EventStore, StoredEvent } from '../events/store.js';
import { RUN_PROJECTION_FILES, renderAll, renderBest, renderLabbook, renderNotes, renderRunFiles } from './render.js';
import { emptyView, evolveView, type WorkspaceView } from './view.js';

/** Writes `content` to `path` through a temp file and a rename, so readers never see half a file. */
export function atomicWrite(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
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

/** Keeps the projection files of one workspace equal to the fold of its log. */
export class ProjectionWriter {
  #view: WorkspaceView = emptyView();

  constructor(private readonly workspace: string) {}

  /** The current fold. */
  get view(): WorkspaceView {
    return this.#view;
  }

  /** Folds the whole log and rewrites every projection file that differs (used at startup, after a crash). */
  catchUp(store: EventStore<AutopilotEvent>): void {
    this.#view = emptyView();
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
    if (typeof runId === 'string' && e.type !== 'RunProgress') {
      const r = this.#view.runs.get(runId);
      if (r) for (const [rel, content] of renderRunFiles(r)) writeIfChanged(join(this.workspace, rel), content);
    }
    if (this.#view.labbook.length !== before) writeIfChanged(join(this.workspace, 'journal/labbook.md'), renderLabbook(this.#view));
    if (NOTE_EVENTS.has(e.type)) writeIfChanged(join(this.workspace, 'journal/notes.md'), renderNotes(this.#view));
    if (this.#view.incumbent !== incumbentBefore || stored.seq === 1)
      writeIfChanged(join(this.workspace, 'runs/best.json'), renderBest(this.#view));
  }
}

/** Deletes every projection file of a workspace, leaving trainer outputs and user files alone. */
export function deleteProjections(workspace: string): void {
  rmSync(join(workspace, 'journal/labbook.md'), { force: true });
  rmSync(join(workspace, 'journal/notes.md'), { force: true });
  rmSync(join(workspace, 'runs/best.json'), { force: true });
  const runs = join(workspace, 'runs');
  if (existsSync(runs))
    for (const entry of readdirSync(runs, { withFileTypes: true }))
      if (entry.isDirectory() && /^\d{3,}$/.test(entry.name))
        for (const f of RUN_PROJECTION_FILES) rmSync(join(runs, entry.name, f), { force: true });
  const proposals = join(workspace, 'proposals');
  if (existsSync(proposals))
    for (const f of readdirSync(proposals)) if (/^run_\d+\.json$/.test(f)) rmSync(join(proposals, f), { force: true });
}

/** Deletes every projection and renders it again from the log; returns the files written. */
export function rebuildProjections(workspace: string, store: EventStore<AutopilotEvent>): string[] {
  deleteProjections(workspace);
  const view = emptyView();
  for (const stored of store.readAll()) evolveView(view, stored);
  const files = renderAll(view);
  for (const [rel, content] of files) atomicWrite(join(workspace, rel), content);
  return [...files.keys()];
}
