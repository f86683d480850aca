/** `evaluation` in autopilot.json: how `autopilot eval` (and a promotion's confirmation) runs a checkpoint's evaluator. */
import { z } from 'zod';

/** The defaults of `evaluation`. */
export const EVALUATION_DEFAULTS = { episodes: 100, wall_seconds: 600, no_output_seconds: 120, grace_seconds: 5, confirm_promotion: false };

export const EvaluationSettingsSchema = z
  .strictObject({
    /**
     * The evaluator's argv (no shell), relative paths resolved against the workspace; absent: the
     * trainer's command. It gets the run's config as flags, then `--eval-only --load-checkpoint PATH
     * --eval.episodes N --eval.seed S`, and writes the trainer summary with one value per episode.
     */
    command: z.array(z.string().min(1)).min(1).optional(),
    /** Held-out seeds (one episode each) a checkpoint is evaluated on. */
    episodes: z.number().int().min(2).max(100_000).default(EVALUATION_DEFAULTS.episodes),
    /** Wall-clock limit of one evaluator. */
    wall_seconds: z.number().positive().default(EVALUATION_DEFAULTS.wall_seconds),
    /** An evaluator that prints nothing for this long is stopped as hung. */
    no_output_seconds: z.number().positive().default(EVALUATION_DEFAULTS.no_output_seconds),
    grace_seconds: z.number().positive().default(EVALUATION_DEFAULTS.grace_seconds),
    /** A candidate becomes incumbent only if its last checkpoint also beats the incumbent's on held-out seeds (paired bootstrap). */
    confirm_promotion: z.boolean().default(false),
  })
  .default(EVALUATION_DEFAULTS);
export type EvaluationSettings = z.infer<typeof EvaluationSettingsSchema>;
