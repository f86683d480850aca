/**
 * After an attempt ends: the checkpoints the run left in its `checkpoints.dir` indexed (found,
 * exposed under `runs/<id>/checkpoints/<run>-s<seed>-<step>.<ext>`, hashed), as the data of a
 * CheckpointsIndexed event, with the unsafe entries met on the way (for a GuardrailViolation).
 */
import { join, relative } from 'node:path';
import type { DataOf } from '../../events/catalogue.js';
import type { IndexedCheckpoint } from '../../events/checkpoint-events.js';
import type { CheckpointSettings } from '../../domain/config/checkpoint-settings.js';
import { exposedName, uniqueName } from '../../domain/run/checkpoint-name.js';
import type { WorkspaceView } from '../../projections/view.js';
import { holdDirConfined, type UnsafeEntry } from '../fs/confined.js';
import { exposeCheckpoint } from './expose.js';
import { checkpointDirOf, scanCheckpoints } from './scan.js';

/** What to index: the run, its attempt and seed, and when its first attempt started (a folder shared by runs is read from then on). */
export interface AttemptRef {
  runId: string;
  attempt: number;
  seed: number | null;
  firstStartMs: number | null;
}

/** An index and what was unsafe; null when the folder holds nothing of the run's and nothing was indexed before. */
export type IndexOutcome = { data: DataOf<'CheckpointsIndexed'>; unsafe: UnsafeEntry[] } | null;

/** Indexes the run's checkpoints (see the module's doc); `view` tells which files other runs' indexes hold. */
export async function indexAttempt(workspace: string, settings: CheckpointSettings, ref: AttemptRef, view: WorkspaceView): Promise<IndexOutcome> {
  const where = checkpointDirOf(workspace, settings.dir, ref.runId);
  const claimed = new Set<string>();
  if (!where.perRun) for (const r of view.runs.values()) if (r.runId !== ref.runId) for (const c of r.checkpointIndex?.checkpoints ?? []) claimed.add(c.path);
  // A folder shared by runs holds earlier runs' files: the run's are those written since its first attempt started (1 s of slack for coarse clocks).
  const since = where.perRun || ref.firstStartMs === null ? undefined : ref.firstStartMs - 1000;
  const scan = scanCheckpoints({ workspace, dir: where.abs, inside: where.inside, runId: ref.runId, claimed, maxFiles: settings.max_files, ...(since !== undefined ? { since } : {}) });
  const had = view.runs.get(ref.runId)?.checkpointIndex;
  if (scan.files.length === 0 && scan.skipped.length === 0 && !had) return null;
  const dirShown = where.inside ? relative(workspace, where.abs) : where.abs;
  const unsafe = [...scan.unsafe];
  const skipped = [...scan.skipped];
  const checkpoints: IndexedCheckpoint[] = [];
  if (scan.files.length > 0) {
    const outDir = join(workspace, 'runs', ref.runId, 'checkpoints');
    const held = holdDirConfined(workspace, outDir);
    unsafe.push(...held.unsafe);
    try {
      const taken = new Set<string>();
      let budget = settings.max_bytes;
      for (const f of scan.files) {
        const name = uniqueName(exposedName({ runId: ref.runId, seed: ref.seed, step: f.step, source: f.name }), taken);
        const got = await exposeCheckpoint({ root: where.inside ? workspace : where.abs, abs: f.abs }, { workspace, dir: outDir, held, name }, budget);
        if ('skipped' in got) {
          skipped.push({ path: f.path, reason: got.skipped });
          continue;
        }
        taken.add(name);
        budget -= got.size;
        checkpoints.push({ path: f.path, name: `runs/${ref.runId}/checkpoints/${name}`, step: f.step, size: got.size, sha256: got.sha256, seed: ref.seed, via: got.via });
      }
    } finally {
      held.close();
    }
  }
  return { data: { runId: ref.runId, attempt: ref.attempt, dir: dirShown, checkpoints, ...(skipped.length ? { skipped } : {}) }, unsafe };
}
