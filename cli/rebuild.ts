/** `autopilot rebuild`: render every projection again from the log and make the workspace's files match it. */
import { existsSync } from 'node:fs';
import { acquireLock, LockHeldError } from '../adapters/lock.js';
import { workspaceBlobs } from '../adapters/blob-files.js';
import { catalogueCodec } from '../events/catalogue.js';
import { openSqliteStore } from '../events/sqlite-store.js';
import { assertWorkspace, workspacePaths } from '../orchestrator/workspace.js';
import { rebuildProjections } from '../projections/writer.js';
import { guarded } from './open-store.js';

/** Runs `rebuild`; returns the exit code. */
export function rebuildCommand(o: { workspace: string; json?: boolean }): number {
  return guarded(() => {
    const paths = workspacePaths(o.workspace);
    assertWorkspace(paths);
    if (!existsSync(paths.events)) {
      process.stderr.write(`autopilot: no event log at ${paths.events}; nothing to rebuild\n`);
      return 1;
    }
    let lock;
    try {
      lock = acquireLock(paths.lock);
    } catch (e) {
      if (e instanceof LockHeldError) {
        process.stderr.write(`autopilot: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
    const store = openSqliteStore(paths.events, catalogueCodec, { blobs: workspaceBlobs(paths) });
    try {
      const r = rebuildProjections(paths.root, store);
      const last = store.lastSeq();
      if (o.json)
        process.stdout.write(`${JSON.stringify({ files: r.files.length, written: r.written.length, removed: r.removed.length, lastSeq: last })}\n`);
      else
        process.stdout.write(
          `rebuilt ${r.files.length} projection file(s) from ${last} event(s): ` +
            `${r.written.length} rewritten (missing or different), ${r.removed.length} removed, the rest already matched\n`,
        );
      return 0;
    } finally {
      store.close();
      lock.release();
    }
  });
}
