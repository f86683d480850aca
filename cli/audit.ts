/** `autopilot audit RUN`: the decision chain of one run, read from the log alone (read-only). */
import { auditRun, missingRunMessage, normalizeRunId, renderAudit } from '../projections/audit.js';
import { printError, printJson, printText } from '../orchestrator/console.js';
import { guarded, openReader } from './open-store.js';

/** Runs `audit`; returns the exit code (1 when the log holds no such run). */
export function auditCommand(runArg: string, o: { workspace: string; json?: boolean }): number {
  return guarded(() => {
    const runId = normalizeRunId(runArg);
    const { store } = openReader(o.workspace);
    if (!store) {
      printError(`autopilot: ${missingRunMessage(runId, [])}`);
      return 1;
    }
    let found;
    try {
      found = auditRun(store.readAll(), runId);
    } finally {
      store.close();
    }
    if (!found.found) {
      printError(`autopilot: ${missingRunMessage(runId, found.runIds)}`);
      return 1;
    }
    if (o.json) printJson(found.audit);
    else printText(renderAudit(found.audit));
    return 0;
  });
}
