/** The trainer's `trainer_summary.json` contract (see docs/design.md, "Contracts with the outside"). */
import { z } from 'zod';

const Section = z.record(z.string(), z.unknown());

/** What a trainer writes at `$PUFFER_AUTOPILOT_SUMMARY` when it finishes. */
export const TrainerSummarySchema = z.object({
  timestamp: z.union([z.string(), z.number()]).optional(),
  // PufferLib's native writer (the hackathon's `_write_autopilot_summary`) writes None as null.
  run_id: z
    .string()
    .nullable()
    .optional()
    .transform((v) => v ?? undefined),
  train: Section.optional(),
  env: Section.optional(),
  vec: Section.optional(),
  /** A metric written as null (a value the trainer did not have) is read as missing, not as an invalid summary. */
  metrics: z
    .record(z.string(), z.number().refine(Number.isFinite, 'must be a finite number').nullable())
    .transform((m) => Object.fromEntries(Object.entries(m).filter((e): e is [string, number] => e[1] !== null))),
  samples: z.record(z.string(), z.array(z.number().refine(Number.isFinite, 'must be a finite number'))).optional(),
});
/** A parsed trainer summary. */
export type TrainerSummary = z.infer<typeof TrainerSummarySchema>;

/** Outcome of {@link parseTrainerSummary}; `refused` marks a summary over a limit, which must fail the run (no fallback). */
export type TrainerSummaryResult = { ok: true; summary: TrainerSummary } | { ok: false; problem: string; refused?: true };

/**
 * Parses a summary file's text; returns the problem instead of throwing. With `maxSamples`
 * (`limits.max_samples`), a metric with more sample values than that is refused before anything
 * else is checked, naming the metric, its count and the setting.
 */
export function parseTrainerSummary(text: string, options: { maxSamples?: number } = {}): TrainerSummaryResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `not JSON: ${(err as Error).message}` };
  }
  const tooMany = options.maxSamples === undefined ? null : oversizedSample(raw, options.maxSamples);
  if (tooMany) return { ok: false, refused: true, problem: tooMany };
  const r = TrainerSummarySchema.safeParse(raw);
  if (!r.success) return { ok: false, problem: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return { ok: true, summary: r.data };
}

/** Names the first metric of `raw.samples` with more than `max` values, or null. */
function oversizedSample(raw: unknown, max: number): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const samples = (raw as { samples?: unknown }).samples;
  if (typeof samples !== 'object' || samples === null) return null;
  for (const [metric, values] of Object.entries(samples)) {
    if (Array.isArray(values) && values.length > max)
      return `samples.${metric} holds ${values.length} values, more than limits.max_samples (${max}) in autopilot.json allows; report fewer evaluation values or raise the limit`;
  }
  return null;
}
