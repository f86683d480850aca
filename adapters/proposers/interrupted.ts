/** Stopping what is left of an agent attempt a crashed orchestrator had started. */
import { join } from 'node:path';
import type { DataOf } from '../../events/catalogue.js';
import { attachLocal } from '../launcher/local.js';
import { processAlive, processStartTime } from '../launcher/process-group.js';
import { invocationFiles } from './agent-run.js';

/**
 * Stops every process of the recorded agent attempt (its supervisor ends what it started, its
 * containment what escaped) and waits until nothing of it runs. Returns whether it was still running.
 */
export async function stopInterrupted(root: string, p: DataOf<'ProposerStarted'>): Promise<boolean> {
  const alive = p.pidStartTime !== null && processStartTime(p.pid) === p.pidStartTime && processAlive(p.pid);
  const files = invocationFiles(p.runId, p.attempt);
  const handle = attachLocal({
    root,
    logFile: join(root, files.log),
    exitFile: join(root, files.exit),
    pid: p.pid,
    // A recycled pid is not ours: then only the recorded containment (a cgroup) is ended.
    pidStartTime: alive ? p.pidStartTime : 'gone',
    logOffset: 0,
    startedAtMs: Date.now(),
    wallMs: Number.MAX_SAFE_INTEGER,
    noOutputMs: Number.MAX_SAFE_INTEGER,
    graceMs: 5000,
    containment: p.containment,
  });
  if (alive) handle.stop('killed');
  await handle.result;
  return alive;
}
