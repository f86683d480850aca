/**
 * After a loop died during an agent step: its snapshot of the workspace died with it, so what the
 * agent changed cannot be put back. What can still be said is which entries changed while the
 * attempt ran (by ctime), outside what the attempt and the loop may write; the bound inputs are
 * put back separately (resume-inputs.ts).
 */
import type { DataOf } from '../events/catalogue.js';
import type { StoppedAgent } from '../adapters/actors/deps.js';
import { changedSince } from '../adapters/fs/changed-since.js';
import { invocationFiles } from '../adapters/proposers/agent-run.js';
import { TEMP } from '../adapters/projection-cleanup.js';
import { isLiveFile } from '../adapters/live-inspect.js';

/** What the loop itself writes while an agent step runs (its log, lock, projections, anchor, blobs; and its live stream, see isLiveFile). */
const LOOP_WRITES = /^(events\.db(-wal|-shm|-journal)?|autopilot\.lock(\.db(-journal)?)?|STOP|journal|blobs|runs\/best\.json|models\/(latest|best)\.json)$/;

/**
 * A `GuardrailViolation` (detected, not reverted) naming what changed in the workspace since the
 * interrupted attempt started, other than `allowed` (allowed paths and bound inputs); null when nothing did.
 */
export function interruptedStepTrace(root: string, stopped: StoppedAgent, allowed: readonly string[]): DataOf<'GuardrailViolation'> | null {
  const own = new Set(Object.values(invocationFiles(stopped.runId, stopped.attempt)));
  const skip = (rel: string) => LOOP_WRITES.test(rel) || isLiveFile(rel) || TEMP.test(rel) || own.has(rel) || allowed.includes(rel);
  const { entries, more } = changedSince(root, Date.parse(stopped.startedAt), skip);
  if (entries.length === 0) return null;
  const note = 'changed while the interrupted attempt ran; not put back: its snapshot of the workspace did not survive the loop';
  const paths = entries.map((e) => ({ path: e.path, change: e.created ? ('created' as const) : ('modified' as const), restored: false, kind: e.kind, note }));
  if (more > 0) paths[paths.length - 1]!.note = `${note} (and ${more} more entries not listed)`;
  return { runId: stopped.runId, attempt: stopped.attempt, proposer: stopped.proposer, source: 'proposer', paths, action: 'detected' };
}
