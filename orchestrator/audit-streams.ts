/**
 * `autopilot audit RUN` without reading the whole log: the audit fold (projections/audit/fold.ts)
 * needs the run's own events and its session's events, which are two streams of the log
 * (`run-<id>` and `session-<id>`, events/catalogue.ts `streamOf`), read by their index and merged
 * back into log order. The inspector's audit route uses it too.
 */
import type { AutopilotEvent } from '../events/catalogue.js';
import type { EventStore, StoredEvent } from '../events/store.js';
import { auditRun } from '../projections/audit/fold.js';
import type { AuditLookup } from '../projections/audit/steps.js';

/** The events of two streams (each in log order) merged into log order. */
export function* mergeBySeq<E extends StoredEvent<AutopilotEvent>>(a: readonly E[], b: readonly E[]): Generator<E> {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) yield a[i]!.seq < b[j]!.seq ? a[i++]! : b[j++]!;
  while (i < a.length) yield a[i++]!;
  while (j < b.length) yield b[j++]!;
}

/**
 * The audit of `runId`, the same as `auditRun(store.readAll(), runId)`: folded from the run's stream
 * and the stream of the session that planned it. A run the log does not hold is looked up in the
 * whole log, to name the runs it does hold.
 */
export function auditRunFromStreams(store: EventStore<AutopilotEvent>, runId: string): AuditLookup {
  const run = store.readStream(`run-${runId}`);
  const planned = run.find((s) => s.event.type === 'RunPlanned');
  if (!planned) return auditRun(store.readAll(), runId);
  const session = store.readStream(`session-${planned.event.metadata.session}`);
  return auditRun(mergeBySeq(run, session), runId);
}
