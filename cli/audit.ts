/** `autopilot audit RUN`: the decision chain of one run, read from the log alone (read-only). */
import { auditRun, missingRunMessage, normalizeRunId, renderAudit } from '../projections/audit.js';
import { guarded, openReader } from './open-store.js';

/** Runs `audit`; returns the exit code (1 when the log holds no such run). */
export function auditCommand(runArg: string, o: { workspace: string; json?: boolean }): number {
  return guarded(() => {
    const runId = normalizeRunId(runArg);
    const { store } = openReader(o.workspace);
    if (!store) {
      process.stderr.write(`autopilot: ${missingRunMessage(runId, [])}\n`);
      return 1;
    }
    let found;
    try {
      found = auditRun(store.readAll(), runId);
    } finally {
      store.close();
    }
    if (!found.found) {
      process.stderr.write(`autopilot: ${missingRunMessage(runId, found.runIds)}\n`);
      return 1;
    }
    process.stdout.write(o.json ? `${JSON.stringify(found.audit)}\n` : renderAudit(found.audit));
    return 0;
  });
}
