/**
 * The event log's hash chain: `hash = sha256(prevHash + canonicalJson(record))`.
 */
import { createHash } from 'node:crypto';
import { GENESIS_HASH, canonicalJson } from '../../events/canonical.js';

export { GENESIS_HASH };

/** The fields of one event covered by the hash chain: what every layer's row of the log holds, payloads as JSON values. */
export interface HashedRecord {
  seq: number;
  streamId: string;
  streamPosition: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: unknown;
  createdAt: string;
}

/** sha256 (lowercase hex) of `prevHash + canonicalJson(record)`. */
export function chainHash(prevHash: string, record: object): string {
  return sha256Hex(prevHash + canonicalJson(record));
}

/** sha256 (lowercase hex) of a UTF-8 string. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * `canonicalJson(record)` for a {@link HashedRecord}, built by splicing the already-canonical
 * JSON texts of `data` and `metadata` instead of re-serialising them. Equal to
 * `canonicalJson({ ...fields, data: JSON.parse(dataJson), metadata: JSON.parse(metadataJson) })`
 * whenever `dataJson` and `metadataJson` are canonical.
 */
export function canonicalRecordText(fields: Omit<HashedRecord, 'data' | 'metadata'>, dataJson: string, metadataJson: string): string {
  // Keys in canonical (sorted) order: createdAt, data, metadata, schemaVersion, seq, streamId, streamPosition, type.
  return (
    `{"createdAt":${JSON.stringify(fields.createdAt)},"data":${dataJson},"metadata":${metadataJson},` +
    `"schemaVersion":${num(fields.schemaVersion)},"seq":${num(fields.seq)},"streamId":${JSON.stringify(fields.streamId)},` +
    `"streamPosition":${num(fields.streamPosition)},"type":${JSON.stringify(fields.type)}}`
  );
}

function num(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`canonicalRecordText: non-finite number ${String(n)}`);
  return JSON.stringify(n);
}
