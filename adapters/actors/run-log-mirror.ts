/**
 * An attempt's end, before its outcome is recorded: `runs/<id>/metrics.jsonl` rewritten from the
 * run's log, and the tracker run address the attempt printed recorded (TrackerRunLinked, once per
 * attempt: a reattached attempt that ends again does not record it twice).
 */
import { trackerOriginsOf } from '../../domain/trainer-io/tracker-origins.js';
import type { AutopilotEvent } from '../../events/catalogue.js';
import type { UnsafeEntry } from '../fs/confined.js';
import { makeEvent, type LoopDeps } from './deps.js';
import { scanRunLog } from './run-log-scan.js';

/** Mirrors run `runId`'s metric lines and records attempt `attempt`'s tracker address, if it printed one. */
export function mirrorRunLog(
  deps: LoopDeps,
  runId: string,
  attempt: number,
  session: string,
  emit: (e: AutopilotEvent) => void,
  violation: (unsafe: UnsafeEntry[], attempt: number) => void,
): void {
  const launches = deps.history().runs.get(runId)?.launches ?? [];
  const starts = launches.flatMap((l) => (l.logOffset === undefined ? [] : [{ attempt: l.attempt, logOffset: l.logOffset }]));
  const scan = scanRunLog(deps.paths.root, deps.paths.log(runId), deps.paths.runDir(runId), starts, attempt, trackerOriginsOf(deps.settings));
  violation(scan.unsafe, attempt);
  const known = launches.find((l) => l.attempt === attempt)?.tracker;
  if (scan.link && !known) emit(makeEvent('TrackerRunLinked', { runId, attempt, ...scan.link }, session, deps.now()));
}
