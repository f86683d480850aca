/**
 * Blob references: an event whose stored JSON would pass `limits.max_event_bytes` keeps its `data`
 * in a content-addressed file (`blobs/<sha256>.json`) and stores, in its place, a reference
 *
 * ```
 * {"$blob":{"bytes":1500000,"sha256":"…"}}
 * ```
 *
 * The hash chain covers the reference, and the reference names the blob's sha256, so the chain
 * covers the blob too. This module holds the format and the store contract only (no I/O); the
 * files live in `adapters/blob-files.ts`.
 */
import { canonicalJson } from './canonical.js';
import { AutopilotError } from '../domain/errors.js';

/** A blob: the sha256 (lowercase hex) and UTF-8 byte length of the canonical JSON text it holds. */
export interface BlobRef {
  sha256: string;
  bytes: number;
}

/** Where blobs are kept. Every read is verified against the reference: a blob is never used unchecked. */
export interface BlobStore {
  /** Stores `text` under its sha256, durably (synced) before returning; idempotent. */
  put(text: string): BlobRef;
  /** The text of `ref`, checked against its size and sha256. @throws BlobError when missing, unreadable or altered. */
  get(ref: BlobRef): string;
  /** Where `ref` lives, for messages (e.g. the file's path). */
  describe(ref: BlobRef): string;
}

/** A blob that is missing, unreadable or does not match its reference. */
export class BlobError extends AutopilotError {
  override readonly name = 'BlobError';

  constructor(
    readonly blob: string,
    readonly problem: string,
  ) {
    super('blob', `blob ${blob} ${problem}`);
  }
}

/** How every stored reference starts: `data` with the single key `$blob`, in canonical JSON. */
const PREFIX = '{"$blob":';
const SHA256 = /^[0-9a-f]{64}$/;

/** The file name of a blob: `<sha256>.json`. */
export function blobFileName(ref: BlobRef): string {
  return `${ref.sha256}.json`;
}

/** The stored `data` text of a reference (canonical JSON). */
export function blobRefText(ref: BlobRef): string {
  return canonicalJson({ $blob: { bytes: ref.bytes, sha256: ref.sha256 } });
}

/**
 * Cheap test on a stored `data` text: true when it may be a reference. No event of the catalogue
 * has a top-level `$blob` key (zod strips unknown keys before anything is stored), so a real
 * payload never starts this way.
 */
export function looksLikeBlobRef(dataJson: string): boolean {
  return dataJson.startsWith(PREFIX);
}

/** The reference `data` holds, or null when it is not exactly `{"$blob": {bytes, sha256}}`. */
export function parseBlobRef(data: unknown): BlobRef | null {
  if (!isRecord(data)) return null;
  const keys = Object.keys(data);
  if (keys.length !== 1 || keys[0] !== '$blob') return null;
  const inner = data.$blob;
  if (!isRecord(inner) || Object.keys(inner).length !== 2) return null;
  const { bytes, sha256 } = inner;
  if (typeof sha256 !== 'string' || !SHA256.test(sha256)) return null;
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) return null;
  return { sha256, bytes };
}

/** The reference in a stored `data` text, or null when it holds none; a text that starts like one but is malformed throws. */
export function blobRefOfText(dataJson: string): BlobRef | null {
  if (!looksLikeBlobRef(dataJson)) return null;
  let value: unknown;
  try {
    value = JSON.parse(dataJson);
  } catch {
    throw new TypeError('the stored data starts like a blob reference but is not valid JSON');
  }
  const ref = parseBlobRef(value);
  if (ref === null) throw new TypeError(`malformed blob reference ${dataJson.slice(0, 120)} (expected {"$blob":{"bytes":N,"sha256":"<64 hex>"}})`);
  return ref;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
