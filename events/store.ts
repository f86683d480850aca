/**
 * The event store contract: an append-only, hash-chained log of events grouped into streams.
 *
 * This module holds types and errors only (no I/O, no `node:*` imports) so that domain code can
 * depend on it without pulling in SQLite. The SQLite implementation lives in `sqlite-store.ts`.
 */
import { AutopilotError } from '../domain/errors.js';

/**
 * Optimistic-concurrency expectation for an append.
 *
 * - a number: the stream's current version must equal it (version = number of events in the
 *   stream; 0 = the stream is empty / does not exist);
 * - `'no_stream'`: the stream must not exist yet (same as `0`);
 * - `'any'`: no check.
 */
export type ExpectedVersion = number | 'any' | 'no_stream';

/** The shape every event has on the wire: a type tag, a JSON payload and JSON metadata. */
export interface EventEnvelope {
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
}

/** An event as read back from the log, decoded, with its position and integrity fields: the row type of every layer above the store. */
export interface StoredEvent<E extends EventEnvelope = EventEnvelope> {
  /** Global sequence number: gapless, starting at 1, total order over all streams. */
  seq: number;
  streamId: string;
  /** Position inside its stream: gapless, starting at 1. */
  streamPosition: number;
  /** Schema version the row was *written* with (the `event` itself is already upcast to the current shape). */
  schemaVersion: number;
  /** ISO-8601 timestamp of the append. */
  createdAt: string;
  /** Hash of the previous event in global order (`GENESIS_HASH` for seq 1). */
  prevHash: string;
  /** `sha256(prevHash + canonicalJson(record))`, see `adapters/store/hash.ts`. */
  hash: string;
  /** The decoded (validated, upcast) event. */
  event: E;
}

/** Validates, versions and upcasts events; the store itself is schema-agnostic. */
export interface EventCodec<E extends EventEnvelope> {
  /** schema version written for this event type */
  schemaVersion(type: string): number;
  /** parse + upcast a stored row into the current event shape; throws on invalid */
  decode(row: { type: string; schemaVersion: number; data: unknown; metadata: unknown }): E;
  /** validate before writing; throws on invalid */
  encode(event: E): EventEnvelope;
}

/** Where an append landed. For an empty batch `firstSeq === lastSeq + 1` (an empty range). */
export interface AppendResult<E extends EventEnvelope = EventEnvelope> {
  firstSeq: number;
  lastSeq: number;
  /** The stream version after the append: pass it as `expectedVersion` to the next append. */
  nextExpectedVersion: number;
  /** Decodes the appended events as stored, in order: what `readStream` returns for them, without reading them back. */
  stored: () => StoredEvent<E>[];
}

/** An append-only event log. All methods are synchronous. */
export interface EventStore<E extends EventEnvelope> {
  /**
   * Appends `events` to `streamId` atomically (all or nothing), after checking `expectedVersion`.
   * Every event is validated with the codec before anything is written.
   * @throws ConcurrencyError when the stream version does not match `expectedVersion`.
   * @throws the codec's error when an event is invalid (nothing is written).
   * @throws ReadOnlyStoreError on a read-only store.
   */
  append(streamId: string, events: readonly E[], options: { expectedVersion: ExpectedVersion }): AppendResult<E>;
  /** Events of one stream in order, from `fromPosition` (inclusive, default 1). @throws CorruptEventError */
  readStream(streamId: string, options?: { fromPosition?: number }): StoredEvent<E>[];
  /**
   * All events in global order, `fromSeq`..`toSeq` inclusive, decoded lazily with constant memory.
   * Without `toSeq` the iteration stops at the last event committed when iteration began.
   * @throws CorruptEventError (while iterating) when a row fails to decode.
   */
  readAll(options?: { fromSeq?: number; toSeq?: number }): IterableIterator<StoredEvent<E>>;
  /** Current version of a stream (number of events); 0 when the stream does not exist. */
  streamVersion(streamId: string): number;
  /** Global sequence number of the last event; 0 when the log is empty. */
  lastSeq(): number;
  /** Closes the underlying connection. Idempotent. */
  close(): void;
}

function describeExpected(expected: ExpectedVersion): string {
  return typeof expected === 'number' ? `version ${expected}` : `'${expected}'`;
}

/** Thrown by `append` when the stream is not at the expected version (another writer got there first). */
export class ConcurrencyError extends AutopilotError {
  override readonly name = 'ConcurrencyError';
  readonly streamId: string;
  readonly expected: ExpectedVersion;
  readonly actual: number;

  constructor(streamId: string, expected: ExpectedVersion, actual: number) {
    super('concurrency', `Stream "${streamId}": expected ${describeExpected(expected)} but the stream is at version ${actual}`);
    this.streamId = streamId;
    this.expected = expected;
    this.actual = actual;
  }
}

/** Thrown when a stored row cannot be parsed or decoded; names the global `seq` and the problem. */
export class CorruptEventError extends AutopilotError {
  override readonly name = 'CorruptEventError';
  readonly seq: number;

  constructor(seq: number, problem: string, options?: { cause?: unknown }) {
    super('corrupt-event', `Event seq ${seq} is corrupt or does not match the event catalogue: ${problem}`, { cause: options?.cause });
    this.seq = seq;
  }
}

/** Thrown when appending through a store opened with `readonly: true`. */
export class ReadOnlyStoreError extends AutopilotError {
  override readonly name = 'ReadOnlyStoreError';

  constructor(path: string) {
    super('read-only-store', `Event store "${path}" was opened read-only; appending is not allowed`, { file: path });
  }
}

/**
 * Human-readable description of a decode failure. Understands zod-style errors (an `issues` array
 * with `path` and `message`) without depending on zod.
 */
export function describeDecodeError(error: unknown): string {
  if (error !== null && typeof error === 'object' && Array.isArray((error as { issues?: unknown }).issues)) {
    const issues = (error as { issues: Array<{ path?: unknown; message?: unknown }> }).issues;
    const parts = issues.map((issue) => {
      const path = Array.isArray(issue.path) && issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
      return `${path}: ${String(issue.message)}`;
    });
    if (parts.length > 0) return parts.join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * A cache of folds kept beside the log (e.g. the summary view every N events), so a reader can
 * start a fold part-way instead of from event 1. A snapshot is bound to the hash of the event at
 * its `seq`: should the log no longer hold that event (a replaced or re-imported log), the
 * snapshot is ignored. Snapshots are derived data: deleting them loses nothing.
 */
export interface SnapshotStore {
  /** Stores (or replaces) the snapshot `name` taken right after event `seq`. @throws when the log has no event `seq`. */
  saveSnapshot(name: string, seq: number, body: string): void;
  /** The latest snapshot `name` at or before `atOrBefore` that still matches the log; null when there is none. */
  loadSnapshot(name: string, atOrBefore: number): { seq: number; body: string } | null;
  /** Removes every snapshot `name`. */
  clearSnapshots(name: string): void;
}

/** Whether `store` also keeps snapshots. */
export function hasSnapshots<S extends object>(store: S): store is S & SnapshotStore {
  return 'saveSnapshot' in store && 'loadSnapshot' in store && 'clearSnapshots' in store;
}
