/**
 * The run folder after the trainer's result was read. Every process of the run is gone by then,
 * so the folder must stay as it is: its entries are recorded (no link followed) in RunFinished and
 * listed again at the journal step; an entry created, modified or deleted in between is a
 * GuardrailViolation (the recorded result stands). The projection files the loop itself writes
 * into the folder (run.json, notes.txt, …) and the plot `autopilot plot` writes there are left out.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { folderChanges, type FolderChange, type FolderEntry } from '../../domain/run/run-folder.js';
import { isPlotFile } from '../../projections/plot/files.js';
import { RUN_PROJECTION_FILES } from '../../projections/render.js';
import { CHECKPOINT_INDEX_FILE } from '../../projections/checkpoint-index.js';
import { kindConfined } from '../fs/confined.js';
import { kindOf } from '../fs/entry.js';
import { walkEntries } from '../fs/walk.js';

/** Most entries recorded: a trainer that leaves a million files must not make a million-entry event. */
export const MAX_FOLDER_ENTRIES = 10_000;

/** The loop's own files in a run folder (and their temp files while written), and the learning curve `autopilot plot` may draw there at any time. */
function isProjection(rel: string): boolean {
  return [...RUN_PROJECTION_FILES, CHECKPOINT_INDEX_FILE].some((f) => rel === f || rel.startsWith(`${f}.tmp-`)) || isPlotFile(rel) || isEvaluationRecord(rel);
}

/** The folder `autopilot eval` makes in a run folder: listed through, not recorded itself. */
const EVAL_DIR = 'eval';

/** The records `autopilot eval` keeps there (projections/evaluations.ts); anything else in it counts. */
function isEvaluationRecord(rel: string): boolean {
  return /^eval\/e\d{3,}\.json(\.tmp-[^/]*)?$/.test(rel);
}

/** What identifies an entry unchanged: kind and inode, a file's size and times, a link's target. Null when gone. */
function identity(abs: string): string | null {
  try {
    const st = lstatSync(abs, { bigint: true });
    const kind = kindOf(st);
    if (kind === 'file') return `file:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    if (kind === 'symlink') return `symlink:${st.ino}:${readlinkSync(abs)}`;
    return `${kind}:${st.ino}`;
  } catch {
    return null;
  }
}

/** `runDir` and its entries (workspace-relative, at most {@link MAX_FOLDER_ENTRIES}), walked without following a link. */
export function recordRunFolder(root: string, runDir: string): FolderEntry[] {
  const self = identity(runDir);
  if (self === null) return [];
  const entries: FolderEntry[] = [{ path: relative(root, runDir), identity: self }];
  // A run folder swapped for a link (or reached through one) is named by itself, never listed through.
  if (kindConfined(root, runDir) !== 'directory') return entries;
  walkEntries(runDir, isProjection, (abs, rel) => {
    if (entries.length >= MAX_FOLDER_ENTRIES) return false;
    const id = identity(abs);
    if (id === null) return false;
    if (!(rel === EVAL_DIR && id.startsWith('directory:'))) entries.push({ path: relative(root, abs), identity: id });
    return id.startsWith('directory:');
  });
  return entries;
}

/** The folder now: listed again, or, when the record was cut at the cap, each recorded entry looked up again. */
function currentEntries(root: string, runDir: string, recorded: readonly FolderEntry[]): FolderEntry[] {
  if (recorded.length < MAX_FOLDER_ENTRIES) return recordRunFolder(root, runDir);
  return recorded.flatMap((e) => {
    const id = identity(join(root, e.path));
    return id === null ? [] : [{ path: e.path, identity: id }];
  });
}

/** The entries of the run folder created, modified or deleted since `recorded`, by path. */
export function changedRunFolder(root: string, runDir: string, recorded: readonly FolderEntry[]): FolderChange[] {
  return folderChanges(recorded, currentEntries(root, runDir, recorded), MAX_FOLDER_ENTRIES);
}
