/** `autopilot verify`: walk the hash chain and per-stream versions. */
import { existsSync } from 'node:fs';
import { workspaceBlobs } from '../adapters/blob-files.js';
import type { BlobStore } from '../events/blobs.js';
import { catalogueCodec } from '../events/catalogue.js';
import { openSqliteStore } from '../events/sqlite-store.js';
import { verifyLog } from '../events/verify.js';
import { reevaluateVerdicts, type ReevaluationReport } from '../projections/reevaluate.js';
import { assertWorkspace, workspacePaths } from '../orchestrator/workspace.js';
import { guarded } from './open-store.js';

/** Runs `verify`; returns the exit code. With `verdicts`, also recomputes every verdict from the log. */
export function verifyCommand(o: { workspace: string; json?: boolean; verdicts?: boolean }): number {
  return guarded(() => {
    const paths = workspacePaths(o.workspace);
    assertWorkspace(paths);
    if (!existsSync(paths.events)) {
      process.stderr.write(`autopilot: no event log at ${paths.events}\n`);
      return 1;
    }
    const blobs = workspaceBlobs(paths);
    const r = verifyLog(paths.events, { blobs });
    // Verdicts are recomputed only from a log whose chain holds: a broken one is not evidence.
    const v = o.verdicts && r.ok ? reevaluateLog(paths.events, blobs) : null;
    if (o.json) process.stdout.write(`${JSON.stringify(v ? { ...r, verdicts: v } : r)}\n`);
    else {
      if (r.ok) process.stdout.write(`ok: ${r.events} event(s) in ${r.streams} stream(s), chain intact, head ${r.headHash.slice(0, 12)}\n`);
      else process.stdout.write(`BROKEN at seq ${r.firstBadSeq}: ${r.reason}\n`);
      if (v) {
        const skipped = v.skipped ? `, ${v.skipped} recorded by an older method skipped` : '';
        if (v.mismatches.length === 0) process.stdout.write(`ok: ${v.checked} verdict(s) recomputed from the log, bit for bit as recorded${skipped}\n`);
        for (const m of v.mismatches) process.stdout.write(`VERDICT MISMATCH at seq ${m.seq} (run ${m.runId}): ${m.why}\n`);
      }
    }
    return r.ok && (!v || v.mismatches.length === 0) ? 0 : 1;
  });
}

function reevaluateLog(path: string, blobs: BlobStore): ReevaluationReport {
  const store = openSqliteStore(path, catalogueCodec, { readonly: true, blobs });
  try {
    return reevaluateVerdicts(store.readAll());
  } finally {
    store.close();
  }
}
