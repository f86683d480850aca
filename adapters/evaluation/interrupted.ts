/** Stopping the evaluators an interrupted evaluation left running (the loop's process died while they ran). */
import { join } from 'node:path';
import type { DataOf } from '../../events/catalogue.js';
import { attachLocal } from '../launcher/local.js';
import { processAlive, processStartTime } from '../launcher/process-group.js';

/**
 * Stops every process of the recorded evaluator (its supervisor ends what it started, its containment
 * what escaped) and waits until nothing of it runs. Returns whether it was still running.
 */
export async function stopInterruptedEvaluator(root: string, e: DataOf<'EvaluatorStarted'>): Promise<boolean> {
  const alive = e.pidStartTime !== null && processStartTime(e.pid) === e.pidStartTime && processAlive(e.pid);
  const dir = join(root, 'logs', 'eval', `${e.evaluationId}-${e.index}`);
  const handle = attachLocal({
    root,
    logFile: join(dir, 'eval.log'),
    exitFile: join(dir, 'exit.json'),
    pid: e.pid,
    // A recycled pid is not ours: then only the recorded containment (a cgroup) is ended.
    pidStartTime: alive ? e.pidStartTime : 'gone',
    logOffset: 0,
    startedAtMs: Date.now(),
    wallMs: Number.MAX_SAFE_INTEGER,
    noOutputMs: Number.MAX_SAFE_INTEGER,
    graceMs: 5000,
    containment: e.containment,
  });
  if (alive) handle.stop('killed');
  await handle.result;
  return alive;
}
