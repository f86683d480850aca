/**
 * Offline integrity check of an event log: sequence, stream positions, streams table and hash chain.
 */
import Database from 'better-sqlite3';
import { blobFileName, blobRefOfText, looksLikeBlobRef, type BlobStore } from '../../events/blobs.js';
import { GENESIS_HASH, canonicalRecordText, chainHash, sha256Hex } from './hash.js';
import { BUSY_TIMEOUT_MS, MESSAGE_COLUMNS, assertStoreFormat, type StoredRowTuple } from './sqlite-store.js';

/**
 * Outcome of {@link verifyLog}. On failure, `events` is the number of events verified before
 * `firstBadSeq`, and `reason` says what is wrong there.
 */
export type VerifyResult = { ok: true; events: number; streams: number; lastSeq: number; headHash: string } | { ok: false; events: number; firstBadSeq: number; reason: string };

/**
 * Verifies the event log at `path` through its own read-only connection, streaming the rows in
 * global order inside one read transaction (a consistent snapshot; a concurrent writer is neither
 * blocked nor disturbed). Checks, row by row:
 *
 * - `seq` is gapless from 1 (a deleted row reports the first missing seq);
 * - each stream's positions run 1..n in global order and never exceed the `streams` table;
 * - `prev_hash` equals the previous row's hash (`GENESIS_HASH` for seq 1);
 * - `hash` recomputes as `sha256(prev_hash + canonicalJson(record))` (an edited row reports its seq);
 * - a row whose data is a blob reference has its blob in `options.blobs`, intact (size and sha256);
 *
 * and finally that every stream in the `streams` table has exactly as many events as it claims
 * (missing tail events report `lastSeq + 1`). It does not decode payloads against the catalogue.
 *
 * `onRow` is called with the seq, hash and type of every row that passed these checks, in order (how an
 * anchor check learns the recomputed hashes without a second walk).
 *
 * @throws when the file does not exist or is not an event store.
 */
export function verifyLog(path: string, options: { onRow?: (seq: number, hash: string, type: string) => void; blobs?: BlobStore } = {}): VerifyResult {
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma('query_only = ON');
    assertStoreFormat(db, path);
    db.exec('BEGIN');
    try {
      return walk(db, options.blobs, options.onRow);
    } finally {
      db.exec('COMMIT');
    }
  } finally {
    db.close();
  }
}

function walk(db: Database.Database, blobs: BlobStore | undefined, onRow?: (seq: number, hash: string, type: string) => void): VerifyResult {
  const declared = new Map<string, number>(db.prepare<[], [string, number]>('SELECT stream_id, stream_position FROM streams ORDER BY stream_id').raw().all());
  const rows = db.prepare<[], StoredRowTuple>(`SELECT ${MESSAGE_COLUMNS} FROM messages ORDER BY global_position`).raw().iterate();

  const seen = new Map<string, number>();
  let events = 0;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;

  for (const row of rows) {
    const [seq, streamId, streamPosition, type, , , , , rowPrevHash, rowHash] = row;
    // Returning from inside for-of closes the statement iterator before the transaction ends.
    const bad = (firstBadSeq: number, reason: string): VerifyResult => ({ ok: false, events, firstBadSeq, reason });

    if (seq !== expectedSeq) {
      return seq > expectedSeq ? bad(expectedSeq, `seq ${expectedSeq} is missing (next row has seq ${seq})`) : bad(seq, `seq ${seq} is out of place (expected ${expectedSeq})`);
    }
    const expectedPosition = (seen.get(streamId) ?? 0) + 1;
    if (streamPosition !== expectedPosition) {
      return bad(seq, `stream "${streamId}" has position ${String(streamPosition)} at seq ${seq}, expected ${expectedPosition}`);
    }
    const declaredVersion = declared.get(streamId);
    if (declaredVersion === undefined) {
      return bad(seq, `stream "${streamId}" is missing from the streams table`);
    }
    if (streamPosition > declaredVersion) {
      return bad(seq, `stream "${streamId}" position ${streamPosition} is beyond its streams-table version ${declaredVersion}`);
    }
    if (rowPrevHash !== prevHash) {
      return bad(seq, `prev_hash does not link to the hash of seq ${seq - 1}`);
    }
    const problem = checkHash(row, prevHash) ?? checkBlob(row[5], blobs);
    if (problem !== undefined) return bad(seq, problem);

    onRow?.(seq, rowHash, type);
    prevHash = rowHash;
    seen.set(streamId, streamPosition);
    events += 1;
    expectedSeq += 1;
  }

  for (const [streamId, version] of declared) {
    const actual = seen.get(streamId) ?? 0;
    if (actual !== version) {
      return {
        ok: false,
        events,
        firstBadSeq: expectedSeq,
        reason: `streams table says "${streamId}" is at version ${version} but the log holds ${actual} of its events`,
      };
    }
  }
  return { ok: true, events, streams: seen.size, lastSeq: expectedSeq - 1, headHash: prevHash };
}

/** Returns undefined unless `dataJson` refers to a blob that is missing, altered or cannot be checked. */
function checkBlob(dataJson: string, blobs: BlobStore | undefined): string | undefined {
  if (!looksLikeBlobRef(dataJson)) return undefined;
  try {
    const ref = blobRefOfText(dataJson);
    if (ref === null) return undefined;
    if (!blobs) return `its data is in blob ${blobFileName(ref)}, which was not checked (no blob folder given)`;
    blobs.get(ref);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Returns undefined when the row's hash recomputes, else a description of the problem. */
function checkHash(row: StoredRowTuple, prevHash: string): string | undefined {
  const [seq, streamId, streamPosition, type, schemaVersion, dataJson, metadataJson, createdAt, , hash] = row;
  const fields = { seq, streamId, streamPosition, type, schemaVersion, createdAt };
  try {
    // Fast path: the store writes canonical JSON, so splicing the stored text is exact.
    if (sha256Hex(prevHash + canonicalRecordText(fields, dataJson, metadataJson)) === hash) return undefined;
    // Slow path: the definition, in case the stored text is valid but not byte-canonical.
    const record = { ...fields, data: JSON.parse(dataJson) as unknown, metadata: JSON.parse(metadataJson) as unknown };
    if (chainHash(prevHash, record) === hash) return undefined;
  } catch (error) {
    return `row cannot be hashed: ${error instanceof Error ? error.message : String(error)}`;
  }
  return 'hash does not match the row (payload or fields were altered)';
}
