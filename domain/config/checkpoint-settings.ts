/**
 * `autopilot.json`'s `checkpoints`: where a trainer leaves its checkpoints, which ones the loop
 * keeps, and how much of a trainer's folder it reads when it indexes them after each attempt.
 */
import { z } from 'zod';
import { AutopilotError } from '../errors.js';

/** The run-id placeholder of `checkpoints.dir`. */
export const RUN_PLACEHOLDER = '{run}';

/** The defaults of `checkpoints`. */
export const CHECKPOINT_DEFAULTS = {
  dir: `runs/${RUN_PLACEHOLDER}/checkpoints`,
  outside_workspace: false,
  keep: 'all' as const,
  max_files: 1000,
  max_bytes: 16 * 1024 ** 3,
};

/** Whether `dir` may point outside the workspace: absolute, or climbing out with `..`. */
export function leavesWorkspace(dir: string): boolean {
  return dir.startsWith('/') || dir.split('/').includes('..');
}

export const CheckpointSettingsSchema = z
  .strictObject({
    /**
     * Where the trainer writes checkpoints, relative to the workspace (PufferLib's default is
     * `experiments`); `{run}` stands for the run id. Without `{run}` the folder is shared by runs,
     * and a run's checkpoints are the files written since its first attempt started.
     */
    dir: z.string().min(1).default(CHECKPOINT_DEFAULTS.dir),
    /** A `dir` outside the workspace (absolute, or with `..`) is read only when this says so. */
    outside_workspace: z.boolean().default(false),
    /** Which exposed checkpoints a journaled run keeps (`autopilot.save_strategy` in a run's config overrides it): `all`, `latest` (and the incumbent's), `best` (the incumbent's). */
    keep: z.enum(['all', 'latest', 'best']).default('all'),
    /** Files one index reads at most; the rest are named as skipped. */
    max_files: z.number().int().min(1).max(1_000_000).default(CHECKPOINT_DEFAULTS.max_files),
    /** Bytes one index reads (hashes, copies) at most; files beyond are named as skipped. */
    max_bytes: z.number().int().min(1).default(CHECKPOINT_DEFAULTS.max_bytes),
  })
  .superRefine((c, ctx) => {
    if (leavesWorkspace(c.dir) && !c.outside_workspace)
      ctx.addIssue({ code: 'custom', path: ['dir'], message: `${c.dir} is outside the workspace; set checkpoints.outside_workspace to true to read it` });
  })
  .default(CHECKPOINT_DEFAULTS);
/** Parsed `checkpoints` settings. */
export type CheckpointSettings = z.output<typeof CheckpointSettingsSchema>;

/**
 * Refuses a `checkpoints.dir` shared by runs (no `{run}`) when runs are in flight together: whose
 * file is whose could not be told, so each run could not index only its own.
 */
export function requirePerRunDir(c: CheckpointSettings, inFlight: number): void {
  if (inFlight <= 1 || c.dir.includes(RUN_PLACEHOLDER)) return;
  throw new AutopilotError('settings-invalid', `checkpoints.dir ${c.dir} is shared by every run, and ${inFlight} runs would be in flight at once`, {
    file: 'autopilot.json',
    key: 'checkpoints.dir',
    hint: `put ${RUN_PLACEHOLDER} in it (a folder per run, e.g. "experiments/${RUN_PLACEHOLDER}") and have the trainer write there, or run one at a time`,
  });
}
