/** `autopilot import FILE.jsonl`: load an exported log into a workspace without history, then rebuild its projections. */
import { existsSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { acquireLock } from '../adapters/lock.js';
import { workspaceBlobs } from '../adapters/blob-files.js';
import { catalogueCodec } from '../events/catalogue.js';
import { importJsonl, LogNotEmptyError, readLines, type ImportResult } from '../adapters/store/import.js';
import { JsonlError } from '../adapters/store/jsonl.js';
import { openSqliteStore } from '../adapters/store/sqlite-store.js';
import { assertWorkspace, workspacePaths } from '../adapters/workspace.js';
import { rebuildProjections } from '../adapters/projection-rebuild.js';
import { printJson, printLine } from '../orchestrator/console.js';
import { AutopilotError, EXIT, UsageError } from '../domain/errors.js';
import type { CliIo } from './io.js';

/**
 * Runs `import`; returns 0 when imported, or throws an AutopilotError: exit 1 refused (log not empty,
 * workspace locked, a line failed its checks — nothing is written then), exit 2 bad usage (no such file, not a workspace).
 */
export function importCommand(file: string, o: { workspace: string; json?: boolean }, io: CliIo): number {
  const paths = workspacePaths(o.workspace);
  assertWorkspace(paths);
  const source = resolve(file);
  if (!existsSync(source) || !statSync(source).isFile()) throw new UsageError(`no such file ${source}`, { file: source });
  const lock = acquireLock(paths.lock);
  try {
    const created = !existsSync(paths.events);
    const blobsCreated = !existsSync(paths.blobs);
    const blobs = workspaceBlobs(paths);
    const store = openSqliteStore(paths.events, catalogueCodec, { blobs });
    let result: ImportResult;
    let files: string[];
    try {
      try {
        result = importJsonl(store.db, readLines(source), catalogueCodec, { blobs });
      } catch (e) {
        if (e instanceof LogNotEmptyError) throw new AutopilotError('log-not-empty', `cannot import into ${paths.root}: ${e.message}`, { file: paths.events, cause: e });
        if (e instanceof JsonlError) {
          if (created) removeLog(store, paths.events);
          // Blobs of the lines before the bad one: the folder goes too when this import made it.
          if (blobsCreated) rmSync(paths.blobs, { recursive: true, force: true });
          throw new AutopilotError('jsonl', `${source}: ${e.message}`, { file: source, hint: 'nothing was imported', cause: e });
        }
        throw e;
      }
      files = rebuildProjections(paths.root, store).files;
    } finally {
      store.close();
    }
    if (o.json) printJson({ ...result, files: files.length }, io.out);
    else
      printLine(
        `imported ${result.events} event(s) in ${result.streams} stream(s) from ${source}, head ${result.headHash.slice(0, 12)}; ` + `rebuilt ${files.length} projection file(s)`,
        io.out,
      );
    return EXIT.ok;
  } finally {
    lock.release();
  }
}

/** Removes a log this command created, so a refused import leaves the workspace as it found it. */
function removeLog(store: { close(): void }, path: string): void {
  store.close();
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}
