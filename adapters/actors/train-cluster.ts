/**
 * The train actor's branch for schedulers (Slurm; see adapters/launcher/cluster.ts): each attempt is
 * one job. The attempt is recorded (AttemptPlanned, with its job script's hash) before it is
 * submitted; the job id goes in RunStarted. After a restart the job is found by its recorded id, or
 * by its name when only the submission was recorded, and followed again — never submitted twice
 * without an event saying so.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { AutopilotEvent, DataOf, FailureReason } from '../../events/catalogue.js';
import type { RunContext, TrainInput } from '../../machines/loop.machine.js';
import { ensureDirConfined, removeConfined, writeConfined, type UnsafeEntry } from '../fs/confined.js';
import type { LaunchResult } from '../launcher/local.js';
import { followLog } from '../launcher/follow.js';
import { jobRecord, LauncherCommandError, type ClusterLauncher } from '../launcher/cluster.js';
import { followJob, type CommandFailure, type JobHandle } from '../launcher/cluster-follow.js';
import { redactArgv, redactEnv } from '../secrets.js';
import { makeEvent, type ActorDeps } from './deps.js';
import { linkRunLog } from './run-log.js';
import { launchArgs, slotOfRun, trainerEnv, trainerOwnEnvOf } from './launch-args.js';

/** What `prepare` hands a launcher: the trainer's argv and cwd, its seed, and unsafe entries met so far. */
export interface Prepared {
  argv: string[];
  cwd: string;
  seed: number | null;
  unsafe: UnsafeEntry[];
}

/** What the train actor shares with this branch. */
export interface ClusterTrainScope {
  deps: ActorDeps;
  input: TrainInput;
  runDir: string;
  emit: (e: AutopilotEvent) => void;
  failed: (attempt: number, reason: FailureReason, exitCode: number | null, signal: string | null, durationMs: number, message: string) => void;
  settle: (attempt: number, r: LaunchResult) => Promise<void>;
  progress: (attempt: number) => (metrics: Record<string, number>) => void;
  prepare: (attempt: number, exitFile: string) => Prepared | null;
  violation: (unsafe: UnsafeEntry[], attempt: number) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How often the queue is looked at, and how failing scheduler commands are retried. */
export interface ClusterPolicy {
  poll_seconds: number;
  command_retries: number;
  retry_seconds: number;
}

/** Starts (or resumes) the run's attempt on the scheduler; `stop` cancels its job and every other job of the session. */
export function clusterTrain(launcher: ClusterLauncher, policy: ClusterPolicy, scope: ClusterTrainScope): { stop(how: 'now' | 'leave'): void } {
  const { deps, input, emit, runDir } = scope;
  const { run, session } = input;
  const timeouts = deps.settings.timeouts[input.mode];
  const root = deps.paths.root;
  const tries = policy.command_retries + 1;
  const workspaceId = workspaceIdOf(root);
  let handle: JobHandle | null = null;
  let stopped = false;
  let ended = false;

  // A failed listing of every job in flight is recorded once, for none of them in particular.
  const commandFailed = (attempt: number, { shared, ...f }: CommandFailure) =>
    emit(makeEvent('LauncherCommandFailed', { ...(shared ? {} : { runId: run.runId, attempt }), launcher: launcher.kind, ...f }, session, deps.now()));
  const filesOf = (attempt: number) => {
    const dir = join(runDir, launcher.kind);
    return { dir, script: join(dir, `attempt-${attempt}.sh`), result: join(dir, `attempt-${attempt}.result.json`) };
  };

  const follow = (attempt: number, jobId: string, logOffset: number, startedAtMs: number | null, restarts: number) => {
    handle = followJob(launcher, {
      root,
      jobId,
      logFile: deps.paths.log(run.runId),
      logOffset,
      resultFile: filesOf(attempt).result,
      wallMs: timeouts.wall_seconds * 1000,
      noOutputMs: timeouts.no_output_seconds * 1000,
      graceMs: timeouts.grace_seconds * 1000,
      startedAtMs,
      restarts,
      pollMs: policy.poll_seconds * 1000,
      retries: policy.command_retries,
      retryMs: policy.retry_seconds * 1000,
      onRequeued: (r) => emit(makeEvent('RunRequeued', { runId: run.runId, attempt, jobId, ...r }, session, deps.now())),
      onCommandFailed: (f) => commandFailed(attempt, f),
      onProgress: scope.progress(attempt),
      progressEveryMs: 5000,
      onMetrics: (m) => deps.onMetrics?.(run.runId, m),
      onUnsafe: (entries) => scope.violation(entries, attempt),
      onState: (j) => deps.onNote?.(run.runId, `${launcher.name} job ${jobId} ${j.state}${j.reason && j.reason !== 'None' ? ` (${j.reason})` : ''}`),
    });
    if (stopped) handle.stop('killed');
    void handle.result.then((r) => {
      ended = true;
      void scope.settle(attempt, r);
    });
  };

  /** The submission, retried with backoff; null once the tries are used up (recorded as a launcher failure, which halts the loop). */
  const submit = async (attempt: number, argv: string[], cwd: string): Promise<string | null> => {
    for (let t = 1; ; t++) {
      try {
        return await launcher.submit(argv, cwd, trainerEnv(deps, run.runId, attempt));
      } catch (err) {
        if (!(err instanceof LauncherCommandError)) throw err;
        const retryInMs = t < tries ? Math.round(policy.retry_seconds * 1000 * 2 ** (t - 1)) : null;
        commandFailed(attempt, { command: err.command, argv, exitCode: err.exitCode, message: err.message, try: t, tries, retryInMs });
        if (retryInMs === null || stopped) {
          scope.failed(attempt, 'launcher-error', null, null, 0, `${err.command} failed ${t} time(s); last: ${err.message}`);
          return null;
        }
        await sleep(retryInMs);
      }
    }
  };

  const plan = (attempt: number, resubmission: boolean) => {
    const files = filesOf(attempt);
    const prepared = scope.prepare(attempt, files.result);
    if (!prepared) return null;
    const { argv, cwd, seed, unsafe } = prepared;
    unsafe.push(...ensureDirConfined(root, files.dir));
    removeConfined(root, files.result);
    const job = launcher.plan({
      workspaceId,
      session,
      runId: run.runId,
      attempt,
      argv,
      cwd,
      log: deps.paths.log(run.runId),
      resultFile: files.result,
      script: files.script,
      wallSeconds: timeouts.wall_seconds,
    });
    unsafe.push(...writeConfined(root, files.script, job.scriptText));
    // The output is stored once, in logs/<id>.log (Slurm appends to it); the run folder's train.log is the same file.
    unsafe.push(...linkRunLog(root, deps.paths.log(run.runId), join(runDir, 'train.log')));
    scope.violation(unsafe, attempt);
    const recorded = jobRecord(root, job, files);
    emit(
      makeEvent(
        'AttemptPlanned',
        { runId: run.runId, attempt, launcher: launcher.kind, job: recorded, argv: job.argv, ...(resubmission ? { resubmission: true } : {}) },
        session,
        deps.now(),
      ),
    );
    return { argv, cwd, seed, submitArgv: job.argv, job: recorded };
  };

  const started = (attempt: number, p: { argv: string[]; cwd: string; seed: number | null; job: DataOf<'AttemptPlanned'>['job'] }, jobId: string, logOffset: number) =>
    emit(
      makeEvent(
        'RunStarted',
        {
          runId: run.runId,
          attempt,
          launcher: launcher.kind,
          argv: redactArgv(p.argv, deps.settings.secrets.record),
          cwd: p.cwd,
          pid: null,
          pidStartTime: null,
          seed: p.seed,
          logPath: deps.paths.log(run.runId),
          exitFile: filesOf(attempt).result,
          logOffset,
          env: redactEnv(trainerOwnEnvOf(deps, run.runId, attempt), deps.settings.secrets.record),
          ...slotOfRun(deps, run.runId),
          job: { ...p.job, id: jobId },
        },
        session,
        deps.now(),
      ),
    );

  const start = async (attempt: number, resubmission = false) => {
    const p = plan(attempt, resubmission);
    if (!p) return;
    // Where this attempt's output starts: the log as it is before the job can append to it.
    const offset = logSize();
    const jobId = await submit(attempt, p.submitArgv, p.cwd);
    if (jobId === null) return;
    started(attempt, p, jobId, offset);
    follow(attempt, jobId, offset, null, 0);
  };

  const logSize = () => {
    const f = followLog(root, deps.paths.log(run.runId));
    const at = f.offset;
    f.close();
    return at;
  };

  /** The queue as the controller lists it now (null: it did not answer; recorded). */
  const queue = async (attempt: number) => {
    try {
      return await launcher.list();
    } catch (err) {
      if (!(err instanceof LauncherCommandError)) throw err;
      commandFailed(attempt, { command: err.command, argv: err.argv, exitCode: err.exitCode, message: err.message, try: 1, tries: 1, retryInMs: null });
      return null;
    }
  };

  const reattach = async (s: NonNullable<RunContext['started']>) => {
    const jobId = s.job!.id;
    const entry = (await queue(s.attempt))?.find((e) => e.jobId === jobId) ?? null;
    emit(makeEvent('RunReattached', { runId: run.runId, attempt: s.attempt, pid: null, jobId, foundBy: 'id', alive: entry !== null && launcher.active(entry.state) }, session, deps.now()));
    follow(s.attempt, jobId, s.logOffset, Date.parse(s.at), run.restarts ?? 0);
  };

  // Submitted, by the record, but with no job id recorded: the job is looked for by its name and comment before anything is submitted again.
  const findPlanned = async (p: DataOf<'AttemptPlanned'>) => {
    const listed = await queue(p.attempt);
    if (listed === null) return scope.failed(p.attempt, 'launcher-error', null, null, 0, `could not look for job ${p.job.name} of attempt ${p.attempt}: the scheduler did not list its jobs`);
    const found = listed.find((e) => e.name === p.job.name && e.comment === p.job.comment);
    if (!found) {
      if (p.resubmission) return scope.failed(p.attempt, 'orphaned', null, null, 0, `attempt ${p.attempt} was submitted twice and no job ${p.job.name} was found either time`);
      return start(p.attempt, true);
    }
    // Its output starts where the log stood when the attempt was planned at the latest: from the log's end now, what it printed meanwhile is in the file, not in the events.
    const offset = logSize();
    started(p.attempt, { ...launchArgs(deps, run, session), job: p.job }, found.jobId, offset);
    emit(makeEvent('RunReattached', { runId: run.runId, attempt: p.attempt, pid: null, jobId: found.jobId, foundBy: 'name', alive: launcher.active(found.state) }, session, deps.now()));
    follow(p.attempt, found.jobId, offset, null, found.restarts);
  };

  const begin = run.started?.job ? reattach(run.started) : run.planned ? findPlanned(run.planned) : start(run.attempt + 1);
  void begin.catch((err: unknown) => scope.failed(run.attempt + 1, 'launcher-error', null, null, 0, `the ${launcher.name} launcher failed: ${(err as Error).message}`));

  return {
    // `now` (stop --now, Ctrl-C): this job and every other job of the session; `leave` (the loop leaves the state): this job, if it still runs.
    stop(how) {
      if (stopped || (how === 'leave' && ended)) return;
      stopped = true;
      handle?.stop('killed');
      if (how === 'now') void cancelSessionJobs(launcher, workspaceId, session);
    },
  };
}

/** A short id of the workspace for job comments: the hash of its path (two workspaces of one account each have a session 0001). */
export function workspaceIdOf(root: string): string {
  return createHash('sha256').update(root).digest('hex').slice(0, 12);
}

/** Cancels every job of the session still in the queue (`stop --now`, Ctrl-C): nothing of it runs on after the loop. */
export async function cancelSessionJobs(launcher: ClusterLauncher, workspaceId: string, session: string): Promise<void> {
  let listed;
  try {
    listed = await launcher.list();
  } catch {
    return;
  }
  for (const e of listed) if (launcher.ofSession(e, workspaceId, session) && launcher.active(e.state)) await launcher.cancel(e.jobId, 'end').catch(() => undefined);
}
