/** Read-only access to a workspace's log for the reporting commands (never blocks a running loop). */
import { existsSync } from 'node:fs';
import { workspaceBlobs } from '../adapters/blob-files.js';
import { catalogueCodec, type AutopilotEvent } from '../events/catalogue.js';
import { openSqliteStore, type SqliteEventStore } from '../adapters/store/sqlite-store.js';
import { assertWorkspace, workspacePaths, type WorkspacePaths } from '../adapters/workspace.js';

/** Opens the workspace's log read-only (store null when there is none); throws a WorkspaceError (exit 2) for a directory that is not a workspace. */
export function openReader(workspace: string): { paths: WorkspacePaths; store: SqliteEventStore<AutopilotEvent> | null } {
  const paths = workspacePaths(workspace);
  assertWorkspace(paths);
  if (!existsSync(paths.events)) return { paths, store: null };
  return { paths, store: openSqliteStore(paths.events, catalogueCodec, { readonly: true, blobs: workspaceBlobs(paths) }) };
}
