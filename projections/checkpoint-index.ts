/**
 * A run's checkpoint index as the view keeps it (CheckpointsIndexed, less what CheckpointsPruned
 * removed since), the checkpoint a run ends with, and `runs/<id>/checkpoints.json`. Pure.
 */
import type { DataOf } from '../events/catalogue.js';
import type { IndexedCheckpoint } from '../events/checkpoint-events.js';
import { jsonText } from '../domain/text/escape.js';

/** A run's last index, with when it was recorded. */
export type CheckpointIndexView = DataOf<'CheckpointsIndexed'> & { at: string };

/** What of a run (projections/view.ts RunView) these functions read; the view imports them, so not the other way round. */
export interface IndexedRun {
  runId: string;
  finished: { checkpoints?: string[] | undefined } | null;
  checkpointIndex?: CheckpointIndexView;
}

/** The run folder's index file, beside the other projection files of a run. */
export const CHECKPOINT_INDEX_FILE = 'checkpoints.json';

/** A checkpoint a pointer names: its exposed path and, once indexed, its sha256. */
export interface CheckpointRef {
  path: string;
  sha256?: string;
  step?: number | null;
}

/** The last entry of an index: the highest step (entries are kept by step, step-less first). */
function lastIndexed(index: CheckpointIndexView | undefined): IndexedCheckpoint | undefined {
  return index?.checkpoints.at(-1);
}

/**
 * The checkpoint a finished run ends with: the last one indexed (its exposed name and sha256),
 * else the last one RunFinished listed (logs from before indexing). Null before the run finished.
 */
export function finalCheckpoint(r: IndexedRun | undefined): CheckpointRef | null {
  if (!r?.finished) return null;
  const indexed = lastIndexed(r.checkpointIndex);
  if (indexed) return { path: indexed.name, sha256: indexed.sha256, step: indexed.step };
  const listed = r.finished.checkpoints?.at(-1);
  return listed ? { path: listed } : null;
}

/**
 * The latest checkpoint indexed for `runId` (finished or not): its exposed path, sha256 and step;
 * null when the run has none (never indexed, or all pruned). What `autopilot eval RUN` resolves.
 */
export function latestIndexedCheckpoint(view: { runs: ReadonlyMap<string, IndexedRun> }, runId: string): { runId: string; path: string; sha256: string; step: number | null } | null {
  const last = lastIndexed(view.runs.get(runId)?.checkpointIndex);
  return last ? { runId, path: last.name, sha256: last.sha256, step: last.step } : null;
}

/** The exposed names of every indexed checkpoint, oldest run first. */
export function indexedNames(view: { runs: ReadonlyMap<string, IndexedRun> }): string[] {
  const names: string[] = [];
  for (const r of view.runs.values()) for (const c of r.checkpointIndex?.checkpoints ?? []) names.push(c.name);
  return names;
}

/** Folds CheckpointsIndexed into its run: the newest index replaces the last (each lists the run's checkpoints so far). */
export function applyIndexed(r: IndexedRun, data: DataOf<'CheckpointsIndexed'>, at: string): void {
  r.checkpointIndex = { ...data, at };
}

/** Folds CheckpointsPruned into a run's index: the entries whose exposed name was removed go. */
export function applyPruned(r: IndexedRun, removed: readonly string[]): void {
  const index = r.checkpointIndex;
  if (!index || !index.checkpoints.some((c) => removed.includes(c.name))) return;
  r.checkpointIndex = { ...index, checkpoints: index.checkpoints.filter((c) => !removed.includes(c.name)) };
}

/** `runs/<id>/checkpoints.json`: where each checkpoint was found, its exposed name, step, size, sha256, seed and run. */
export function renderCheckpointIndex(r: IndexedRun): string | null {
  const index = r.checkpointIndex;
  if (!index) return null;
  const checkpoints = index.checkpoints.map((c) => ({ name: c.name, path: c.path, step: c.step, size: c.size, sha256: c.sha256, seed: c.seed, run: r.runId, via: c.via }));
  const body = { run_id: r.runId, attempt: index.attempt, indexed_at: index.at, dir: index.dir, checkpoints, ...(index.skipped?.length ? { skipped: index.skipped } : {}) };
  return `${jsonText(body, 2)}\n`;
}
