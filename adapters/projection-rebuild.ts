/** `autopilot rebuild`: every projection file rendered again from the log, the workspace made to match it byte for byte. */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, fsyncSync, lstatSync, openSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { removeConfined, type UnsafeEntry } from './fs/confined.js';
import { atomicWrite, sameContent } from './projection-files.js';
import type { AutopilotEvent } from '../events/catalogue.js';
import { hasSnapshots, type EventStore } from '../events/store.js';
import { CHECKPOINT_INDEX_FILE } from '../projections/checkpoint-index.js';
import { MODEL_POINTERS, RUN_PROJECTION_FILES, renderAll } from '../projections/render.js';
import { EVALUATIONS_JOURNAL } from '../projections/evaluations.js';
import { isSnapshotPoint, SNAPSHOT_NAMES, SnapshotTaker } from '../projections/snapshots.js';
import { emptyView, evolveView } from '../projections/view.js';

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

/**
 * The projection files present in a workspace (workspace-relative), leaving trainer outputs and user files out.
 * Never `journal/anchor` (events/anchor.ts): the loop's record of head hashes is not rendered from the log,
 * so `rebuild` must neither rewrite nor remove it.
 */
export function listProjectionFiles(workspace: string): string[] {
  const present: string[] = [];
  for (const rel of ['journal/labbook.md', 'journal/notes.md', EVALUATIONS_JOURNAL, 'runs/best.json', ...MODEL_POINTERS]) if (existsSync(join(workspace, rel))) present.push(rel);
  const runs = join(workspace, 'runs');
  if (existsSync(runs))
    for (const entry of readdirSync(runs, { withFileTypes: true }))
      if (entry.isDirectory() && /^\d{3,}$/.test(entry.name)) {
        const names = new Set(readdirSync(join(runs, entry.name)));
        for (const f of [...RUN_PROJECTION_FILES, CHECKPOINT_INDEX_FILE]) if (names.has(f)) present.push(`runs/${entry.name}/${f}`);
        // The evaluations' records (projections/evaluations.ts); the folder is only ever the projection's.
        const evalDir = join(runs, entry.name, 'eval');
        if (names.has('eval') && lstatSync(evalDir).isDirectory()) for (const f of readdirSync(evalDir)) if (/^e\d{3,}\.json$/.test(f)) present.push(`runs/${entry.name}/eval/${f}`);
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
 * (and takes the snapshots afresh, every SNAPSHOT_EVERY events (projections/snapshots.ts)):
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
  for (const name of SNAPSHOT_NAMES) snapshots?.clearSnapshots(name);
  const taker = snapshots ? new SnapshotTaker(snapshots) : null;
  const view = emptyView();
  for (const stored of store.readAll()) {
    evolveView(view, stored);
    taker?.observe(stored);
    if (isSnapshotPoint(stored.seq)) taker?.save(view);
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
