/** `autopilot export --out FILE.jsonl`: the whole log as JSON lines, verbatim, through a read-only connection. */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { GENESIS_HASH } from '../adapters/store/hash.js';
import { formatStoredRow } from '../adapters/store/jsonl.js';
import { workspaceBlobs } from '../adapters/blob-files.js';
import { BlobError, blobRefOfText, type BlobStore } from '../events/blobs.js';
import { readStoredRows, type StoredRow } from '../adapters/store/sqlite-store.js';
import { assertWorkspace, workspacePaths } from '../adapters/workspace.js';
import { printJson, printLine } from '../orchestrator/console.js';
import { AutopilotError, EXIT } from '../domain/errors.js';
import type { CliIo } from './io.js';

/** Characters buffered before a write to the output file. */
const FLUSH_CHARS = 256 * 1024;

/** The verified content of the blob a row refers to, as canonical JSON text (undefined for a row without one). */
function blobOf(row: StoredRow, blobs: BlobStore): string | undefined {
  let ref;
  try {
    ref = blobRefOfText(row.dataJson);
  } catch (e) {
    throw new TypeError(`seq ${row.seq}: ${(e as Error).message}`);
  }
  if (ref === null) return undefined;
  try {
    return blobs.get(ref);
  } catch (e) {
    if (e instanceof BlobError) throw new BlobError(e.blob, `${e.problem} (referenced by seq ${row.seq})`);
    throw e;
  }
}

/**
 * Runs `export`; returns the exit code. Streams every stored row (not upcast) in global order
 * into a temp file next to `out`, one line each, and renames it into place when complete, so a
 * failed export never leaves half a file. A row whose data is in a blob carries the blob's
 * content (checked against its sha256) under `blob`. Never blocks a running loop.
 */
export function exportCommand(o: { workspace: string; out: string; json?: boolean }, io: CliIo): number {
  const paths = workspacePaths(o.workspace);
  assertWorkspace(paths);
  if (!existsSync(paths.events)) throw new AutopilotError('no-log', `no event log at ${paths.events}`, { file: paths.events, hint: 'nothing to export' });
  const out = resolve(o.out);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  const blobs = workspaceBlobs(paths);
  const fd = openSync(tmp, 'w');
  let events = 0;
  let lastSeq = 0;
  let headHash = GENESIS_HASH;
  try {
    let chunk = '';
    for (const row of readStoredRows(paths.events)) {
      chunk += `${formatStoredRow(row, blobOf(row, blobs))}\n`;
      events += 1;
      lastSeq = row.seq;
      headHash = row.hash;
      if (chunk.length >= FLUSH_CHARS) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    if (chunk !== '') writeSync(fd, chunk);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    if (e instanceof TypeError || e instanceof BlobError)
      throw new AutopilotError('corrupt-event', `cannot export ${paths.events}: ${e.message}`, { file: paths.events, hint: 'run autopilot verify', cause: e });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, out);
  if (o.json) printJson({ out, events, lastSeq, headHash }, io.out);
  else printLine(`exported ${events} event(s) to ${out}, head ${headHash.slice(0, 12)}`, io.out);
  return EXIT.ok;
}
