/** Stopping what is left of a launch a crashed orchestrator had recorded (an agent's, an evaluator's). */
import type { Containment } from '../../events/catalogue.js';
import { attachLocal } from './local.js';
import { processAlive, processStartTime } from './process-group.js';

/** A launch as its start event recorded it. */
export interface RecordedLaunch {
  /** Its supervisor's pid (also its process group's id). */
  pid: number;
  pidStartTime: string | null;
  containment: Containment;
}

/**
 * Stops every process of the recorded launch (its supervisor ends what it started, its containment
 * what escaped) and waits until nothing of it runs. Returns whether it was still running. `logFile`
 * and `exitFile` are the launch's own (absolute).
 */
export async function stopRecordedLaunch(root: string, launch: RecordedLaunch, files: { logFile: string; exitFile: string }): Promise<boolean> {
  const alive = launch.pidStartTime !== null && processStartTime(launch.pid) === launch.pidStartTime && processAlive(launch.pid);
  const handle = attachLocal({
    root,
    ...files,
    pid: launch.pid,
    // A recycled pid is not ours: then only the recorded containment (a cgroup) is ended.
    pidStartTime: alive ? launch.pidStartTime : 'gone',
    logOffset: 0,
    startedAtMs: Date.now(),
    wallMs: Number.MAX_SAFE_INTEGER,
    noOutputMs: Number.MAX_SAFE_INTEGER,
    graceMs: 5000,
    containment: launch.containment,
  });
  if (alive) handle.stop('killed');
  await handle.result;
  return alive;
}
