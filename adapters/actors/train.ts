/**
 * The train actor: launches the trainer for the run's accepted config and reports its start,
 * progress and outcome. Restarted after a crash with a launch in flight, it reattaches to the
 * trainer if it still runs, reads its recorded end if it finished meanwhile, and otherwise
 * records the launch as orphaned — so nothing runs twice without an event saying so.
 */
import { join, relative } from 'node:path';
import { fromCallback, type EventObject } from 'xstate';
import type { AutopilotEvent, FailureReason } from '../../events/catalogue.js';
import type { RunContext, TrainInput } from '../../machines/loop.machine.js';
import { attachLocal, launchLocal, type LaunchHandle, type LaunchResult } from '../launcher/local.js';
import { processAlive, processStartTime } from '../launcher/process-group.js';
import { redactArgv, redactEnv, redactText } from '../secrets.js';
import { ensureDirConfined, kindConfined, removeConfined, writeConfined, type UnsafeEntry } from '../fs/confined.js';
import { linkRunLog } from './run-log.js';
import { listCheckpoints } from '../checkpoints.js';
import { indexCheckpoints } from './index-checkpoints.js';
import { failureTail, launchOutcome } from './launch-outcome.js';
import { makeEvent, type ActorDeps, type LoopDeps } from './deps.js';
import { reporter } from '../recorder.js';
import { unsafeViolation } from './violations.js';
import { guardInputs } from './input-guard.js';
import { uncontainedViolation } from './uncontained.js';
import { recordRunFolder } from './run-folder-after.js';
import { mirrorRunLog } from './run-log-mirror.js';
import { clusterTrain, type Prepared } from './train-cluster.js';
import { slurmLauncher } from '../launcher/slurm/launcher.js';
import { SlurmSettingsSchema } from '../../domain/config/launcher-settings.js';
import { launchArgs, slotOfRun, trainerEnv, trainerOwnEnvOf } from './launch-args.js';

/** Where the supervisor of a run's attempt records its end. */
function exitFileOf(deps: LoopDeps, runId: string, attempt: number): string {
  return join(deps.paths.root, 'logs', `${runId}.attempt-${attempt}.exit.json`);
}

/** Creates the `train` actor. */
export function trainActor(deps: ActorDeps) {
  return fromCallback<EventObject, TrainInput>(({ input, self, receive }) => {
    const record = reporter(deps.recorder, self);
    const { run, session } = input;
    const timeouts = deps.settings.timeouts[input.mode];
    const runDir = deps.paths.runDir(run.runId);
    const summaryPath = join(runDir, 'trainer_summary.json');
    const emit = (e: AutopilotEvent) => record(e);
    const violation = (unsafe: UnsafeEntry[], attempt: number) => {
      const e = unsafeViolation(session, deps.now(), 'trainer', unsafe, { runId: run.runId, attempt });
      if (e) emit(e);
    };
    let handle: LaunchHandle | null = null;
    let cancelled = false;

    const failed = (attempt: number, reason: FailureReason, exitCode: number | null, signal: string | null, durationMs: number, message: string, neverStarted = false, tail: string[] = []) =>
      emit(
        makeEvent(
          'RunFailed',
          {
            runId: run.runId,
            attempt,
            reason,
            exitCode,
            signal,
            durationMs,
            message,
            ...(neverStarted ? { started: false as const } : {}),
            ...(tail.length ? { tail } : {}),
          },
          session,
          deps.now(),
        ),
      );

    /** Turns how a launch ended into RunFinished or RunFailed. */
    const settle = async (attempt: number, r: LaunchResult) => {
      if (cancelled) return;
      // Before the end is read: linking a checkpoint changes its ctime, which RunFinished's fingerprints record.
      if (!r.neverStarted)
        await indexCheckpoints(
          deps,
          session,
          run.runId,
          attempt,
          emit,
          (unsafe) => violation(unsafe, attempt),
          () => cancelled,
        );
      if (cancelled) return;
      // Whatever the outcome, the metric lines and the tracker's address the attempt printed are kept.
      if (!r.neverStarted) mirrorRunLog(deps, run.runId, attempt, session, emit, violation);
      // A cluster job that vanished, was cancelled from outside or hit the scheduler's limit: its state is the outcome.
      if (r.endedBy && !r.stoppedFor)
        return failed(attempt, r.endedBy.reason, r.exitCode, r.signal, r.durationMs, r.endedBy.message, false, failureTail(r.tail, deps.settings.limits.failure_tail_lines));
      const log = deps.paths.log(run.runId);
      if (r.neverStarted)
        return failed(
          attempt,
          'orphaned',
          null,
          null,
          r.durationMs,
          `the orchestrator stopped after recording attempt ${attempt} and before letting its trainer start; the trainer never ran`,
          true,
        );
      // Something of the launch may outlive it: recorded; its result is still read by the usual rules.
      const loose = uncontainedViolation(session, deps.now(), { runId: run.runId, attempt, folder: relative(deps.paths.root, runDir) }, r, handle?.containment.mode ?? 'process-group');
      if (loose) emit(loose);
      if (r.stoppedFor) {
        const why =
          r.stoppedFor === 'timeout'
            ? `wall-clock limit of ${timeouts.wall_seconds}s reached`
            : r.stoppedFor === 'hung'
              ? `no output for ${timeouts.no_output_seconds}s`
              : 'stopped by request';
        return failed(
          attempt,
          r.stoppedFor,
          r.exitCode,
          r.signal,
          r.durationMs,
          `${why}; the trainer's process tree was terminated`,
          false,
          failureTail(r.tail, deps.settings.limits.failure_tail_lines),
        );
      }
      if (!r.recorded) return failed(attempt, 'killed', null, r.signal, r.durationMs, `the trainer's supervisor was killed from outside; see ${log}`);
      const outcome = launchOutcome(r, {
        root: deps.paths.root,
        summaryPath,
        checkpoints: listCheckpoints(deps.paths.root, runDir).map((f) => relative(deps.paths.root, f)),
        metric: deps.settings.metric.name,
        maxSamples: deps.settings.limits.max_samples,
        tailLines: deps.settings.limits.failure_tail_lines,
        timeouts,
        logPath: log,
        argv0: deps.settings.trainer.command[0]!,
      });
      violation(outcome.unsafe, attempt);
      // What the run folder holds once its result is read: checked again when the run is journaled.
      if (outcome.kind === 'finished') emit(makeEvent('RunFinished', { runId: run.runId, attempt, ...outcome.data, folder: recordRunFolder(deps.paths.root, runDir) }, session, deps.now()));
      else emit(makeEvent('RunFailed', { runId: run.runId, attempt, ...outcome.data }, session, deps.now()));
    };

    const progress = (attempt: number) => (metrics: Record<string, number>) => emit(makeEvent('RunProgress', { runId: run.runId, attempt, metrics }, session, deps.now()));

    // An attempt in flight is followed by the launcher that started it, whatever the settings say now.
    const onSlurm = run.started ? run.started.launcher === 'slurm' : Boolean(run.planned) || deps.settings.launcher.kind === 'slurm';
    if (onSlurm) {
      // A session resumed under other settings still follows its Slurm attempt, with Slurm's defaults.
      const settings = deps.settings.launcher.slurm ?? SlurmSettingsSchema.parse({});
      const slurm = clusterTrain(slurmLauncher(settings), settings, { deps, input, emit, failed, settle: (attempt, r) => settle(attempt, r), progress, prepare, violation, runDir });
      receive((event) => {
        if ((event as AutopilotEvent).type === 'StopRequested') slurm.stop('now');
      });
      return () => {
        cancelled = true;
        slurm.stop('leave');
      };
    }
    receive((event) => {
      if ((event as AutopilotEvent).type === 'StopRequested') handle?.stop('killed');
    });
    if (run.started) {
      resume(run.started);
    } else {
      start(run.attempt + 1);
    }
    return () => {
      // The loop left this state (stop or shutdown) while the trainer ran: it must not outlive the loop unrecorded.
      cancelled = true;
      handle?.stop('killed');
    };

    /** What every launcher does before an attempt: the inputs put back, the folders made, an earlier attempt's leftovers removed. Null: not launched (recorded). */
    function prepare(attempt: number, exitFile: string): Prepared | null {
      const { argv, cwd, seed } = launchArgs(deps, run, session);
      const root = deps.paths.root;
      // The trainer's script and the rest of the bound inputs are as the session recorded them before anything runs.
      const changed = guardInputs(deps, session, { runId: run.runId, attempt });
      if (changed) emit(changed);
      const kept = changed?.data.paths.filter((p) => !p.restored) ?? [];
      if (kept.length > 0) {
        failed(attempt, 'launch-error', null, null, 0, `not launched: ${kept.map((p) => p.path).join(', ')} changed and could not be put back (${kept[0]!.note ?? 'not restored'})`);
        return null;
      }
      const unsafe: UnsafeEntry[] = [];
      // The proposal file is archived by projection (proposals/run_N.json) and cleared when the run starts.
      unsafe.push(...writeConfined(root, deps.paths.nextConfig, '{}\n'));
      // Leftovers of an earlier attempt must not be read as this attempt's result; the folders it writes into exist.
      unsafe.push(...ensureDirConfined(root, runDir), ...ensureDirConfined(root, join(root, 'logs')));
      removeConfined(root, summaryPath);
      removeConfined(root, exitFile);
      return { argv, cwd, seed, unsafe };
    }

    function resume(s: NonNullable<RunContext['started']>) {
      const pid = s.pid ?? 0;
      const alive = s.pid !== null && s.pidStartTime !== null && processStartTime(pid) === s.pidStartTime && processAlive(pid);
      // Where this workspace keeps the attempt's files now (it may have been moved since it was recorded).
      const exitFile = s.exitFile === null ? null : exitFileOf(deps, run.runId, s.attempt);
      const ended = exitFile !== null && kindConfined(deps.paths.root, exitFile) === 'file';
      const common = {
        root: deps.paths.root,
        ...(s.containment ? { containment: s.containment } : {}),
        logFile: deps.paths.log(run.runId),
        exitFile: exitFile ?? '',
        wallMs: timeouts.wall_seconds * 1000,
        noOutputMs: timeouts.no_output_seconds * 1000,
        graceMs: timeouts.grace_seconds * 1000,
        progressEveryMs: 5000,
        onProgress: progress(s.attempt),
        onMetrics: (m: Record<string, number>) => deps.onMetrics?.(run.runId, m),
        pid,
        pidStartTime: s.pidStartTime,
        logOffset: s.logOffset,
        startedAtMs: Date.parse(s.at),
      };
      if (alive || ended) {
        emit(makeEvent('RunReattached', { runId: run.runId, attempt: s.attempt, pid: s.pid, alive }, session, deps.now()));
        handle = attachLocal(common);
        void handle.result.then((r) => settle(s.attempt, r));
        return;
      }
      failed(
        s.attempt,
        'orphaned',
        null,
        null,
        Math.max(0, deps.now().getTime() - Date.parse(s.at)),
        `the orchestrator stopped while attempt ${s.attempt} (pid ${s.pid}) was running, and the trainer ended without a recorded exit`,
      );
    }

    function start(attempt: number) {
      const exitFile = exitFileOf(deps, run.runId, attempt);
      const root = deps.paths.root;
      const prepared = prepare(attempt, exitFile);
      if (!prepared) return;
      const { argv, cwd, seed, unsafe } = prepared;
      try {
        // The output is stored once, in logs/<id>.log; the run folder's train.log is the same file.
        unsafe.push(...linkRunLog(root, deps.paths.log(run.runId), join(runDir, 'train.log')));
        handle = launchLocal({
          argv,
          cwd,
          env: trainerEnv(deps, run.runId, attempt),
          root,
          logFile: deps.paths.log(run.runId),
          exitFile,
          containment: deps.containment,
          maxOutputBytes: deps.settings.limits.max_output_bytes,
          wallMs: timeouts.wall_seconds * 1000,
          noOutputMs: timeouts.no_output_seconds * 1000,
          graceMs: timeouts.grace_seconds * 1000,
          progressEveryMs: 5000,
          onProgress: progress(attempt),
          onMetrics: (m) => deps.onMetrics?.(run.runId, m),
          gated: true,
        });
      } catch (err) {
        violation(unsafe, attempt);
        failed(attempt, 'launch-error', null, null, 0, redactText(`could not start ${redactArgv(argv, deps.settings.secrets.record).join(' ')}: ${(err as Error).message}`));
        return;
      }
      const h = handle;
      violation(unsafe, attempt);
      emit(
        makeEvent(
          'RunStarted',
          {
            runId: run.runId,
            attempt,
            launcher: 'local',
            argv: redactArgv(argv, deps.settings.secrets.record),
            cwd,
            pid: h.pid,
            pidStartTime: h.pidStartTime,
            seed,
            logPath: deps.paths.log(run.runId),
            exitFile,
            logOffset: h.logOffset,
            env: redactEnv(trainerOwnEnvOf(deps, run.runId, attempt), deps.settings.secrets.record),
            ...slotOfRun(deps, run.runId),
            containment: h.containment,
          },
          session,
          deps.now(),
        ),
      );
      // RunStarted is durable now (appended before the machine saw it): let the trainer start.
      h.go();
      void h.result.then((r) => settle(attempt, r));
    }
  });
}
