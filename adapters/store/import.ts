/**
 * Importing an exported log (see `adapters/store/jsonl.ts`) into an empty event store, row for row: same
 * seqs, stream positions, timestamps and hashes, so the imported chain is the exported one.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type Database from 'better-sqlite3';
import { blobFileName, parseBlobRef, type BlobStore } from '../../events/blobs.js';
import { canonicalJson } from '../../events/canonical.js';
import { sha256Hex } from './hash.js';
import { BLOB_KEY, ChainChecker, JsonlError, checkedRows, type LogRow } from './jsonl.js';
import { describeDecodeError, type EventCodec, type EventEnvelope } from '../../events/store.js';
import { AutopilotError } from '../../domain/errors.js';

/** Bytes read per chunk by {@link readLines}. */
const CHUNK_BYTES = 64 * 1024;

/** Thrown when the target log already holds events: an import never merges into a history. */
export class LogNotEmptyError extends AutopilotError {
  override readonly name = 'LogNotEmptyError';

  constructor(
    readonly events: number,
    readonly streams: number,
  ) {
    super('log-not-empty', `the event log is not empty (${events} event(s) in ${streams} stream(s))`, { hint: 'import only into a workspace without history' });
  }
}

/** What {@link importJsonl} wrote. */
export interface ImportResult {
  events: number;
  streams: number;
  lastSeq: number;
  /** Hash of the last event (`GENESIS_HASH` for an empty file): equal to the source log's head. */
  headHash: string;
}

/**
 * The lines of a UTF-8 text file without their `\n`, read in chunks (constant memory whatever the
 * file's size). A last line without a newline is yielded too.
 */
export function* readLines(path: string): Generator<string, void, undefined> {
  const fd = openSync(path, 'r');
  try {
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.alloc(CHUNK_BYTES);
    let pending = '';
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      pending += decoder.write(buffer.subarray(0, n));
      let start = 0;
      for (let newline = pending.indexOf('\n'); newline !== -1; newline = pending.indexOf('\n', start)) {
        yield pending.slice(start, newline);
        start = newline + 1;
      }
      pending = pending.slice(start);
    }
    pending += decoder.end();
    if (pending !== '') yield pending;
  } finally {
    closeSync(fd);
  }
}

interface StreamSpan {
  position: number;
  created: string;
  updated: string;
}

/**
 * Inserts the rows of an exported log into the empty event store behind `db`, verbatim, in one
 * `BEGIN IMMEDIATE` transaction: all of them or none. Every line is parsed and checked (shape,
 * gapless seqs and stream positions, hash chain — see `checkedRows`), must be no newer than the
 * codec's current schema version and must decode through `codec` (upcasting old versions) before
 * it is written; payloads are stored as canonical JSON, so the store's bytes and hashes are those
 * of the exporting log. The `streams` table is filled as appends would have left it. A line whose
 * data is a blob reference must carry the blob (`blob`), which must match the reference's sha256
 * and size; it is written to `options.blobs` (durably, before the transaction commits).
 *
 * @param db a writable connection to an event store (e.g. `openSqliteStore(...).db`).
 * @throws LogNotEmptyError when the store already holds events or streams (nothing is read).
 * @throws JsonlError naming the first bad line (nothing is written).
 */
export function importJsonl<E extends EventEnvelope>(db: Database.Database, lines: Iterable<string>, codec: EventCodec<E>, options: { blobs?: BlobStore } = {}): ImportResult {
  const countMessages = db.prepare<[], number>('SELECT COUNT(*) FROM messages').pluck();
  const countStreams = db.prepare<[], number>('SELECT COUNT(*) FROM streams').pluck();
  const insertMessage = db.prepare<[number, string, number, string, number, string, string, string, string, string]>(
    'INSERT INTO messages (global_position, stream_id, stream_position, message_type, schema_version, ' +
      'message_data, message_metadata, created, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertStream = db.prepare<[string, number, string, string]>('INSERT INTO streams (stream_id, stream_position, created, updated) VALUES (?, ?, ?, ?)');

  const run = db.transaction((): ImportResult => {
    const existing = countMessages.get() ?? 0;
    const existingStreams = countStreams.get() ?? 0;
    if (existing > 0 || existingStreams > 0) throw new LogNotEmptyError(existing, existingStreams);

    const checker = new ChainChecker();
    const streams = new Map<string, StreamSpan>();
    for (const { line, row } of checkedRows(lines, checker)) {
      // Serialise before decoding, so that an upcaster cannot alter what is stored.
      const dataJson = canonicalJson(row.data);
      const metadataJson = canonicalJson(row.metadata);
      const data = storeBlob(row, line, options.blobs);
      assertDecodes(codec, { ...row, data }, line);
      insertMessage.run(row.seq, row.streamId, row.streamPosition, row.type, row.schemaVersion, dataJson, metadataJson, row.createdAt, row.prevHash, row.hash);
      const span = streams.get(row.streamId);
      if (span) {
        span.position = row.streamPosition;
        span.updated = row.createdAt;
      } else streams.set(row.streamId, { position: row.streamPosition, created: row.createdAt, updated: row.createdAt });
    }
    for (const [streamId, span] of streams) insertStream.run(streamId, span.position, span.created, span.updated);
    return { events: checker.count, streams: streams.size, lastSeq: checker.count, headHash: checker.headHash };
  });
  return run.immediate();
}

/**
 * For a row whose `data` is a blob reference: checks the line's `blob` against it (sha256 and
 * size of its canonical text) and stores it, returning the content; otherwise returns `data` and
 * refuses a stray `blob`. @throws JsonlError naming the line.
 */
function storeBlob(row: LogRow, line: number, blobs: BlobStore | undefined): unknown {
  const ref = parseBlobRef(row.data);
  if (ref === null) {
    if (row.blob !== undefined) throw new JsonlError(line, 'is only allowed on a line whose data is a blob reference', BLOB_KEY);
    return row.data;
  }
  if (row.blob === undefined) throw new JsonlError(line, `is missing: data refers to blob ${blobFileName(ref)}, which the line must carry`, BLOB_KEY);
  let text: string;
  try {
    text = canonicalJson(row.blob);
  } catch (error) {
    throw new JsonlError(line, `is not JSON: ${(error as Error).message}`, BLOB_KEY, { cause: error });
  }
  if (sha256Hex(text) !== ref.sha256 || Buffer.byteLength(text, 'utf8') !== ref.bytes)
    throw new JsonlError(line, `does not match the reference in data (blob ${blobFileName(ref)}): it was altered`, BLOB_KEY);
  if (!blobs) throw new JsonlError(line, `refers to blob ${blobFileName(ref)}, but this store has no blob folder to keep it in`, BLOB_KEY);
  blobs.put(text);
  return row.blob;
}

function assertDecodes<E extends EventEnvelope>(codec: EventCodec<E>, row: { type: string; schemaVersion: number; data: unknown; metadata: unknown }, line: number): void {
  let current: number | undefined;
  try {
    current = codec.schemaVersion(row.type);
  } catch {
    current = undefined; // unknown type: let decode say so
  }
  if (current !== undefined && row.schemaVersion > current) {
    throw new JsonlError(line, `${row.type} v${row.schemaVersion} is newer than this autopilot's v${current}; upgrade autopilot to import it`, 'schemaVersion');
  }
  try {
    codec.decode({ type: row.type, schemaVersion: row.schemaVersion, data: row.data, metadata: row.metadata });
  } catch (error) {
    throw new JsonlError(line, `${row.type} v${row.schemaVersion} does not match the event catalogue: ${describeDecodeError(error)}`, undefined, {
      cause: error,
    });
  }
}
