/** `autopilot rebuild`: render every projection again from the log and make the workspace's files match it. */
import { existsSync } from 'node:fs';
import { acquireLock, LockHeldError } from '../adapters/lock.js';
import { workspaceBlobs } from '../adapters/blob-files.js';
import { catalogueCodec } from '../events/catalogue.js';
import { openSqliteStore } from '../events/sqlite-store.js';
import { assertWorkspace, workspacePaths } from '../orchestrator/workspace.js';
import { rebuildProjections } from '../adapters/projection-rebuild.js';
import { printError, printJson, printLine } from '../orchestrator/console.js';
import { guarded } from './open-store.js';

/** Runs `rebuild`; returns the exit code. */
export function rebuildCommand(o: { workspace: string; json?: boolean }): number {
  return guarded(() => {
    const paths = workspacePaths(o.workspace);
    assertWorkspace(paths);
    if (!existsSync(paths.events)) {
      printError(`autopilot: no event log at ${paths.events}; nothing to rebuild`);
      return 1;
    }
    let lock;
    try {
      lock = acquireLock(paths.lock);
    } catch (e) {
      if (e instanceof LockHeldError) {
        printError(`autopilot: ${e.message}`);
        return 1;
      }
      throw e;
    }
    const store = openSqliteStore(paths.events, catalogueCodec, { blobs: workspaceBlobs(paths) });
    try {
      const r = rebuildProjections(paths.root, store);
      const last = store.lastSeq();
      // Links or FIFOs where projection files go were removed, never followed: say so.
      for (const u of r.unsafe)
        process.stderr.write(`autopilot: ${u.path} was a ${u.kind}${u.target !== undefined ? ` (-> ${u.target})` : ''} where a projection goes; removed, not followed\n`);
      if (o.json)
        printJson({ files: r.files.length, written: r.written.length, removed: r.removed.length, unsafe: r.unsafe, lastSeq: last });
      else
        printLine(
          `rebuilt ${r.files.length} projection file(s) from ${last} event(s): ` +
            `${r.written.length} rewritten (missing or different), ${r.removed.length} removed, the rest already matched`,
        );
      return 0;
    } finally {
      store.close();
      lock.release();
    }
  });
}
