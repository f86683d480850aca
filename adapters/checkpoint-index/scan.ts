/**
 * The checkpoint files one run left in its `checkpoints.dir`, found without following a link or
 * opening anything: each entry is lstat-ed, links, FIFOs, sockets and devices are named (never
 * followed or opened), and at most `maxFiles` files are taken.
 */
import { lstatSync } from 'node:fs';
import { join, relative } from 'node:path';
import { kindConfined, type UnsafeEntry } from '../fs/confined.js';
import { kindOf, linkTarget } from '../fs/entry.js';
import { walkEntries } from '../fs/walk.js';
import { isExposedName, stepOfName } from '../../domain/run/checkpoint-name.js';

/** Folders below the checkpoint folder searched (PufferLib writes one level: `{data_dir}/{exp_id}/`). */
const MAX_DEPTH = 4;

/** A checkpoint file found (not opened yet). */
export interface FoundCheckpoint {
  abs: string;
  /** Workspace-relative, or absolute outside the workspace: what the index records. */
  path: string;
  name: string;
  step: number | null;
}

/** What a scan found: the files (by step, step-less first, then path), what it skipped, and the unsafe entries among those. */
export interface ScanResult {
  files: FoundCheckpoint[];
  skipped: { path: string; reason: string }[];
  unsafe: UnsafeEntry[];
}

/** Where and what to scan. */
export interface ScanTarget {
  workspace: string;
  /** The folder, absolute. */
  dir: string;
  /** Whether `dir` is inside the workspace (reached from it without a link), or a folder the settings name outside it. */
  inside: boolean;
  runId: string;
  /** Files last modified before this time (ms) belong to earlier runs (a folder shared by runs); absent: every file is the run's. */
  since?: number;
  /** Paths (as recorded) other runs' indexes already hold: never this run's. */
  claimed: ReadonlySet<string>;
  maxFiles: number;
}

/** The checkpoint files under `t.dir` that are the run's (see the module's doc). */
export function scanCheckpoints(t: ScanTarget): ScanResult {
  const result: ScanResult = { files: [], skipped: [], unsafe: [] };
  const shown = (abs: string) => (t.inside ? relative(t.workspace, abs) : abs);
  // A folder inside the workspace is reached without a link on the way; one outside is the settings' choice, as the workspace itself is.
  const kind = t.inside ? kindConfined(t.workspace, t.dir) : safeKind(t.dir);
  if (kind === null) return result;
  if (kind !== 'directory') {
    result.unsafe.push(unsafeEntry(t.dir, shown(t.dir), kind));
    result.skipped.push({ path: shown(t.dir), reason: `${kind}, not a directory: not followed` });
    return result;
  }
  walkEntries(
    t.dir,
    (rel) => rel.split('/').length > MAX_DEPTH + 1,
    (abs, rel) => {
      let st;
      try {
        st = lstatSync(abs);
      } catch {
        return false;
      }
      const what = kindOf(st);
      const name = rel.slice(rel.lastIndexOf('/') + 1);
      if (what === 'directory') return true;
      if (t.since !== undefined && st.mtimeMs < t.since) return false;
      if (t.claimed.has(shown(abs))) return false;
      if (what !== 'file') {
        result.unsafe.push(unsafeEntry(abs, shown(abs), what));
        result.skipped.push({ path: shown(abs), reason: `${what}: not followed or opened` });
        return false;
      }
      // Files being written, hidden files (a .gitkeep), and the names the orchestrator exposes checkpoints under are not the trainer's checkpoints.
      if (name.includes('.tmp') || name.startsWith('.') || isExposedName(name, t.runId)) return false;
      if (result.files.length >= t.maxFiles) result.skipped.push({ path: shown(abs), reason: `over checkpoints.max_files (${t.maxFiles})` });
      else result.files.push({ abs, path: shown(abs), name, step: stepOfName(name) });
      return false;
    },
  );
  result.files.sort((a, b) => (a.step ?? -1) - (b.step ?? -1) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return result;
}

function safeKind(abs: string) {
  try {
    return kindOf(lstatSync(abs));
  } catch {
    return null;
  }
}

function unsafeEntry(abs: string, path: string, kind: UnsafeEntry['kind']): UnsafeEntry {
  const target = kind === 'symlink' ? linkTarget(abs) : null;
  return { path, kind, ...(target !== null ? { target } : {}), action: 'ignored' };
}

/** `checkpoints.dir` for a run: `{run}` replaced, resolved against the workspace. */
export function checkpointDirOf(workspace: string, dir: string, runId: string): { abs: string; inside: boolean; perRun: boolean } {
  const perRun = dir.includes('{run}');
  const expanded = dir.split('{run}').join(runId);
  const abs = expanded.startsWith('/') ? expanded : join(workspace, expanded);
  const rel = relative(workspace, abs);
  const inside = rel !== '' && !rel.startsWith('..') && !rel.startsWith('/');
  return { abs, inside, perRun };
}
