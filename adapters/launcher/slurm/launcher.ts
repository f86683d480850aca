/**
 * Slurm as a {@link ClusterLauncher}: `sbatch` with the job script of domain/run/slurm-job.ts, one
 * `squeue` for every job, `scontrol show job -o` for how one ended (and `sacct` for a job the
 * controller forgot, only where a probe shows accounting: many clusters keep none, and sacct then
 * fails), `scancel --signal=USR1 --batch` to warn the job's script, `scancel` to end it.
 */
import type { SlurmSettings } from '../../../domain/config/launcher-settings.js';
import { jobOfSession, sbatchArgv, slurmJobComment, slurmJobName, slurmJobScript } from '../../../domain/run/slurm-job.js';
import type { ClusterLauncher, JobEnd } from '../cluster.js';
import { accountingEnabled, sacctJob, sbatch, scancel, scontrolShowJob, squeueAll } from './commands.js';

/** Slurm job states in which the job may still run (or run again). */
const ACTIVE = new Set([
  'PENDING',
  'CONFIGURING',
  'RUNNING',
  'COMPLETING',
  'REQUEUED',
  'REQUEUE_FED',
  'REQUEUE_HOLD',
  'RESIZING',
  'SUSPENDED',
  'STOPPED',
  'SIGNALING',
  'STAGE_OUT',
  'RESV_DEL_HOLD',
]);

/** The Slurm launcher for these settings. */
export function slurmLauncher(settings: SlurmSettings): ClusterLauncher {
  let accounting: Promise<boolean> | undefined;
  return {
    kind: 'slurm',
    name: 'Slurm',
    plan(spec) {
      const argv = sbatchArgv(settings, { ...spec, script: spec.script });
      return { name: slurmJobName(spec), comment: slurmJobComment(spec), scriptText: slurmJobScript(spec), argv };
    },
    // The recorded argv starts with `sbatch --parsable` and ends with the script.
    submit: (argv, cwd, env) => sbatch(argv.slice(2, -1), argv.at(-1)!, { cwd, env }),
    list: () => squeueAll(),
    async end(jobId) {
      const d = await scontrolShowJob(jobId);
      if (d) return { state: d.state, reason: d.reason, exitCode: d.exitCode, signal: d.signal };
      // Forgotten by the controller (after MinJobAge): accounting still knows, where there is accounting (probed once).
      accounting ??= accountingEnabled().catch(() => false);
      return (await accounting) ? sacctJob(jobId) : null;
    },
    cancel: (jobId, how) => scancel(jobId, how === 'warn' ? { signal: 'USR1', batch: true } : {}),
    active: (state) => ACTIVE.has(state),
    running: (state) => state === 'RUNNING' || state === 'COMPLETING' || state === 'SIGNALING',
    ofSession: (job, workspaceId, session) => jobOfSession(job.comment, workspaceId, session),
    outcome: slurmOutcome,
  };
}

/** How a Slurm job ended when its state, not its exit, says it (undefined: its exit and result file say it). Pure. */
export function slurmOutcome(jobId: string, state: string | null, end: JobEnd | null, recorded: boolean, gaveUp?: string) {
  // The job may run on: the loop halts (a launcher error), saying how to look and how to cancel it.
  if (gaveUp !== undefined)
    return { reason: 'launcher-error' as const, message: `Slurm stopped answering about job ${jobId}: ${gaveUp}; it may still run: see squeue -j ${jobId}, cancel it with scancel ${jobId}` };
  const why = end?.reason && end.reason !== 'None' ? `, reason ${end.reason}` : '';
  if (state === 'CANCELLED')
    return { reason: 'cancelled' as const, message: `Slurm job ${jobId} was cancelled from outside autopilot (scancel by a user or an administrator): state CANCELLED${why}` };
  if (state === 'TIMEOUT') return { reason: 'timeout' as const, message: `Slurm job ${jobId} reached its Slurm time limit (--time) and was ended by Slurm` };
  if (state === 'PREEMPTED') return { reason: 'cancelled' as const, message: `Slurm job ${jobId} was preempted and not requeued${why}` };
  if (state === 'NODE_FAIL' || state === 'BOOT_FAIL') return { reason: 'lost' as const, message: `Slurm job ${jobId} ended with ${state}: its node failed${why}` };
  if (!recorded)
    return {
      reason: 'lost' as const,
      message: state
        ? `Slurm job ${jobId} ended (${state}${why}) without writing its result file`
        : `Slurm job ${jobId} left the queue without a result file (Slurm forgets finished jobs after MinJobAge; the job script never recorded an end)`,
    };
  return undefined;
}
