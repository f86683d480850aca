/**
 * The checkpoints a run left in its folder, and their pruning by `autopilot.save_strategy`, run after a run is journaled (never before):
 * `all` keeps everything; `latest` keeps the final checkpoint of the most recent run and of the
 * incumbent; `best` keeps only the incumbent's final checkpoint. Whatever the strategy, the final
 * checkpoint of a candidate under replication is kept: it becomes the incumbent's if confirmed.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isExposedName } from '../domain/run/checkpoint-name.js';
import { kindConfined, removeConfined } from './fs/confined.js';
import { checkpointPointers, type RunView, type WorkspaceView } from '../projections/view.js';
import { finalCheckpoint } from '../projections/checkpoint-index.js';

/** Folders below `checkpoints/` searched for files (PufferLib's layout needs one). */
const MAX_DEPTH = 3;

/**
 * The checkpoint files a run left under `<runDir>/checkpoints/` (absolute paths); none when the
 * folder is not a real directory inside the workspace. Subfolders are searched too, as PufferLib
 * writes `{data_dir}/{env}_{run}/model_{env}_{epoch}.pt` and `trainer_state.pt`, then the final
 * `{data_dir}/{env}_{run}.pt`. Order: each folder's subfolders first, then its own files, both by
 * name, so that the last file is the final checkpoint (`models/latest|best` take the last one).
 * Links are not followed; names holding `.tmp` (files being written) are left out.
 */
export function listCheckpoints(root: string, runDir: string): string[] {
  const dir = join(runDir, 'checkpoints');
  // A checkpoints "folder" that is a link would list (and later prune) files elsewhere.
  if (kindConfined(root, dir) !== 'directory') return [];
  // The names the orchestrator exposes indexed checkpoints under are its own, not the trainer's.
  const runId = basename(runDir);
  return listFiles(dir, 0).filter((f) => !isExposedName(basename(f), runId));
}

/** The files under `dir` in checkpoint order (see {@link listCheckpoints}); entries' own types, no link followed. */
function listFiles(dir: string, depth: number): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
  const nested = depth < MAX_DEPTH ? entries.filter((e) => e.isDirectory()).flatMap((e) => listFiles(join(dir, e.name), depth + 1)) : [];
  const own = entries.filter((e) => e.isFile() && !e.name.includes('.tmp')).map((e) => join(dir, e.name));
  return [...nested, ...own];
}

/** Which checkpoints a strategy keeps. */
export type SaveStrategy = 'all' | 'latest' | 'best';

/** The recorded checkpoints `strategy` would delete (workspace-relative), given the view. Pure. */
export function checkpointsToPrune(view: WorkspaceView, strategy: SaveStrategy): { removed: string[]; kept: string[] } {
  const all: string[] = [];
  // The trainer's files in the run folder, and the names indexed checkpoints are exposed under (never files of a folder shared by runs).
  for (const r of view.runs.values()) if (r.journal) all.push(...(r.finished?.checkpoints ?? []), ...(r.checkpointIndex?.checkpoints.map((c) => c.name) ?? []));
  if (strategy === 'all') return { removed: [], kept: all };
  const { latest, best } = checkpointPointers(view);
  const keep = new Set<string>();
  if (best) keep.add(best.path);
  if (strategy === 'latest' && latest) keep.add(latest.path);
  const pending = pendingReplication(view);
  const candidate = pending ? finalCheckpoint(view.runs.get(pending))?.path : undefined;
  if (candidate) keep.add(candidate);
  return { removed: all.filter((p) => !keep.has(p)), kept: all.filter((p) => keep.has(p)) };
}

/** Deletes the checkpoint files `strategy` does not keep; returns those actually removed. */
export function pruneCheckpoints(workspace: string, view: WorkspaceView, strategy: SaveStrategy): { removed: string[]; kept: string[] } {
  const plan = checkpointsToPrune(view, strategy);
  // Removed without following anything: a checkpoint path under a linked folder is not reached at all.
  const removed = plan.removed.filter((p) => kindConfined(workspace, join(workspace, p)) !== null);
  for (const p of removed) removeConfined(workspace, join(workspace, p));
  return { removed, kept: plan.kept };
}

/** The parent of the replication the last journaled run left under way, if any. */
function pendingReplication(view: WorkspaceView): string | null {
  let last: RunView | undefined;
  for (const r of view.runs.values()) if (r.journal) last = r;
  const rep = last?.journal?.replication;
  return rep?.decision === 'replicate' ? rep.parent : null;
}
