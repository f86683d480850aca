/** `autopilot audit RUN`: the decision chain of one run, read from the log alone (its run's and session's streams; read-only). */
import { missingRunMessage, normalizeRunId } from '../projections/audit/fold.js';
import { auditRunFromStreams } from '../orchestrator/audit-streams.js';
import { renderAudit } from '../projections/audit/render.js';
import { printJson, printText } from '../orchestrator/console.js';
import { openReader } from './open-store.js';
import type { CliIo } from './io.js';
import { AutopilotError, EXIT } from '../domain/errors.js';

/** Runs `audit`; returns the exit code (1 when the log holds no such run). */
export function auditCommand(runArg: string, o: { workspace: string; json?: boolean }, io: CliIo): number {
  const runId = normalizeRunId(runArg);
  const { store } = openReader(o.workspace);
  if (!store) throw new AutopilotError('not-found', missingRunMessage(runId, []));
  let found;
  try {
    found = auditRunFromStreams(store, runId);
  } finally {
    store.close();
  }
  if (!found.found) throw new AutopilotError('not-found', missingRunMessage(runId, found.runIds));
  if (o.json) printJson(found.audit, io.out);
  else printText(renderAudit(found.audit), io.out);
  return EXIT.ok;
}
