/** `autopilot rebuild`: render every projection again from the log and make the workspace's files match it. */
import { existsSync } from 'node:fs';
import { acquireLock } from '../adapters/lock.js';
import { workspaceBlobs } from '../adapters/blob-files.js';
import { catalogueCodec } from '../events/catalogue.js';
import { openSqliteStore } from '../adapters/store/sqlite-store.js';
import { assertWorkspace, workspacePaths } from '../adapters/workspace.js';
import { rebuildProjections } from '../adapters/projection-rebuild.js';
import { printJson, printLine } from '../orchestrator/console.js';
import { AutopilotError, EXIT, prefixed } from '../domain/errors.js';
import type { CliIo } from './io.js';

/** Runs `rebuild`; returns the exit code. */
export function rebuildCommand(o: { workspace: string; json?: boolean }, io: CliIo): number {
  const paths = workspacePaths(o.workspace);
  assertWorkspace(paths);
  if (!existsSync(paths.events)) throw new AutopilotError('no-log', `no event log at ${paths.events}`, { file: paths.events, hint: 'nothing to rebuild' });
  const lock = acquireLock(paths.lock);
  const store = openSqliteStore(paths.events, catalogueCodec, { blobs: workspaceBlobs(paths) });
  try {
    const r = rebuildProjections(paths.root, store);
    const last = store.lastSeq();
    // Links or FIFOs where projection files go were removed, never followed: say so.
    for (const u of r.unsafe) io.err.write(`${prefixed(`${u.path} was a ${u.kind}${u.target !== undefined ? ` (-> ${u.target})` : ''} where a projection goes; removed, not followed`)}\n`);
    if (o.json) printJson({ files: r.files.length, written: r.written.length, removed: r.removed.length, unsafe: r.unsafe, lastSeq: last }, io.out);
    else
      printLine(
        `rebuilt ${r.files.length} projection file(s) from ${last} event(s): ` +
          `${r.written.length} rewritten (missing or different), ${r.removed.length} removed, the rest already matched`,
        io.out,
      );
    return EXIT.ok;
  } finally {
    store.close();
    lock.release();
  }
}
