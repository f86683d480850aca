/**
 * Events of `autopilot rollback`: a user made an earlier run the incumbent again. History is never
 * rewritten; the rollback is one more fact, and what follows it (the next proposals' base, the next
 * comparisons) starts from the run rolled back to.
 */
import { z } from 'zod';
import { event, RunId } from './event-schema.js';

/** The incumbent a rollback installs: the run's reference as the loop compares against it. */
const RolledBackIncumbent = z.object({
  runId: RunId,
  metric: z.string(),
  mean: z.number(),
  n: z.number().int().nonnegative(),
  sample: z.array(z.number()),
  override: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
});

/** A user rolled the incumbent back to run `to` (`autopilot rollback`), and why. */
export const RolledBack = event(
  'RolledBack',
  z.object({
    /** The run that is the incumbent again. */
    to: RunId,
    /** The incumbent it replaces (null: none). */
    previous: RunId.nullable(),
    why: z.string().min(1),
    /** Who rolled back: `--by`, else the OS user name. */
    by: z.string().min(1),
    /** The incumbent from now on: the run's config (as an override of the baseline) and the sample it is compared on. */
    incumbent: RolledBackIncumbent,
    /** `--restore-inputs`: the run's commit (its tag and the commit it names) and the input files put back from it (absent: inputs left as they were). */
    restored: z.object({ tag: z.string(), commit: z.string(), files: z.array(z.string()).min(1) }).optional(),
  }),
);
