/**
 * A run's audit read from its own streams instead of the whole log: every event that names the
 * run is in `run-<id>`, and every session event the audit shows (the session's start, stops,
 * halts, takeovers, accepted inputs, violations of no run) is in `session-<s>` of the session that
 * planned it. Merged in log order, they fold (`projections/audit/fold.ts`) to the audit
 * `autopilot audit RUN --json` prints from the full log.
 */
import type { SqliteEventStore } from '../../adapters/store/sqlite-store.js';
import type { AutopilotEvent } from '../../events/catalogue.js';
import type { StoredEvent } from '../../events/store.js';
import { auditRun } from '../../projections/audit/fold.js';
import { renderAudit } from '../../projections/audit/render.js';
import type { RunAudit } from '../../projections/audit/steps.js';

/** `GET /api/runs/:id/audit`: the audit as `audit RUN --json` prints it, and as its text prints it. */
export interface AuditResponse {
  runId: string;
  audit: RunAudit;
  /** The text `autopilot audit RUN` prints. */
  text: string;
}

/** The events the audit of `runId` reads, in log order (none when the log holds no such run). */
export function auditEvents(store: SqliteEventStore<AutopilotEvent>, runId: string): StoredEvent<AutopilotEvent>[] {
  const run = store.readStream(`run-${runId}`);
  const planned = run.find((s) => s.event.type === 'RunPlanned');
  if (!planned) return [];
  const session = store.readStream(`session-${planned.event.metadata.session}`);
  return [...run, ...session].sort((a, b) => a.seq - b.seq);
}

/** The audit of `runId`, or null when the log holds no such run. */
export function auditOf(store: SqliteEventStore<AutopilotEvent>, runId: string): AuditResponse | null {
  const found = auditRun(auditEvents(store, runId), runId);
  return found.found ? { runId, audit: found.audit, text: renderAudit(found.audit) } : null;
}
