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

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
// "https://", a lower-case host, an optional port (no leading zero) and at most a "/": no path, query, credentials or fragment.
const HTTPS_ORIGIN = new RegExp(`^(https://${LABEL}(?:\\.${LABEL})*(?::([1-9][0-9]{0,4}))?)/?$`);

/** `text` as an https origin without its trailing "/" (`https://wandb.mylab.org:8443`), or null when it is anything more or else. */
export function httpsOrigin(text: string): string | null {
  const m = text.length <= 200 ? HTTPS_ORIGIN.exec(text) : null;
  if (!m || Number(m[2] ?? 443) > 65535) return null;
  return m[1]!;
}

// A self-hosted tracker's address: links printed on it are recorded, so only a plain origin is taken.
const Origin = z
  .string()
  .refine((s) => httpsOrigin(s) !== null, {
    message:
      'must be an https origin: "https://", a lower-case host of letters, digits, "." and "-", an optional ":PORT", and no path, query, credentials or fragment (e.g. "https://wandb.mylab.org")',
  })
  .transform((s) => httpsOrigin(s)!);

/** Weights & Biases: `--wandb --wandb-project P --wandb-group SESSION --tag RUN`, and WANDB_* variables. */
export const WandbTrackerSchema = z.strictObject({
  project: Name,
  /** The team or user the runs go to (`WANDB_ENTITY`; PufferLib has no flag for it). Absent: the API key's default. */
  entity: Name.optional(),
  /** `WANDB_JOB_TYPE`. */
  job_type: Name.default('train'),
  /** A self-hosted W&B server (`WANDB_BASE_URL`): its run links are recorded too. Absent: W&B's cloud, and no WANDB_BASE_URL is set. */
  base_url: Origin.optional(),
});

/** Neptune: `--neptune --neptune-name WORKSPACE --neptune-project PROJECT --tag RUN` (PufferLib opens `WORKSPACE/PROJECT`), and NEPTUNE_* variables. */
export const NeptuneTrackerSchema = z.strictObject({
  workspace: Name,
  project: Name,
  /**
   * A self-hosted Neptune's web address, whose run links are recorded too. Nothing is passed to
   * the trainer: the client finds its server through the API token (see tracker-origins.ts).
   */
  app_url: Origin.optional(),
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
