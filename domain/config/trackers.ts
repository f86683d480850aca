/**
 * `trackers` in autopilot.json: the experiment trackers a trainer logs to (Weights & Biases or
 * Neptune), through PufferLib's own flags and the trackers' standard environment variables. The
 * API keys are never settings: the trainer inherits `WANDB_API_KEY` / `NEPTUNE_API_TOKEN` from the
 * orchestrator's environment, and nothing records them. The former `wandb: {enabled, project}`
 * still works: it is read as `trackers.wandb: {project}` (and refused, when enabled, beside `trackers`).
 */
import { z } from 'zod';

// PufferLib passes these as flag values and the trackers put them in URLs: a plain name.
const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be a name of letters, digits, ".", "_" or "-" (at most 128)');

/** Weights & Biases: `--wandb --wandb-project P --wandb-group SESSION --tag RUN`, and WANDB_* variables. */
export const WandbTrackerSchema = z.strictObject({
  project: Name,
  /** The team or user the runs go to (`WANDB_ENTITY`; PufferLib has no flag for it). Absent: the API key's default. */
  entity: Name.optional(),
  /** `WANDB_JOB_TYPE`. */
  job_type: Name.default('train'),
});

/** Neptune: `--neptune --neptune-name WORKSPACE --neptune-project PROJECT --tag RUN` (PufferLib opens `WORKSPACE/PROJECT`), and NEPTUNE_* variables. */
export const NeptuneTrackerSchema = z.strictObject({
  workspace: Name,
  project: Name,
});

/** `trackers`: at most one, as PufferLib logs to one (with both flags it uses Neptune alone). */
export const TrackersSchema = z.strictObject({ wandb: WandbTrackerSchema.optional(), neptune: NeptuneTrackerSchema.optional() }).refine((t) => !(t.wandb && t.neptune), {
  message: 'name one tracker, trackers.wandb or trackers.neptune: PufferLib logs to one (given both flags it uses Neptune alone)',
});
/** The trackers a session's trainers log to. */
export type Trackers = z.output<typeof TrackersSchema>;

/** The former `wandb` setting, still read: `{enabled: true, project}` means `trackers.wandb: {project}`. */
export const LegacyWandbSchema = z.strictObject({ enabled: z.boolean().default(false), project: Name.default('autopilot') });

/** `trackers` with the former `wandb` setting folded in; an error message when both are given. */
export function mergeLegacyWandb(trackers: Trackers | undefined, legacy: z.output<typeof LegacyWandbSchema> | undefined): Trackers | { error: string } {
  // A disabled former key says nothing, beside `trackers` or not.
  if (legacy?.enabled && trackers) return { error: '"wandb" is the former name of "trackers.wandb": keep only "trackers" (e.g. "trackers": {"wandb": {"project": "P"}})' };
  if (trackers) return trackers;
  return legacy?.enabled ? { wandb: { project: legacy.project, job_type: 'train' } } : {};
}
