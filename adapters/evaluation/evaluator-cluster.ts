/**
 * Where evaluators run: with the workspace's launcher Slurm, each as one Slurm job of the session
 * (found, followed and cancelled through the same ClusterLauncher as trainer attempts); with the
 * local launcher, on this machine. And cancelling the jobs of an evaluation a dead process left.
 */
import { SlurmSettingsSchema } from '../../domain/config/launcher-settings.js';
import type { Settings } from '../../domain/config/settings.js';
import type { DataOf } from '../../events/catalogue.js';
import { workspaceIdOf, type ClusterPolicy } from '../actors/train-cluster.js';
import type { ClusterLauncher } from '../launcher/cluster.js';
import { slurmLauncher } from '../launcher/slurm/launcher.js';

/** The scheduler evaluators run on, how it is watched, and the workspace and session their jobs are named after. */
export interface EvaluatorCluster {
  launcher: ClusterLauncher;
  policy: ClusterPolicy;
  workspaceId: string;
  session: string;
}

/** The scheduler of these settings (Slurm's defaults when the launcher is local now: a recorded job is still Slurm's). */
export function evaluatorScheduler(settings: Settings): { launcher: ClusterLauncher; policy: ClusterPolicy } {
  const policy = settings.launcher.slurm ?? SlurmSettingsSchema.parse({});
  return { launcher: slurmLauncher(policy), policy };
}

/** The cluster evaluators run on for `session` of the workspace at `root`; null when the launcher is local. */
export function evaluatorCluster(settings: Settings, root: string, session: string): EvaluatorCluster | null {
  if (settings.launcher.kind !== 'slurm') return null;
  return { ...evaluatorScheduler(settings), workspaceId: workspaceIdOf(root), session };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How long a cancelled job may take to leave the running states (Slurm's KillWait is 30 s by default). */
const GONE_WITHIN_MS = 60_000;

/** What became of one recorded job: `cancelled` (it still ran), `ended` (nothing ran), or the command that failed. */
export type JobStop = { jobId: string; foundBy: 'id' | 'name'; stopped: 'cancelled' | 'ended' } | { jobId: string | null; foundBy: 'id' | 'name'; error: string };

/**
 * Cancels every job of an unended evaluation still in the queue — each recorded by id, and each
 * planned whose id was never recorded, found by its name and comment — and waits until none runs.
 * Never throws: a failing scheduler command is reported in the answer.
 */
export async function cancelEvaluatorJobs(
  launcher: ClusterLauncher,
  started: readonly DataOf<'EvaluatorStarted'>[],
  planned: readonly DataOf<'EvaluatorJobPlanned'>[],
  pollMs: number,
): Promise<JobStop[]> {
  const ids = started.flatMap((e) => (e.launcher === 'slurm' ? [{ index: e.index, jobId: e.job.id }] : []));
  const unsubmitted = planned.filter((p) => !started.some((e) => e.index === p.index));
  if (ids.length === 0 && unsubmitted.length === 0) return [];
  let listed;
  try {
    listed = await launcher.list();
  } catch (err) {
    const error = `the scheduler did not list its jobs: ${(err as Error).message}`;
    return [
      ...ids.map((i) => ({ jobId: i.jobId, foundBy: 'id' as const, error })),
      ...unsubmitted.map((p) => ({ jobId: null, foundBy: 'name' as const, error: `${error} (job ${p.job.name})` })),
    ];
  }
  const targets = [
    ...ids.map((i) => ({ jobId: i.jobId, foundBy: 'id' as const })),
    ...unsubmitted.flatMap((p) => listed.filter((e) => e.name === p.job.name && e.comment === p.job.comment).map((e) => ({ jobId: e.jobId, foundBy: 'name' as const }))),
  ];
  const stops: JobStop[] = [];
  for (const t of targets) {
    const entry = listed.find((e) => e.jobId === t.jobId);
    if (!entry || !launcher.active(entry.state)) {
      stops.push({ ...t, stopped: 'ended' });
      continue;
    }
    try {
      await launcher.cancel(t.jobId, 'end');
      stops.push({ ...t, stopped: 'cancelled' });
    } catch (err) {
      stops.push({ ...t, error: (err as Error).message });
    }
  }
  // Nothing of the old evaluation may run beside the next one: wait (bounded) until the scheduler says so.
  const cancelled = new Set(stops.flatMap((s) => ('stopped' in s && s.stopped === 'cancelled' ? [s.jobId] : [])));
  for (const deadline = Date.now() + GONE_WITHIN_MS; cancelled.size > 0 && Date.now() < deadline;) {
    await sleep(pollMs);
    const now = await launcher.list().catch(() => null);
    if (now) for (const id of cancelled) if (!now.some((e) => e.jobId === id && launcher.active(e.state))) cancelled.delete(id);
  }
  return stops;
}
