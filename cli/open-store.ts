/** Read-only access to a workspace's log for the reporting commands (never blocks a running loop). */
import { existsSync } from 'node:fs';
import { workspaceBlobs } from '../adapters/blob-files.js';
import { catalogueCodec, type AutopilotEvent } from '../events/catalogue.js';
import { openSqliteStore, type SqliteEventStore } from '../events/sqlite-store.js';
import { printError } from '../orchestrator/console.js';
import { assertWorkspace, WorkspaceError, workspacePaths, type WorkspacePaths } from '../orchestrator/workspace.js';

/** Opens the workspace's log read-only, or returns null (with a message printed) when there is none. */
export function openReader(workspace: string): { paths: WorkspacePaths; store: SqliteEventStore<AutopilotEvent> | null } {
  const paths = workspacePaths(workspace);
  assertWorkspace(paths);
  if (!existsSync(paths.events)) return { paths, store: null };
  return { paths, store: openSqliteStore(paths.events, catalogueCodec, { readonly: true, blobs: workspaceBlobs(paths) }) };
}

/** Runs a command body, turning workspace problems into exit code 2 with the message on stderr. */
export function guarded(body: () => number): number {
  try {
    return body();
  } catch (e) {
    if (e instanceof WorkspaceError) {
      printError(`autopilot: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
