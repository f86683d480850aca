/** `autopilot verify`: walk the hash chain and per-stream versions, and check the anchors kept outside the log. */
import { existsSync } from 'node:fs';
import { workspaceBlobs } from '../adapters/blob-files.js';
import type { GivenAnchor } from '../events/anchor.js';
import type { BlobStore } from '../events/blobs.js';
import { catalogueCodec } from '../events/catalogue.js';
import { openSqliteStore } from '../adapters/store/sqlite-store.js';
import { verifyLog } from '../adapters/store/verify.js';
import { reevaluateVerdicts, type ReevaluationReport } from '../projections/reevaluate.js';
import { assertWorkspace, workspacePaths } from '../adapters/workspace.js';
import { printJson, printLine } from '../orchestrator/console.js';
import { anchorReportLines, prepareAnchorCheck } from './verify-anchor.js';
import { AutopilotError } from '../domain/errors.js';
import type { CliIo } from './io.js';

/**
 * Runs `verify`; returns the exit code. With `verdicts`, also recomputes every verdict from the log.
 * Checks `journal/anchor` when present, and every head hash in `anchors` (`--anchor`).
 */
export function verifyCommand(o: { workspace: string; json?: boolean; verdicts?: boolean; anchors?: GivenAnchor[] }, io: CliIo): number {
  const paths = workspacePaths(o.workspace);
  assertWorkspace(paths);
  if (!existsSync(paths.events)) throw new AutopilotError('no-log', `no event log at ${paths.events}`, { file: paths.events });
  // The anchor file is read before the walk starts (see prepareAnchorCheck).
  const anchors = prepareAnchorCheck(paths.root, o.anchors ?? []);
  const blobs = workspaceBlobs(paths);
  const r = verifyLog(paths.events, { onRow: anchors.onRow, blobs });
  const a = anchors.check(r);
  // Verdicts are recomputed only from a log whose chain holds: a broken one is not evidence.
  const v = o.verdicts && r.ok ? reevaluateLog(paths.events, blobs) : null;
  if (o.json) printJson({ ...r, anchor: a, ...(v ? { verdicts: v } : {}) }, io.out);
  else {
    if (r.ok) printLine(`ok: ${r.events} event(s) in ${r.streams} stream(s), chain intact, head ${r.headHash.slice(0, 12)}`, io.out);
    else printLine(`BROKEN at seq ${r.firstBadSeq}: ${r.reason}`, io.out);
    for (const line of anchorReportLines(a, r)) printLine(line, io.out);
    if (v) {
      const skipped = v.skipped ? `, ${v.skipped} recorded by an older method skipped` : '';
      if (v.mismatches.length === 0) printLine(`ok: ${v.checked} verdict(s) recomputed from the log, bit for bit as recorded${skipped}`, io.out);
      for (const m of v.mismatches) printLine(`VERDICT MISMATCH at seq ${m.seq} (run ${m.runId}): ${m.why}`, io.out);
    }
  }
  return r.ok && a.ok && (!v || v.mismatches.length === 0) ? 0 : 1;
}

function reevaluateLog(path: string, blobs: BlobStore): ReevaluationReport {
  const store = openSqliteStore(path, catalogueCodec, { readonly: true, blobs });
  try {
    return reevaluateVerdicts(store.readAll());
  } finally {
    store.close();
  }
}
