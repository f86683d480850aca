/**
 * Events of launchers that run trainers elsewhere (Slurm): the attempt recorded before its job is
 * submitted, the job's requeues, and the launcher's failing commands.
 */
import { z } from 'zod';
import { event, RunId } from './event-schema.js';

/** The Slurm job of one attempt, as autopilot names and files it. */
export const SlurmJob = z.object({
  /** `--job-name`: `ap-<run>-a<attempt>`. */
  name: z.string(),
  /** `--comment`: `autopilot:<workspace>/<session>/<run>/<attempt>` (the workspace as a hash of its path), by which a restarted orchestrator finds the job. */
  comment: z.string(),
  /** The job script, workspace-relative (written into the run folder). */
  script: z.string(),
  scriptSha256: z.string(),
  /** Where the job script records how the trainer ended, workspace-relative. */
  resultFile: z.string(),
});
export type SlurmJob = z.infer<typeof SlurmJob>;
/** A submitted Slurm job: its id too. */
export const SlurmJobStarted = SlurmJob.extend({ id: z.string().regex(/^\d+(_\d+)?$/, 'a Slurm job id') });

/** An attempt recorded before its job is submitted: a restarted orchestrator looks for the job by name before submitting again. */
export const AttemptPlanned = event(
  'AttemptPlanned',
  z.object({
    runId: RunId,
    attempt: z.number().int().positive(),
    launcher: z.literal('slurm'),
    job: SlurmJob,
    /** The submission command (argv, no shell). */
    argv: z.array(z.string()),
    /** True when the attempt was planned before and no job of it was found: it is submitted again, once. */
    resubmission: z.boolean().optional(),
  }),
);

/** A job put back in the queue by Slurm (requeue, preemption, node failure): the same attempt goes on. */
export const RunRequeued = event(
  'RunRequeued',
  z.object({
    runId: RunId,
    attempt: z.number().int().positive(),
    jobId: z.string(),
    /** Slurm's restart count after this requeue (SLURM_RESTART_COUNT of the next start). */
    restarts: z.number().int().nonnegative(),
    /** The job state that showed it (REQUEUED, PREEMPTED, PENDING after running…). */
    state: z.string(),
    /** Slurm's reason, as squeue printed it. */
    reason: z.string(),
  }),
);

/** A launcher command that failed (`sbatch: error: …`, the controller down): retried with backoff a bounded number of times. */
export const LauncherCommandFailed = event(
  'LauncherCommandFailed',
  z.object({
    runId: RunId.optional(),
    attempt: z.number().int().positive().optional(),
    launcher: z.literal('slurm'),
    command: z.string(),
    argv: z.array(z.string()),
    /** Null when the command could not run at all (not installed). */
    exitCode: z.number().int().nullable(),
    message: z.string(),
    /** This failure's number among the tries of the same command, and how many tries there are. */
    try: z.number().int().positive(),
    tries: z.number().int().positive(),
    /** When it is tried again; null: no more tries (the loop halts, or the run fails). */
    retryInMs: z.number().int().nonnegative().nullable(),
  }),
);
