import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ReadOnlyStoreError, hasSnapshots } from '../../events/store.js';
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import { verifyLog } from '../../adapters/store/verify.js';
import { tamper, tempDirs } from './support/temp.js';
import { created, testCodec } from './support/test-codec.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

/** A log of `n` events in one stream. */
function logOf(n: number) {
  const path = join(dirs.make(), 'events.db');
  const store = openSqliteStore(path, testCodec);
  store.append(
    'tasks',
    Array.from({ length: n }, (_, i) => created(String(i))),
    { expectedVersion: 'no_stream' },
  );
  return { path, store };
}

describe('when snapshots are kept beside the log', () => {
  it('loads the latest one at or before the asked seq, and none before the first', () => {
    const { store } = logOf(10);
    expect(hasSnapshots(store)).toBe(true);
    store.saveSnapshot('s', 4, 'four');
    store.saveSnapshot('s', 8, 'eight');
    store.saveSnapshot('other', 6, 'six');
    expect(store.loadSnapshot('s', 10)).toEqual({ seq: 8, body: 'eight' });
    expect(store.loadSnapshot('s', 7)).toEqual({ seq: 4, body: 'four' });
    expect(store.loadSnapshot('s', 3)).toBeNull();
    expect(store.loadSnapshot('other', 10)).toEqual({ seq: 6, body: 'six' });
    store.close();
  });

  it('refuses a snapshot of an event the log does not have', () => {
    const { store } = logOf(3);
    expect(() => store.saveSnapshot('s', 4, 'x')).toThrow('cannot snapshot s at seq 4: the log has no such event');
    store.close();
  });

  it('replaces a snapshot taken again at the same seq, and clears them by name', () => {
    const { store } = logOf(5);
    store.saveSnapshot('s', 5, 'old');
    store.saveSnapshot('s', 5, 'new');
    expect(store.loadSnapshot('s', 5)).toEqual({ seq: 5, body: 'new' });
    store.clearSnapshots('s');
    expect(store.loadSnapshot('s', 5)).toBeNull();
    store.close();
  });

  it('ignores a snapshot whose event is no longer the one it was taken after', () => {
    const { path, store } = logOf(6);
    store.saveSnapshot('s', 3, 'three');
    store.saveSnapshot('s', 5, 'five');
    store.close();
    // As if the log had been replaced by another history: event 5's hash changes.
    tamper(path, "UPDATE messages SET hash = 'f00' WHERE global_position = 5");
    const reader = openSqliteStore(path, testCodec, { readonly: true });
    expect(reader.loadSnapshot('s', 6)).toEqual({ seq: 3, body: 'three' });
    reader.close();
  });

  it('lets readers load but not save, and is no part of what verify checks', () => {
    const { path, store } = logOf(4);
    store.saveSnapshot('s', 2, 'two');
    store.close();
    const reader = openSqliteStore(path, testCodec, { readonly: true });
    expect(reader.loadSnapshot('s', 4)).toEqual({ seq: 2, body: 'two' });
    expect(() => reader.saveSnapshot('s', 3, 'x')).toThrow(ReadOnlyStoreError);
    expect(() => reader.clearSnapshots('s')).toThrow(ReadOnlyStoreError);
    reader.close();
    tamper(path, "UPDATE snapshots SET body = 'anything'");
    expect(verifyLog(path).ok).toBe(true);
  });

  it('reads a log written before snapshots existed (no table) as having none', () => {
    const { path, store } = logOf(3);
    store.close();
    const db = new Database(path);
    db.exec('DROP TABLE snapshots');
    db.close();
    const reader = openSqliteStore(path, testCodec, { readonly: true });
    expect(reader.loadSnapshot('s', 3)).toBeNull();
    reader.close();
    // A writer adds the table again.
    const writer = openSqliteStore(path, testCodec);
    writer.saveSnapshot('s', 3, 'three');
    expect(writer.loadSnapshot('s', 3)).toEqual({ seq: 3, body: 'three' });
    writer.close();
  });
});
