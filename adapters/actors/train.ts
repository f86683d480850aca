/**
 * The train actor: launches the trainer for the run's accepted config, reports its start, progress
 * and outcome. Restarted after a crash with a launch in flight, it records that launch as orphaned
 * (killing whatever is left of it) so nothing runs twice unrecorded.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromCallback, type EventObject } from 'xstate';
import type { AutopilotEvent } from '../../events/catalogue.js';
import { getPath } from '../../domain/config.js';
import { parseTrainerSummary } from '../../domain/trainer-summary.js';
import type { TrainInput } from '../../machines/loop.machine.js';
import { inWorkspace, PROJECT_ROOT } from '../../orchestrator/workspace.js';
import { launchLocal, type LaunchHandle } from '../launcher/local.js';
import { groupAlive, processStartTime, terminateGroup } from '../launcher/process-group.js';
import { makeEvent, type LoopDeps } from './deps.js';

/** The environment the trainer gets: ours, the settings' extras, and the run's PUFFER_AUTOPILOT_* variables. */
export function trainerEnv(deps: LoopDeps, runId: string): Record<string, string> {
  const runDir = deps.paths.runDir(runId);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return {
    ...env,
    ...deps.settings.trainer.env,
    AUTOPILOT_HOME: PROJECT_ROOT,
    AUTOPILOT_NODE: process.execPath,
    AUTOPILOT_WORKSPACE: deps.paths.root,
    PUFFER_AUTOPILOT_RUN_ID: runId,
    PUFFER_AUTOPILOT_RUN_DIR: runDir,
    PUFFER_AUTOPILOT_SUMMARY: join(runDir, 'trainer_summary.json'),
  };
}

/** Creates the `train` actor. */
export function trainActor(deps: LoopDeps) {
  return fromCallback<EventObject, TrainInput>(({ input, sendBack, receive }) => {
    const { run, session } = input;
    const emit = (e: AutopilotEvent) => sendBack(e);
    let handle: LaunchHandle | null = null;
    let cancelled = false;
    receive((event) => {
      if ((event as AutopilotEvent).type === 'StopRequested') handle?.stop('killed');
    });

    if (run.started) {
      // The orchestrator died during this launch: whatever is left of it is killed and the launch recorded.
      const { pid, pidStartTime, attempt } = run.started;
      const same = pidStartTime !== null && processStartTime(pid) === pidStartTime;
      void (async () => {
        if (same && groupAlive(pid)) await terminateGroup(pid, deps.settings.timeouts[input.mode].grace_seconds * 1000);
        if (cancelled) return;
        emit(
          makeEvent(
            'RunFailed',
            {
              runId: run.runId,
              attempt,
              reason: 'orphaned',
              exitCode: null,
              signal: null,
              durationMs: Math.max(0, deps.now().getTime() - Date.parse(run.started!.at)),
              message: `the orchestrator stopped while attempt ${attempt} (pid ${pid}) was running; ${same ? 'its process group was killed' : 'it was no longer alive'}`,
            },
            session,
            deps.now(),
          ),
        );
      })();
      return () => {
        cancelled = true;
      };
    }

    const attempt = run.attempt + 1;
    const config = run.accepted?.config;
    if (!config) throw new Error(`run ${run.runId} has no accepted config`);
    const timeouts = deps.settings.timeouts[input.mode];
    // Relative paths in the command resolve against the trainer's cwd (the workspace by default); no shell is involved.
    const argv = [...deps.settings.trainer.command];
    const cwd = inWorkspace(deps.paths, deps.settings.trainer.cwd);
    const runDir = deps.paths.runDir(run.runId);
    const summaryPath = join(runDir, 'trainer_summary.json');
    const seedValue = getPath(config, 'train.seed');
    const seed = typeof seedValue === 'number' && Number.isInteger(seedValue) ? seedValue : null;

    // The proposal file is archived by projection (proposals/run_N.json) and cleared when the run starts.
    if (existsSync(deps.paths.nextConfig)) writeFileSync(deps.paths.nextConfig, '{}\n');
    // A stale summary from an earlier attempt must not be read as this attempt's result.
    if (existsSync(summaryPath)) writeFileSync(summaryPath, '');

    const failed = (reason: 'timeout' | 'hung' | 'crashed' | 'killed' | 'no-summary' | 'launch-error', exitCode: number | null, signal: string | null, durationMs: number, message: string) =>
      emit(makeEvent('RunFailed', { runId: run.runId, attempt, reason, exitCode, signal, durationMs, message }, session, deps.now()));

    try {
      handle = launchLocal({
        argv,
        cwd,
        env: trainerEnv(deps, run.runId),
        logFiles: [deps.paths.log(run.runId), join(runDir, 'train.log')],
        wallMs: timeouts.wall_seconds * 1000,
        noOutputMs: timeouts.no_output_seconds * 1000,
        graceMs: timeouts.grace_seconds * 1000,
        progressEveryMs: 5000,
        onProgress: (metrics) => emit(makeEvent('RunProgress', { runId: run.runId, attempt, metrics }, session, deps.now())),
      });
    } catch (err) {
      failed('launch-error', null, null, 0, `could not start ${argv.join(' ')}: ${(err as Error).message}`);
      return;
    }
    const h = handle;
    emit(
      makeEvent(
        'RunStarted',
        { runId: run.runId, attempt, launcher: 'local', argv, cwd, pid: h.pid, pidStartTime: h.pidStartTime, seed, logPath: deps.paths.log(run.runId) },
        session,
        deps.now(),
      ),
    );
    void h.result.then((r) => {
      if (cancelled) return;
      if (r.stoppedFor) {
        const why = r.stoppedFor === 'timeout' ? `wall-clock limit of ${timeouts.wall_seconds}s reached` : r.stoppedFor === 'hung' ? `no output for ${timeouts.no_output_seconds}s` : 'stopped by request';
        return failed(r.stoppedFor, r.exitCode, r.signal, r.durationMs, why);
      }
      if (r.exitCode !== 0) return failed('crashed', r.exitCode, r.signal, r.durationMs, `trainer exited with ${r.signal ?? `code ${r.exitCode}`}; see ${deps.paths.log(run.runId)}`);
      const text = existsSync(summaryPath) ? readFileSync(summaryPath, 'utf8') : '';
      const parsed = text ? parseTrainerSummary(text) : { ok: false as const, problem: 'missing' };
      if (parsed.ok) {
        return emit(
          makeEvent(
            'RunFinished',
            { runId: run.runId, attempt, exitCode: 0, durationMs: r.durationMs, summarySource: 'summary', metrics: parsed.summary.metrics, samples: parsed.summary.samples ?? {} },
            session,
            deps.now(),
          ),
        );
      }
      if (r.lastMetrics)
        return emit(
          makeEvent(
            'RunFinished',
            { runId: run.runId, attempt, exitCode: 0, durationMs: r.durationMs, summarySource: 'log', metrics: r.lastMetrics, samples: {} },
            session,
            deps.now(),
          ),
        );
      return failed('no-summary', 0, null, r.durationMs, `no usable trainer_summary.json (${parsed.problem}) and no metric lines in the log`);
    });
    return () => {
      // The loop left this state (stop or shutdown): the trainer must not outlive it unrecorded.
      cancelled = true;
      h.stop('killed');
    };
  });
}
