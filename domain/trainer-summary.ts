/** The trainer's `trainer_summary.json` contract (see DESIGN.md, "Contracts with the outside"). */
import { z } from 'zod';

const Section = z.record(z.string(), z.unknown());

/** What a trainer writes at `$PUFFER_AUTOPILOT_SUMMARY` when it finishes. */
export const TrainerSummarySchema = z.object({
  timestamp: z.union([z.string(), z.number()]).optional(),
  run_id: z.string().optional(),
  train: Section.optional(),
  env: Section.optional(),
  vec: Section.optional(),
  metrics: z.record(z.string(), z.number().refine(Number.isFinite, 'must be a finite number')),
  samples: z.record(z.string(), z.array(z.number().refine(Number.isFinite, 'must be a finite number'))).optional(),
});
/** A parsed trainer summary. */
export type TrainerSummary = z.infer<typeof TrainerSummarySchema>;

/** Parses a summary file's text; returns the problem instead of throwing. */
export function parseTrainerSummary(text: string): { ok: true; summary: TrainerSummary } | { ok: false; problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `not JSON: ${(err as Error).message}` };
  }
  const r = TrainerSummarySchema.safeParse(raw);
  if (!r.success) return { ok: false, problem: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return { ok: true, summary: r.data };
}
