/**
 * SQLite implementation of {@link EventStore} (better-sqlite3, WAL, `synchronous=FULL`), modelled on
 * emmett's SQLite event store: a `streams` table holding each stream's version and an append-only
 * `messages` table holding the events in global order, hash-chained.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { blobFileName, blobRefOfText, blobRefText, looksLikeBlobRef, type BlobStore } from '../../events/blobs.js';
import { canonicalJson } from '../../events/canonical.js';
import { GENESIS_HASH, canonicalRecordText, sha256Hex } from './hash.js';
import {
  ConcurrencyError,
  CorruptEventError,
  ReadOnlyStoreError,
  describeDecodeError,
  type AppendResult,
  type EventCodec,
  type EventEnvelope,
  type EventStore,
  type ExpectedVersion,
  type SnapshotStore,
  type StoredEvent,
} from '../../events/store.js';

/** Version of the on-disk layout, kept in `meta.format_version`. */
export const STORE_FORMAT_VERSION = 1;

/** How long a connection waits for a lock held by another connection before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 15_000;

/** Rows fetched per round trip by `readAll`. */
const READ_ALL_PAGE_SIZE = 1_000;

const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS streams (
  stream_id       TEXT PRIMARY KEY,
  stream_position INTEGER NOT NULL,
  created         TEXT NOT NULL,
  updated         TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS messages (
  global_position  INTEGER PRIMARY KEY,
  stream_id        TEXT NOT NULL,
  stream_position  INTEGER NOT NULL,
  message_type     TEXT NOT NULL,
  schema_version   INTEGER NOT NULL,
  message_data     TEXT NOT NULL,
  message_metadata TEXT NOT NULL,
  created          TEXT NOT NULL,
  prev_hash        TEXT NOT NULL,
  hash             TEXT NOT NULL,
  UNIQUE (stream_id, stream_position)
) STRICT;

-- Derived folds (see SnapshotStore): a cache, bound to the hash of the event at seq, never part of the chain.
CREATE TABLE IF NOT EXISTS snapshots (
  name    TEXT NOT NULL,
  seq     INTEGER NOT NULL,
  hash    TEXT NOT NULL,
  body    TEXT NOT NULL,
  created TEXT NOT NULL,
  PRIMARY KEY (name, seq)
) STRICT;

CREATE TRIGGER IF NOT EXISTS messages_no_update BEFORE UPDATE ON messages
BEGIN SELECT RAISE(ABORT, 'messages is append-only'); END;

CREATE TRIGGER IF NOT EXISTS messages_no_delete BEFORE DELETE ON messages
BEGIN SELECT RAISE(ABORT, 'messages is append-only'); END;
`;

/** Options for {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * Open an existing store read-only (`{ readonly: true, fileMustExist: true }`): never writes,
   * never changes persistent pragmas, never blocks a concurrent writer; `append` throws.
   */
  readonly?: boolean;
  /** Clock used for `createdAt` (default: `new Date()`). */
  now?: () => Date;
  /**
   * Where the data of events larger than `maxEventBytes` is kept, and where readers find it.
   * Without it, a row holding a blob reference fails to decode (naming its seq and the blob).
   */
  blobs?: BlobStore;
  /**
   * Largest stored JSON of one event (data plus metadata, UTF-8 bytes); a larger `data` goes to
   * `blobs` and the row keeps a reference. Absent: no limit.
   * @throws RangeError on append when an event is larger and there is no blob store.
   */
  maxEventBytes?: number;
  /**
   * With `readonly`: the store file's bytes, already read, opened as a copy in memory instead of the
   * file. SQLite opening a WAL-mode file creates its `-wal` and `-shm` beside it, even read-only;
   * a copy creates nothing (the inspector reads a log no writer has open this way).
   */
  image?: Uint8Array;
}

/** A SQLite-backed event store, exposing its file path and connection (for tests and tooling). */
export type SqliteEventStore<E extends EventEnvelope> = EventStore<E> &
  SnapshotStore & {
    readonly path: string;
    readonly db: import('better-sqlite3').Database;
  };

/** The storage layer's row: one `messages` row as stored, payloads their stored JSON text (never decoded or upcast). */
export interface StoredRow {
  seq: number;
  streamId: string;
  streamPosition: number;
  type: string;
  schemaVersion: number;
  dataJson: string;
  metadataJson: string;
  createdAt: string;
  prevHash: string;
  hash: string;
}

/** A {@link StoredRow} fetched as an array (`.raw()`, no per-row object), in {@link MESSAGE_COLUMNS} order. */
export type StoredRowTuple = [
  seq: number,
  streamId: string,
  streamPosition: number,
  type: string,
  schemaVersion: number,
  dataJson: string,
  metadataJson: string,
  createdAt: string,
  prevHash: string,
  hash: string,
];

/** An event encoded for the `messages` table, before the append gives it its place in the log. */
type EncodedEvent = Pick<StoredRow, 'type' | 'schemaVersion' | 'dataJson' | 'metadataJson'> & {
  /** The data's own JSON text: `dataJson`, unless that is the reference to the blob it went to. */
  fullDataJson: string;
};

/** The columns of a {@link StoredRow}, in {@link StoredRowTuple} order and named as its keys. */
export const MESSAGE_COLUMNS =
  'global_position AS seq, stream_id AS streamId, stream_position AS streamPosition, message_type AS type, schema_version AS schemaVersion, ' +
  'message_data AS dataJson, message_metadata AS metadataJson, created AS createdAt, prev_hash AS prevHash, hash';

/**
 * Opens (and, unless read-only, creates) the event store at `path`.
 *
 * A writer sets WAL and `synchronous=FULL`, creates the schema if missing and records the store
 * format version in `meta`. Appends check the expected version and insert inside one
 * `BEGIN IMMEDIATE` transaction, so concurrent writers (other connections or processes) serialise
 * and exactly one of several appends with the same expected version succeeds.
 *
 * @throws when the file is not an event store of a supported format version.
 */
export function openSqliteStore<E extends EventEnvelope>(path: string, codec: EventCodec<E>, options: SqliteStoreOptions = {}): SqliteEventStore<E> {
  const readonly = options.readonly ?? false;
  const now = options.now ?? (() => new Date());
  const { blobs, maxEventBytes } = options;

  const db = readonly ? (options.image ? openImage(options.image) : openReadOnly(path)) : openWriter(path);
  try {
    assertStoreFormat(db, path);
  } catch (error) {
    db.close();
    throw error;
  }

  const selectStreamVersion = db.prepare<[string], number>('SELECT stream_position FROM streams WHERE stream_id = ?').pluck();
  const selectLastSeq = db.prepare<[], number>('SELECT COALESCE(MAX(global_position), 0) FROM messages').pluck();
  // Reads fetch rows as arrays (no per-row object with named columns to build and throw away).
  const selectStream = db.prepare<[string, number], StoredRowTuple>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE stream_id = ? AND stream_position >= ? ORDER BY stream_position`).raw();
  const selectPage = db
    .prepare<[number, number, number], StoredRowTuple>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE global_position >= ? AND global_position <= ? ORDER BY global_position LIMIT ?`)
    .raw();

  // A log written before snapshots existed, opened read-only, has no such table: then there are none.
  const snapshotsTable = db.prepare<[], number>("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'snapshots'").pluck().get() === 1;
  const selectSnapshot = snapshotsTable
    ? db.prepare<[string, number], { seq: number; body: string }>(
        'SELECT s.seq AS seq, s.body AS body FROM snapshots s JOIN messages m ON m.global_position = s.seq ' +
          'WHERE s.name = ? AND s.seq <= ? AND s.hash = m.hash ORDER BY s.seq DESC LIMIT 1',
      )
    : null;

  const lastSeq = (): number => selectLastSeq.get() ?? 0;
  const streamVersion = (streamId: string): number => selectStreamVersion.get(streamId) ?? 0;

  // One cheap prefix test per row: only a blob reference starts this way.
  const decode = (row: StoredRowTuple): StoredEvent<E> => decodeWith(row, looksLikeBlobRef(row[5]) ? readBlob(row[0], row[5]) : row[5]);
  /** Decodes a row, its data taken from `dataText`, the data's own JSON (so an append decodes what it wrote without reading its blob). */
  const decodeWith = ([seq, streamId, streamPosition, type, schemaVersion, , metadataJson, createdAt, prevHash, hash]: StoredRowTuple, dataText: string): StoredEvent<E> => {
    let data: unknown;
    let metadata: unknown;
    try {
      data = JSON.parse(dataText);
      metadata = JSON.parse(metadataJson);
    } catch (error) {
      if (error instanceof CorruptEventError) throw error;
      throw new CorruptEventError(seq, `invalid JSON: ${describeDecodeError(error)}`, { cause: error });
    }
    let event: E;
    try {
      event = codec.decode({ type, schemaVersion, data, metadata });
    } catch (error) {
      throw new CorruptEventError(seq, `${type} v${schemaVersion}: ${describeDecodeError(error)}`, { cause: error });
    }
    return { seq, streamId, streamPosition, schemaVersion, createdAt, prevHash, hash, event };
  };
  /** The verified text of the blob a row refers to. @throws CorruptEventError naming the seq and the blob. */
  const readBlob = (seq: number, dataJson: string): string => {
    let ref;
    try {
      ref = blobRefOfText(dataJson);
    } catch (error) {
      throw new CorruptEventError(seq, describeDecodeError(error), { cause: error });
    }
    if (ref === null) return dataJson;
    if (!blobs) throw new CorruptEventError(seq, `its data is in blob ${blobFileName(ref)}, but this store was opened without its blob folder`);
    try {
      return blobs.get(ref);
    } catch (error) {
      throw new CorruptEventError(seq, describeDecodeError(error), { cause: error });
    }
  };
  const encode = (event: E): EncodedEvent => {
    const envelope = codec.encode(event);
    if (typeof envelope.type !== 'string' || envelope.type.length === 0) {
      throw new TypeError('Invalid event: type must be a non-empty string');
    }
    const metadata: unknown = envelope.metadata;
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
      throw new TypeError(`Invalid event ${envelope.type}: metadata must be an object`);
    }
    const schemaVersion = codec.schemaVersion(envelope.type);
    if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 1) {
      throw new TypeError(`Invalid schema version ${String(schemaVersion)} for event type ${envelope.type}`);
    }
    const metadataJson = canonicalJson(metadata);
    const fullDataJson = canonicalJson(envelope.data);
    return { type: envelope.type, schemaVersion, dataJson: bounded(envelope.type, fullDataJson, metadataJson), metadataJson, fullDataJson };
  };

  /** `dataJson`, or the reference to the blob it was moved to when the event would pass `maxEventBytes`. */
  const bounded = (type: string, dataJson: string, metadataJson: string): string => {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: most events are decided without counting bytes.
    if (maxEventBytes === undefined || (dataJson.length + metadataJson.length) * 3 <= maxEventBytes) return dataJson;
    const size = Buffer.byteLength(dataJson, 'utf8') + Buffer.byteLength(metadataJson, 'utf8');
    if (size <= maxEventBytes) return dataJson;
    if (!blobs) throw new RangeError(`event ${type} is ${size} bytes, above the ${maxEventBytes} allowed (limits.max_event_bytes), and this store has no blob folder`);
    const ref = blobRefText(blobs.put(dataJson));
    const stored = Buffer.byteLength(ref, 'utf8') + Buffer.byteLength(metadataJson, 'utf8');
    if (stored > maxEventBytes) throw new RangeError(`event ${type}'s metadata alone is ${stored} bytes, above the ${maxEventBytes} allowed (limits.max_event_bytes)`);
    return ref;
  };

  /** Where a batch landed, with each row as written (its data's own JSON text in place of a blob reference). */
  type Appended = Omit<AppendResult, 'stored'> & { rows: StoredRowTuple[] };
  let appendTransaction: ((streamId: string, batch: EncodedEvent[], expected: ExpectedVersion) => Appended) | undefined;
  if (!readonly) {
    const selectLastRow = db.prepare<[], { seq: number; hash: string }>('SELECT global_position AS seq, hash FROM messages ORDER BY global_position DESC LIMIT 1');
    const insertMessage = db.prepare<[number, string, number, string, number, string, string, string, string, string]>(
      'INSERT INTO messages (global_position, stream_id, stream_position, message_type, schema_version, ' +
        'message_data, message_metadata, created, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const upsertStream = db.prepare<[string, number, string, string]>(
      'INSERT INTO streams (stream_id, stream_position, created, updated) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (stream_id) DO UPDATE SET stream_position = excluded.stream_position, updated = excluded.updated',
    );
    const transaction = db.transaction((streamId: string, batch: EncodedEvent[], expected: ExpectedVersion): Appended => {
      const actual = streamVersion(streamId);
      const wanted = expected === 'no_stream' ? 0 : expected;
      if (wanted !== 'any' && wanted !== actual) throw new ConcurrencyError(streamId, expected, actual);

      const last = selectLastRow.get();
      let seq = last?.seq ?? 0;
      let prevHash = last?.hash ?? GENESIS_HASH;
      let position = actual;
      const firstSeq = seq + 1;
      const createdAt = now().toISOString();
      const rows: StoredRowTuple[] = [];
      for (const event of batch) {
        seq += 1;
        position += 1;
        const text = canonicalRecordText({ seq, streamId, streamPosition: position, type: event.type, schemaVersion: event.schemaVersion, createdAt }, event.dataJson, event.metadataJson);
        const hash = sha256Hex(prevHash + text);
        insertMessage.run(seq, streamId, position, event.type, event.schemaVersion, event.dataJson, event.metadataJson, createdAt, prevHash, hash);
        rows.push([seq, streamId, position, event.type, event.schemaVersion, event.fullDataJson, event.metadataJson, createdAt, prevHash, hash]);
        prevHash = hash;
      }
      if (batch.length > 0) upsertStream.run(streamId, position, createdAt, createdAt);
      return { firstSeq, lastSeq: seq, nextExpectedVersion: position, rows };
    });
    appendTransaction = (streamId, batch, expected) => transaction.immediate(streamId, batch, expected);
  }

  return {
    path,
    db,

    append(streamId, events, { expectedVersion }) {
      if (appendTransaction === undefined) throw new ReadOnlyStoreError(path);
      if (typeof streamId !== 'string' || streamId.length === 0) throw new TypeError('streamId must be a non-empty string');
      assertExpectedVersion(expectedVersion);
      // Validate and serialise the whole batch before touching the database.
      const batch = events.map(encode);
      const { rows, ...landed } = appendTransaction(streamId, batch, expectedVersion);
      // Decoded when asked (a batch import needs none), as `readStream` would, from the text just written.
      return { ...landed, stored: () => rows.map((row) => decodeWith(row, row[5])) };
    },

    readStream(streamId, { fromPosition = 1 } = {}) {
      return selectStream.all(streamId, fromPosition).map((row) => decode(row));
    },

    *readAll({ fromSeq = 1, toSeq }: { fromSeq?: number; toSeq?: number } = {}) {
      // Keyset pagination: constant memory, and the connection is never left mid-statement while
      // the caller holds the iterator (so it can append or query between items). Rows commit in
      // seq order, so pages are consistent; the upper bound is fixed when iteration starts.
      const upper = toSeq ?? lastSeq();
      let next = Math.max(1, fromSeq);
      while (next <= upper) {
        const rows = selectPage.all(next, upper, READ_ALL_PAGE_SIZE);
        for (const row of rows) yield decode(row);
        if (rows.length < READ_ALL_PAGE_SIZE) return;
        next = rows[rows.length - 1]![0] + 1;
      }
    },

    streamVersion,
    lastSeq,

    saveSnapshot(name, seq, body) {
      if (readonly) throw new ReadOnlyStoreError(path);
      const r = db
        .prepare('INSERT OR REPLACE INTO snapshots (name, seq, hash, body, created) SELECT ?, global_position, hash, ?, ? FROM messages WHERE global_position = ?')
        .run(name, body, now().toISOString(), seq);
      if (r.changes === 0) throw new RangeError(`cannot snapshot ${name} at seq ${seq}: the log has no such event`);
    },

    loadSnapshot(name, atOrBefore) {
      return selectSnapshot?.get(name, atOrBefore) ?? null;
    },

    clearSnapshots(name) {
      if (readonly) throw new ReadOnlyStoreError(path);
      db.prepare('DELETE FROM snapshots WHERE name = ?').run(name);
    },

    close() {
      if (db.open) db.close();
    },
  };
}

/**
 * Streams every row of the event log at `path` in global order, verbatim, through its own read-only
 * connection inside one read transaction: a consistent snapshot with constant memory that neither
 * blocks nor disturbs a concurrent writer. The connection closes when the iteration ends or is
 * abandoned (`return()`), so callers should consume it with `for…of`.
 *
 * @throws when the file does not exist or is not an event store of a supported format version.
 */
export function* readStoredRows(path: string): Generator<StoredRow, void, undefined> {
  const db = openReadOnly(path);
  try {
    assertStoreFormat(db, path);
    db.exec('BEGIN');
    try {
      const rows = db.prepare<[], StoredRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages ORDER BY global_position`).iterate();
      for (const row of rows) yield row;
    } finally {
      db.exec('COMMIT');
    }
  } finally {
    db.close();
  }
}

function openWriter(path: string): Database.Database {
  if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    if (!db.memory) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new Error(`Could not switch ${path} to WAL (journal_mode is ${String(mode)})`);
    }
    db.pragma('synchronous = FULL');
    db.transaction(() => {
      db.exec(SCHEMA_SQL);
      db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('format_version', ?)").run(String(STORE_FORMAT_VERSION));
    }).immediate();
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function openReadOnly(path: string): Database.Database {
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  // Connection-local and needs no write: belt and braces against accidental writes.
  db.pragma('query_only = ON');
  return db;
}

// A copy of the bytes, marked as a rollback-journal file (header bytes 18-19 = 1): in memory there is no WAL to read.
function openImage(image: Uint8Array): Database.Database {
  const copy = Buffer.from(image);
  if (copy.length >= 20 && copy[18] === 2 && copy[19] === 2) copy.fill(1, 18, 20);
  const db = new Database(copy, { readonly: true });
  db.pragma('query_only = ON');
  return db;
}

/**
 * Throws unless `db` holds an event store (meta, streams and messages tables) of the supported
 * format version. Works on read-only connections.
 */
export function assertStoreFormat(db: Database.Database, path: string): void {
  const tables = new Set(db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all());
  for (const table of ['meta', 'streams', 'messages']) {
    if (!tables.has(table)) throw new Error(`${path} is not an event store (table ${table} is missing)`);
  }
  const version = db.prepare<[], string>("SELECT value FROM meta WHERE key = 'format_version'").pluck().get();
  if (version !== String(STORE_FORMAT_VERSION)) {
    throw new Error(`${path}: unsupported event store format version ${String(version)} (expected ${STORE_FORMAT_VERSION})`);
  }
}

function assertExpectedVersion(expected: ExpectedVersion): void {
  if (expected === 'any' || expected === 'no_stream') return;
  if (typeof expected !== 'number' || !Number.isSafeInteger(expected) || expected < 0) {
    throw new TypeError(`expectedVersion must be a non-negative integer, 'any' or 'no_stream' (got ${String(expected)})`);
  }
}
