/**
 * Runs one checkpoint's evaluator, in its own folder under `logs/` (summary, log, exit record): as a
 * real child process through the local launcher (supervisor, containment, timeouts), or, when the
 * workspace's launcher is a cluster's, as one job of it (run-target-cluster.ts). Either way its end
 * is read as a trainer's (target-result.ts).
 */
import { join } from 'node:path';
import { launchLocal, type LaunchResult } from '../launcher/local.js';
import { inWorkspace } from '../workspace.js';
import type { PlannedTarget } from './plan.js';
import { targetFailure, targetOutcome, type TargetOutcome } from './target-result.js';
import { evaluatorEnv, evaluatorFolder, type TargetContext } from './target-context.js';
import { runClusterTarget } from './run-target-cluster.js';

export type { TargetOutcome } from './target-result.js';
export type { TargetContext } from './target-context.js';

/** Runs the evaluator of `t` and reads what it reported. */
export async function runTarget(t: PlannedTarget, c: TargetContext): Promise<TargetOutcome> {
  if (c.cluster) return runClusterTarget(t, c, c.cluster);
  const ev = c.settings.evaluation;
  const { rel, dir } = evaluatorFolder(c);
  const rc = { root: c.paths.root, settings: c.settings, episodes: c.episodes };
  let result: LaunchResult;
  try {
    const handle = launchLocal({
      argv: t.argv,
      cwd: inWorkspace(c.paths, c.settings.trainer.cwd),
      env: evaluatorEnv(t, c, dir),
      root: c.paths.root,
      logFile: join(dir, 'eval.log'),
      exitFile: join(dir, 'exit.json'),
      containment: c.containment,
      maxOutputBytes: c.settings.limits.max_output_bytes,
      wallMs: ev.wall_seconds * 1000,
      noOutputMs: ev.no_output_seconds * 1000,
      graceMs: ev.grace_seconds * 1000,
      gated: true,
    });
    c.onHandle?.(() => handle.stop('killed'));
    // On record before it runs: a loop restarted after a crash finds it and stops it.
    c.onStarted({ target: t.target.spec, index: c.index, pid: handle.pid, pidStartTime: handle.pidStartTime, containment: handle.containment });
    handle.go();
    result = await handle.result;
  } catch (e) {
    return targetFailure(t, rc, 'cannot-start', `could not start ${t.argv[0]}: ${(e as Error).message}`);
  }
  return targetOutcome(t, rc, result, rel);
}
