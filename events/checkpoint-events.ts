/**
 * The checkpoints an attempt left, as the orchestrator indexed them once it ended: where each was
 * found, the name it is exposed under (`runs/<id>/checkpoints/<run>-s<seed>-<step>.<ext>`), its
 * step, size and sha256 (of the bytes exposed), and what was skipped.
 */
import { z } from 'zod';
import { event, RunId } from './event-schema.js';

/** One indexed checkpoint. */
export const IndexedCheckpoint = z.object({
  /** Where the trainer left it: workspace-relative, or absolute outside the workspace. */
  path: z.string(),
  /** Where it is exposed, workspace-relative: `runs/<id>/checkpoints/<run>-s<seed>-<step>.<ext>`. */
  name: z.string(),
  /** The step its file name carries (null: none). */
  step: z.number().int().nonnegative().nullable(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The run's seed (null: none recorded). */
  seed: z.number().int().nullable(),
  /** How it was exposed: a hard link (same file system) or a copy (verified by its hash). */
  via: z.enum(['link', 'copy']),
});
export type IndexedCheckpoint = z.infer<typeof IndexedCheckpoint>;

export const CheckpointsIndexed = event(
  'CheckpointsIndexed',
  z.object({
    runId: RunId,
    attempt: z.number().int().positive(),
    /** The folder searched (`checkpoints.dir` for the run): workspace-relative, or absolute outside it. */
    dir: z.string(),
    /** Every checkpoint of the run indexed so far, by step (step-less first), then path. */
    checkpoints: z.array(IndexedCheckpoint),
    /** What was found and not indexed: a link, a FIFO, a file over the caps, a file that changed while read. */
    skipped: z.array(z.object({ path: z.string(), reason: z.string() })).optional(),
  }),
);
