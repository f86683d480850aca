/**
 * What the train actor needs of a scheduler that runs each attempt as a job on other machines:
 * plan (name it, write what it runs), submit, list (one call for every job), end (how a job
 * ended), cancel, and how to read its states. Slurm implements it (slurm/launcher.ts); a Ray
 * launcher through its Jobs REST API would be one more file implementing it. Recording, following
 * the log, timeouts, requeues and reattaching are the same for every scheduler
 * (cluster-follow.ts, cluster-watch.ts, actors/train-cluster.ts).
 */
import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import type { LaunchResult } from './local.js';
import type { SlurmJobOf as JobOf } from '../../domain/run/slurm-job.js';

/** A job as the scheduler lists it. */
export interface JobStatus {
  jobId: string;
  name: string;
  comment: string;
  state: string;
  reason: string;
  /** Times the scheduler started the job again (requeue, preemption). */
  restarts: number;
}

/** How an ended job ended, as the scheduler still knows it. */
export interface JobEnd {
  state: string;
  reason: string;
  exitCode: number | null;
  /** Signal number that ended the job's script, if one did. */
  signal: number | null;
}

/** A scheduler command that failed: which, its argv, its exit code (null: it could not run), and a message naming all that. */
export class LauncherCommandError extends Error {
  constructor(
    readonly command: string,
    readonly argv: string[],
    readonly exitCode: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'LauncherCommandError';
  }
}

/** One attempt (`runId`, `attempt`) or one evaluator (`evaluationId`, `index`) to plan as a job. Paths are absolute. */
export type JobSpec = JobOf & {
  /** The trainer's (or evaluator's) argv (run without a shell) and working directory. */
  argv: readonly string[];
  cwd: string;
  /** The log the job appends the trainer's output to, and the file its script records the end in. */
  log: string;
  resultFile: string;
  /** Where the job's script is written. */
  script: string;
  /** The run's (or evaluator's) wall-clock limit, for the scheduler's own limit when the settings give none. */
  wallSeconds: number;
};

/** A planned job: its name and comment (by which it is found again), its script's text and the submission argv. */
export interface PlannedJob {
  name: string;
  comment: string;
  scriptText: string;
  argv: string[];
}

/** A scheduler. Its methods throw {@link LauncherCommandError} when the scheduler's command fails. */
export interface ClusterLauncher {
  readonly kind: 'slurm';
  /** How people call it (`Slurm`), for what the loop prints. */
  readonly name: string;
  plan(spec: JobSpec): PlannedJob;
  /** Submits the planned argv; returns the job id. */
  submit(argv: string[], cwd: string, env: Record<string, string>): Promise<string>;
  /** Every job the scheduler lists now, in one call. */
  list(): Promise<JobStatus[]>;
  /** How the job ended; null when the scheduler no longer knows it. */
  end(jobId: string): Promise<JobEnd | null>;
  /** `warn`: ask the job's script to stop the trainer (which may save a checkpoint); `end`: end the job. */
  cancel(jobId: string, how: 'warn' | 'end'): Promise<void>;
  /** Whether a job in `state` may still run (or run again). */
  active(state: string): boolean;
  /** Whether a job in `state` runs its script now. */
  running(state: string): boolean;
  /** Whether a listed job is of this workspace's session (its jobs are cancelled together). */
  ofSession(job: JobStatus, workspaceId: string, session: string): boolean;
  /**
   * The outcome when the job's state, not its exit, says how it ended (cancelled from outside, the
   * scheduler's time limit, lost; `gaveUp`: the scheduler stopped answering); undefined when its
   * exit and result file say it.
   */
  outcome(jobId: string, state: string | null, end: JobEnd | null, recorded: boolean, gaveUp?: string): LaunchResult['endedBy'];
}

/** How a planned job is recorded (AttemptPlanned, EvaluatorJobPlanned): its name and comment, its script (workspace-relative, and the sha256 of its text) and its result file. */
export function jobRecord(root: string, job: PlannedJob, files: { script: string; result: string }) {
  return {
    name: job.name,
    comment: job.comment,
    script: relative(root, files.script),
    scriptSha256: createHash('sha256').update(job.scriptText).digest('hex'),
    resultFile: relative(root, files.result),
  };
}
