import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../../events/canonical.js';
import { chainHash } from '../../../adapters/store/hash.js';
import { openSqliteStore } from '../../../adapters/store/sqlite-store.js';
import { ConcurrencyError, CorruptEventError, ReadOnlyStoreError, type EventCodec } from '../../../events/store.js';
import { verifyLog } from '../../../adapters/store/verify.js';
import { closed, created, renamed, testCodec, type TestEvent } from '../../events/support/test-codec.js';
import { tempDirs } from '../../events/support/temp.js';

const temp = tempDirs();
afterEach(() => temp.cleanup());

const fixedClock = () => new Date('2024-05-06T07:08:09.010Z');
const openTemp = (options = {}) => openSqliteStore(join(temp.make(), 'events.db'), testCodec, { now: fixedClock, ...options });

describe('when appending and reading back', () => {
  it('round-trips events with global seq, stream positions, metadata and timestamps', () => {
    const store = openTemp();
    const first = store.append('a', [created('1', 'first', { actor: 'test' }), renamed('1', 'second')], { expectedVersion: 'no_stream' });
    expect(first).toMatchObject({ firstSeq: 1, lastSeq: 2, nextExpectedVersion: 2 });
    const second = store.append('b', [created('2')], { expectedVersion: 0 });
    expect(second).toMatchObject({ firstSeq: 3, lastSeq: 3, nextExpectedVersion: 1 });
    const third = store.append('a', [closed('1')], { expectedVersion: 2 });
    expect(third).toMatchObject({ firstSeq: 4, lastSeq: 4, nextExpectedVersion: 3 });

    const a = store.readStream('a');
    // Each append returns its events as stored: what reading them back gives.
    expect([...first.stored(), ...third.stored()]).toStrictEqual(a);
    expect(second.stored()).toStrictEqual(store.readStream('b'));
    expect(a.map((e) => [e.seq, e.streamPosition])).toEqual([
      [1, 1],
      [2, 2],
      [4, 3],
    ]);
    expect(a.map((e) => e.event)).toEqual([created('1', 'first', { actor: 'test' }), renamed('1', 'second'), closed('1')]);
    expect(a[0]).toMatchObject({ streamId: 'a', schemaVersion: 1, createdAt: '2024-05-06T07:08:09.010Z', prevHash: GENESIS_HASH });
    expect(a[1]?.schemaVersion).toBe(2);
    expect(store.readStream('b').map((e) => [e.seq, e.streamPosition, e.event])).toEqual([[3, 1, created('2')]]);
    expect(store.streamVersion('a')).toBe(3);
    expect(store.streamVersion('b')).toBe(1);
    expect(store.streamVersion('nope')).toBe(0);
    expect(store.lastSeq()).toBe(4);
    store.close();
  });

  it('chains hashes in global order as sha256(prevHash + canonical record)', () => {
    const store = openTemp();
    store.append('a', [created('1'), created('2')], { expectedVersion: 'any' });
    store.append('b', [closed('1')], { expectedVersion: 'any' });
    let prev = GENESIS_HASH;
    for (const e of store.readAll()) {
      expect(e.prevHash).toBe(prev);
      const { seq, streamId, streamPosition, schemaVersion, createdAt } = e;
      const { type, data, metadata } = e.event;
      expect(e.hash).toBe(chainHash(prev, { seq, streamId, streamPosition, type, schemaVersion, data, metadata, createdAt }));
      prev = e.hash;
    }
    store.close();
  });

  it('reads a stream from a position (inclusive) and an empty list for unknown streams', () => {
    const store = openTemp();
    store.append('a', [created('1'), renamed('1', 'x'), renamed('1', 'y'), closed('1')], { expectedVersion: 'no_stream' });
    expect(store.readStream('a', { fromPosition: 3 }).map((e) => e.streamPosition)).toEqual([3, 4]);
    expect(store.readStream('a', { fromPosition: 5 })).toEqual([]);
    expect(store.readStream('missing')).toEqual([]);
    store.close();
  });

  it('reads all events in a seq range, inclusive at both ends', () => {
    const store = openTemp();
    for (let i = 1; i <= 6; i++) store.append(`s${i % 2}`, [created(String(i))], { expectedVersion: 'any' });
    expect([...store.readAll()].map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...store.readAll({ fromSeq: 2, toSeq: 4 })].map((e) => e.seq)).toEqual([2, 3, 4]);
    expect([...store.readAll({ fromSeq: 5 })].map((e) => e.event.data)).toEqual([
      { taskId: '5', title: 'task 5' },
      { taskId: '6', title: 'task 6' },
    ]);
    expect([...store.readAll({ fromSeq: 7 })]).toEqual([]);
    expect([...store.readAll({ toSeq: 0 })]).toEqual([]);
    store.close();
  });

  it('reads zero everywhere on an empty store', () => {
    const store = openTemp();
    expect(store.lastSeq()).toBe(0);
    expect([...store.readAll()]).toEqual([]);
    store.close();
  });

  it('reads all lazily across pages, and the store stays usable while iterating', () => {
    let decoded = 0;
    const counting: EventCodec<TestEvent> = { ...testCodec, decode: (row) => (decoded++, testCodec.decode(row)) };
    const path = join(temp.make(), 'events.db');
    const store = openSqliteStore(path, counting);
    const batch = Array.from({ length: 2_500 }, (_, i) => created(String(i)));
    store.append('big', batch, { expectedVersion: 'no_stream' });

    const iterator = store.readAll();
    expect(decoded).toBe(0);
    expect(iterator.next().value?.seq).toBe(1);
    expect(decoded).toBe(1);
    // Appending mid-iteration works (no connection left busy) and the iteration stops at the snapshot bound.
    store.append('other', [created('x')], { expectedVersion: 'no_stream' });
    let count = 1;
    let previous = 1;
    for (const e of iterator) {
      expect(e.seq).toBe(previous + 1);
      previous = e.seq;
      count++;
    }
    expect(count).toBe(2_500);
    expect([...store.readAll({ fromSeq: 999, toSeq: 1_002 })].map((e) => e.seq)).toEqual([999, 1_000, 1_001, 1_002]);
    expect([...store.readAll()].length).toBe(2_501);
    store.close();
  });

  it('treats an empty batch as a version check that writes nothing', () => {
    const store = openTemp();
    store.append('a', [created('1')], { expectedVersion: 'no_stream' });
    const empty = store.append('a', [], { expectedVersion: 1 });
    expect(empty).toMatchObject({ firstSeq: 2, lastSeq: 1, nextExpectedVersion: 1 });
    expect(empty.stored()).toEqual([]);
    expect(() => store.append('a', [], { expectedVersion: 0 })).toThrow(ConcurrencyError);
    expect(store.append('new', [], { expectedVersion: 'no_stream' })).toMatchObject({ firstSeq: 2, lastSeq: 1, nextExpectedVersion: 0 });
    expect(store.lastSeq()).toBe(1);
    expect(verifyLog(store.path)).toMatchObject({ ok: true, streams: 1 });
    store.close();
  });

  it('persists across reopening and creates the schema only once', () => {
    const path = join(temp.make(), 'nested', 'dir', 'events.db');
    const first = openSqliteStore(path, testCodec);
    first.append('a', [created('1')], { expectedVersion: 'no_stream' });
    first.close();
    first.close(); // idempotent
    const second = openSqliteStore(path, testCodec);
    expect(second.readStream('a').map((e) => e.event)).toEqual([created('1')]);
    expect(second.append('a', [closed('1')], { expectedVersion: 1 }).lastSeq).toBe(2);
    expect(second.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(second.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(second.db.prepare("SELECT value FROM meta WHERE key = 'format_version'").pluck().get()).toBe('1');
    second.close();
  });

  it('refuses to update or delete stored events through SQL', () => {
    const store = openTemp();
    store.append('a', [created('1')], { expectedVersion: 'no_stream' });
    expect(() => store.db.prepare("UPDATE messages SET message_data = '{}'").run()).toThrow(/append-only/);
    expect(() => store.db.prepare('DELETE FROM messages').run()).toThrow(/append-only/);
    store.close();
  });
});

describe('when two appends expect the same version', () => {
  it('lets exactly one win on one connection', () => {
    const store = openTemp();
    store.append('a', [created('1')], { expectedVersion: 'no_stream' });
    store.append('a', [renamed('1', 'first writer')], { expectedVersion: 1 });
    const error = catchError(() => store.append('a', [renamed('1', 'second writer')], { expectedVersion: 1 }));
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ streamId: 'a', expected: 1, actual: 2 });
    expect(store.readStream('a').map((e) => e.event)).toEqual([created('1'), renamed('1', 'first writer')]);
    store.close();
  });

  it('lets exactly one win across two connections to the same file', () => {
    const path = join(temp.make(), 'events.db');
    const one = openSqliteStore(path, testCodec);
    const two = openSqliteStore(path, testCodec);
    expect(one.streamVersion('a')).toBe(0);
    expect(two.streamVersion('a')).toBe(0);
    one.append('a', [created('1', 'from one')], { expectedVersion: 'no_stream' });
    const error = catchError(() => two.append('a', [created('1', 'from two')], { expectedVersion: 'no_stream' }));
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ streamId: 'a', expected: 'no_stream', actual: 1 });
    expect(two.readStream('a').map((e) => e.event)).toEqual([created('1', 'from one')]);
    // The loser can retry from the version it was told about, and the global chain stays intact.
    two.append('a', [closed('1')], { expectedVersion: (error as ConcurrencyError).actual });
    one.append('b', [created('2')], { expectedVersion: 'no_stream' });
    expect(verifyLog(path)).toMatchObject({ ok: true, events: 3, streams: 2 });
    one.close();
    two.close();
  });

  it("never checks the version with 'any' and rejects 'no_stream' on an existing stream", () => {
    const store = openTemp();
    store.append('a', [created('1')], { expectedVersion: 'any' });
    store.append('a', [closed('1')], { expectedVersion: 'any' });
    expect(() => store.append('a', [created('2')], { expectedVersion: 'no_stream' })).toThrow(ConcurrencyError);
    expect(() => store.append('a', [created('2')], { expectedVersion: 5 })).toThrow(/expected version 5 but the stream is at version 2/);
    expect(store.streamVersion('a')).toBe(2);
    store.close();
  });

  it('rejects malformed expected versions and stream ids', () => {
    const store = openTemp();
    expect(() => store.append('a', [created('1')], { expectedVersion: -1 })).toThrow(TypeError);
    expect(() => store.append('a', [created('1')], { expectedVersion: 1.5 })).toThrow(TypeError);
    expect(() => store.append('', [created('1')], { expectedVersion: 'any' })).toThrow(TypeError);
    expect(store.lastSeq()).toBe(0);
    store.close();
  });
});

describe('when an event is invalid', () => {
  it('rejects the whole batch before writing anything', () => {
    const store = openTemp();
    store.append('a', [created('1')], { expectedVersion: 'no_stream' });
    const bad = { type: 'TaskCreated', data: { taskId: '2' }, metadata: {} } as unknown as TestEvent;
    expect(() => store.append('a', [created('2'), bad, created('3')], { expectedVersion: 1 })).toThrow(/title/);
    const unknownType = { type: 'TaskExploded', data: {}, metadata: {} } as unknown as TestEvent;
    expect(() => store.append('b', [unknownType], { expectedVersion: 'no_stream' })).toThrow();
    expect(store.lastSeq()).toBe(1);
    expect(store.streamVersion('a')).toBe(1);
    expect(store.streamVersion('b')).toBe(0);
    expect(store.db.prepare('SELECT COUNT(*) FROM streams').pluck().get()).toBe(1);
    store.close();
  });

  it('rejects payloads that are not JSON, even if the codec lets them through', () => {
    const lax: EventCodec<TestEvent> = { ...testCodec, encode: (e) => e };
    const store = openSqliteStore(join(temp.make(), 'events.db'), lax);
    const nan = { type: 'TaskClosed', data: { taskId: '1', outcome: 'done', score: Number.NaN }, metadata: {} } as TestEvent;
    expect(() => store.append('a', [created('1'), nan], { expectedVersion: 'no_stream' })).toThrow(/non-finite/);
    expect(store.lastSeq()).toBe(0);
    store.close();
  });
});

describe('when reading rows written with an older or broken schema', () => {
  it('upcasts a v1 row written via raw SQL to the v2 shape', () => {
    const store = openTemp();
    store.append('a', [created('1', 'old title')], { expectedVersion: 'no_stream' });
    insertRaw(store.db, { streamId: 'a', type: 'TaskRenamed', schemaVersion: 1, data: { taskId: '1', name: 'v1 name' } });

    const [, renamedV1] = store.readStream('a');
    expect(renamedV1).toMatchObject({ seq: 2, streamPosition: 2, schemaVersion: 1 });
    expect(renamedV1?.event).toEqual({ type: 'TaskRenamed', data: { taskId: '1', title: 'v1 name', reason: 'unspecified' }, metadata: {} });
    expect([...store.readAll()][1]?.event.data).toEqual({ taskId: '1', title: 'v1 name', reason: 'unspecified' });
    // Upcasting never rewrites the row.
    expect(JSON.parse(store.db.prepare('SELECT message_data FROM messages WHERE global_position = 2').pluck().get() as string)).toEqual({
      taskId: '1',
      name: 'v1 name',
    });
    expect(verifyLog(store.path)).toMatchObject({ ok: true, events: 2 });
    store.close();
  });

  it('names the seq and the validation problem when a row does not decode', () => {
    const store = openTemp();
    store.append('a', [created('1')], { expectedVersion: 'no_stream' });
    insertRaw(store.db, { streamId: 'a', type: 'TaskClosed', schemaVersion: 1, data: { taskId: '1', outcome: 'exploded' } });
    const error = catchError(() => store.readStream('a'));
    expect(error).toBeInstanceOf(CorruptEventError);
    expect((error as CorruptEventError).seq).toBe(2);
    expect((error as Error).message).toMatch(/seq 2.*TaskClosed v1.*data\.outcome/);
    const iterator = store.readAll();
    expect(iterator.next().value?.seq).toBe(1);
    expect(() => iterator.next()).toThrow(CorruptEventError);
    store.close();
  });
});

describe('when the store is opened read-only', () => {
  it('reads what a writer wrote and refuses to append', () => {
    const path = join(temp.make(), 'events.db');
    const writer = openSqliteStore(path, testCodec);
    writer.append('a', [created('1')], { expectedVersion: 'no_stream' });
    writer.close(); // a clean close removes -wal and -shm; the reader must still open
    const reader = openSqliteStore(path, testCodec, { readonly: true });
    expect(reader.readStream('a').map((e) => e.event)).toEqual([created('1')]);
    expect(() => reader.append('a', [closed('1')], { expectedVersion: 1 })).toThrow(ReadOnlyStoreError);
    expect(() => reader.db.prepare('DELETE FROM streams').run()).toThrow();
    expect(reader.lastSeq()).toBe(1);
    reader.close();
  });

  it('sees appends from a live writer without blocking it', () => {
    const path = join(temp.make(), 'events.db');
    const writer = openSqliteStore(path, testCodec);
    writer.append('a', [created('1')], { expectedVersion: 'no_stream' });
    const reader = openSqliteStore(path, testCodec, { readonly: true });
    const iterator = reader.readAll();
    iterator.next();
    writer.append('a', [closed('1')], { expectedVersion: 1 });
    expect(reader.streamVersion('a')).toBe(2);
    expect(reader.readStream('a', { fromPosition: 2 })).toHaveLength(1);
    reader.close();
    writer.close();
  });

  it('reads a copy of the file in memory (image), creating no -wal or -shm beside it', () => {
    const dir = temp.make();
    const path = join(dir, 'events.db');
    const writer = openSqliteStore(path, testCodec);
    writer.append('a', [created('1'), closed('1')], { expectedVersion: 'no_stream' });
    writer.close();
    const before = readdirSync(dir);
    const image = readFileSync(path);
    const reader = openSqliteStore(path, testCodec, { readonly: true, image });
    expect([...reader.readAll()].map((e) => e.event)).toEqual([created('1'), closed('1')]);
    expect(() => reader.append('a', [closed('1')], { expectedVersion: 2 })).toThrow(ReadOnlyStoreError);
    reader.close();
    expect(readdirSync(dir)).toEqual(before);
    expect(readFileSync(path).equals(image)).toBe(true);
  });

  it('refuses a missing file or a file that is not an event store', () => {
    const dir = temp.make();
    expect(() => openSqliteStore(join(dir, 'missing.db'), testCodec, { readonly: true })).toThrow();
    expect(existsSync(join(dir, 'missing.db'))).toBe(false);
    const other = join(dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(() => openSqliteStore(other, testCodec, { readonly: true })).toThrow(/not an event store/);
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'not sqlite at all, definitely not, no no no no no no no no no no no no no no no');
    expect(() => openSqliteStore(junk, testCodec, { readonly: true })).toThrow();
  });
});

function insertRaw(db: Database.Database, row: { streamId: string; type: string; schemaVersion: number; data: unknown; metadata?: Record<string, unknown> }): void {
  const last = db.prepare('SELECT global_position AS seq, hash FROM messages ORDER BY global_position DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const streamPosition = ((db.prepare('SELECT stream_position FROM streams WHERE stream_id = ?').pluck().get(row.streamId) as number | undefined) ?? 0) + 1;
  const createdAt = '2023-01-01T00:00:00.000Z';
  const metadata = row.metadata ?? {};
  const hash = chainHash(prevHash, { seq, streamId: row.streamId, streamPosition, type: row.type, schemaVersion: row.schemaVersion, data: row.data, metadata, createdAt });
  db.prepare(
    'INSERT INTO messages (global_position, stream_id, stream_position, message_type, schema_version, message_data, message_metadata, created, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(seq, row.streamId, streamPosition, row.type, row.schemaVersion, JSON.stringify(row.data), JSON.stringify(metadata), createdAt, prevHash, hash);
  db.prepare('INSERT INTO streams (stream_id, stream_position, created, updated) VALUES (?, ?, ?, ?) ON CONFLICT (stream_id) DO UPDATE SET stream_position = excluded.stream_position').run(
    row.streamId,
    streamPosition,
    createdAt,
    createdAt,
  );
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
