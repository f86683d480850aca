/**
 * One checkpoint's evaluator as one cluster job (the workspace's launcher is Slurm): planned and
 * recorded (EvaluatorJobPlanned: name `ap-<evaluation>-e<index>`, comment of the session, script
 * and its hash) before it is submitted, its id recorded once submitted (EvaluatorStarted), then
 * followed as a trainer's job is (cluster-follow.ts: its log, the wall-clock and no-output limits
 * counted from when it runs, a warning then the end on a stop, the result file its script writes).
 * A submission the scheduler refuses is a failure to start, never a throw.
 */
import { join } from 'node:path';
import { removeConfined, writeConfined } from '../fs/confined.js';
import { jobRecord, LauncherCommandError } from '../launcher/cluster.js';
import { followJob, type JobHandle } from '../launcher/cluster-follow.js';
import { inWorkspace } from '../workspace.js';
import type { EvaluatorCluster } from './evaluator-cluster.js';
import type { PlannedTarget } from './plan.js';
import { evaluatorEnv, evaluatorFolder, type TargetContext } from './target-context.js';
import { targetFailure, targetOutcome, type TargetOutcome } from './target-result.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the evaluator of `t` as a job of `cluster` and reads what it reported. */
export async function runClusterTarget(t: PlannedTarget, c: TargetContext, cluster: EvaluatorCluster): Promise<TargetOutcome> {
  const { launcher, policy } = cluster;
  const ev = c.settings.evaluation;
  const root = c.paths.root;
  const rc = { root, settings: c.settings, episodes: c.episodes };
  const { rel, dir } = evaluatorFolder(c);
  const files = { script: join(dir, `${launcher.kind}.sh`), result: join(dir, `${launcher.kind}.result.json`), log: join(dir, 'eval.log') };
  let handle: JobHandle | null = null;
  let stopped = false;
  // A stop asked for before the job id is known cancels the job as soon as it is followed.
  c.onHandle?.(() => {
    stopped = true;
    handle?.stop('killed');
  });
  const cwd = inWorkspace(c.paths, c.settings.trainer.cwd);
  let job;
  try {
    removeConfined(root, files.result);
    // The log exists before the job appends to it, so it is followed by its descriptor from its start.
    writeConfined(root, files.log, '', { fsync: false });
    job = launcher.plan({
      workspaceId: cluster.workspaceId,
      session: cluster.session,
      evaluationId: c.evaluationId,
      index: c.index,
      argv: t.argv,
      cwd,
      log: files.log,
      resultFile: files.result,
      script: files.script,
      wallSeconds: ev.wall_seconds,
    });
    writeConfined(root, files.script, job.scriptText);
  } catch (e) {
    return targetFailure(t, rc, 'cannot-start', `could not write the evaluator's ${launcher.name} job script in ${rel}: ${(e as Error).message}`);
  }
  const recorded = jobRecord(root, job, files);
  // On record before sbatch: a restart finds the job by its name even if its id never was.
  c.onPlanned?.({ target: t.target.spec, index: c.index, launcher: launcher.kind, job: recorded, argv: job.argv });
  const env = evaluatorEnv(t, c, dir);
  const tries = policy.command_retries + 1;
  let jobId: string | null = null;
  for (let n = 1; jobId === null; n++) {
    try {
      jobId = await launcher.submit(job.argv, cwd, env);
    } catch (err) {
      // Only a failing scheduler command is tried again (and recorded); anything else ends the tries at once.
      const failed = err instanceof LauncherCommandError ? err : null;
      const retryInMs = failed && n < tries && !stopped ? Math.round(policy.retry_seconds * 1000 * 2 ** (n - 1)) : null;
      if (failed) c.onCommandFailed?.({ launcher: launcher.kind, command: failed.command, argv: job.argv, exitCode: failed.exitCode, message: failed.message, try: n, tries, retryInMs });
      if (retryInMs === null)
        return targetFailure(t, rc, 'cannot-start', `${launcher.name} did not take the evaluator's job ${job.name} (${n} ${n > 1 ? 'tries' : 'try'}): ${(err as Error).message}`);
      await sleep(retryInMs);
    }
  }
  c.onStarted({ target: t.target.spec, index: c.index, launcher: launcher.kind, job: { ...recorded, id: jobId } });
  handle = followJob(launcher, {
    root,
    jobId,
    logFile: files.log,
    logOffset: 0,
    resultFile: files.result,
    wallMs: ev.wall_seconds * 1000,
    noOutputMs: ev.no_output_seconds * 1000,
    graceMs: ev.grace_seconds * 1000,
    startedAtMs: null,
    restarts: 0,
    pollMs: policy.poll_seconds * 1000,
    retries: policy.command_retries,
    retryMs: policy.retry_seconds * 1000,
    // A requeued evaluator starts again from its first seed, and writes its summary again: nothing to record.
    onRequeued: () => undefined,
    onCommandFailed: ({ shared: _shared, ...f }) => c.onCommandFailed?.({ launcher: launcher.kind, ...f }),
  });
  if (stopped) handle.stop('killed');
  return targetOutcome(t, rc, await handle.result, rel);
}
