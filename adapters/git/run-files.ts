/**
 * The files a run's commit holds, read now from the workspace as untrusted files: never through a
 * link, never blocking on a FIFO, never past a size cap. What stands in the way of one is left out
 * and said why; a missing file is simply not committed.
 */
import { join } from 'node:path';
import { RUN_PROJECTION_FILES } from '../../projections/render.js';
import { CHECKPOINT_INDEX_FILE } from '../../projections/checkpoint-index.js';
import { METRICS_MIRROR } from '../actors/run-log-scan.js';
import { EVALUATIONS_JOURNAL, type EvaluationView } from '../../projections/evaluations.js';
import { readConfined } from '../fs/confined.js';
import type { CommitFile } from './commit.js';

/** The largest file a run commit takes. */
export const MAX_COMMIT_FILE_BYTES = 16 << 20;
/** The journal's files (its anchor follows the log and moves after the commit). */
const JOURNAL_FILES = ['journal/labbook.md', 'journal/notes.md', EVALUATIONS_JOURNAL];

/**
 * The workspace-relative files the commit of run `runId` holds, given the inputs in force and the
 * evaluations recorded (the run's promotion confirmations are committed with it): sorted, each once.
 */
export function runCommitPaths(runId: string, inputs: readonly string[], evaluations: ReadonlyMap<string, EvaluationView> = new Map()): string[] {
  // The checkpoint index (each checkpoint's sha256) and the metrics the run printed: the commit alone tells what the run made.
  const runFiles = [...RUN_PROJECTION_FILES, CHECKPOINT_INDEX_FILE, METRICS_MIRROR];
  const files = [...runFiles.map((f) => `runs/${runId}/${f}`), `proposals/run_${runId}.json`, ...JOURNAL_FILES, ...confirmationFiles(runId, evaluations), ...inputs];
  return [...new Set(files)].sort();
}

/** The files of the promotion confirmations run `runId`'s journal step made: the evaluation's record in each target's folder (the incumbent's too). */
function confirmationFiles(runId: string, evaluations: ReadonlyMap<string, EvaluationView>): string[] {
  const own = [...evaluations.values()].filter((e) => e.planned.by === 'promotion' && e.planned.runId === runId);
  return own.flatMap((e) => e.planned.targets.map((t) => `runs/${t.runId}/eval/${e.planned.evaluationId}.json`));
}

/** What was read for a commit: the files (their paths from the repository's top) and those left out. */
export interface RunFiles {
  files: CommitFile[];
  refused: { path: string; why: string }[];
}

/** Reads `rels` (workspace-relative) from `root`; `prefix` is the workspace's path from the repository's top (`''` or `dir/`). */
export function readRunFiles(root: string, prefix: string, rels: readonly string[]): RunFiles {
  const out: RunFiles = { files: [], refused: [] };
  for (const rel of rels) {
    const read = readConfined(root, join(root, rel), MAX_COMMIT_FILE_BYTES);
    const path = `${prefix}${rel}`;
    if (read.kind === 'file') out.files.push({ path, bytes: read.bytes, executable: (read.mode & 0o111) !== 0 });
    else if (read.kind === 'too-large') out.refused.push({ path, why: `larger than ${MAX_COMMIT_FILE_BYTES} bytes` });
    else if (read.kind === 'unsafe') {
      const e = read.entry;
      out.refused.push({ path, why: e.kind === 'symlink' ? `a symlink${e.target !== undefined ? ` to ${e.target}` : ''}, not followed` : `a ${e.kind}, not read` });
    }
  }
  return out;
}
