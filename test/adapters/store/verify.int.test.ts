import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../../events/canonical.js';
import { chainHash } from '../../../adapters/store/hash.js';
import { openSqliteStore } from '../../../adapters/store/sqlite-store.js';
import { verifyLog } from '../../../adapters/store/verify.js';
import { closed, created, renamed, testCodec } from '../../events/support/test-codec.js';
import { tamper, tempDirs } from '../../events/support/temp.js';
import { swapPayloads, swapRows } from '../../support/tampering.js';

const temp = tempDirs();
afterEach(() => temp.cleanup());

/**
 * 8 events over 3 streams:
 * seq 1 a#1, 2 a#2, 3 b#1, 4 a#3, 5 b#2, 6 c#1, 7 a#4, 8 c#2
 */
function seededLog(): string {
  const path = join(temp.make(), 'events.db');
  const store = openSqliteStore(path, testCodec);
  store.append('a', [created('1', 'one'), renamed('1', 'uno')], { expectedVersion: 'no_stream' });
  store.append('b', [created('2', 'two')], { expectedVersion: 'no_stream' });
  store.append('a', [renamed('1', 'eins')], { expectedVersion: 2 });
  store.append('b', [closed('2')], { expectedVersion: 1 });
  store.append('c', [created('3', 'three')], { expectedVersion: 'no_stream' });
  store.append('a', [closed('1', 'dropped')], { expectedVersion: 3 });
  store.append('c', [renamed('3', 'drei')], { expectedVersion: 1 });
  store.close();
  return path;
}

function rowOf(path: string, seq: number): { hash: string } {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT hash FROM messages WHERE global_position = ?').get(seq) as { hash: string };
  } finally {
    db.close();
  }
}

/** Inserts a row 9 after the head whose hash the chain would give it, leaving the streams table as it was. */
function forgeChainedRow(path: string, streamId: string, streamPosition: number, type: string, data: Record<string, string>): void {
  const head = rowOf(path, 8).hash;
  const record = { seq: 9, streamId, streamPosition, type, schemaVersion: 1, data, metadata: {}, createdAt: '2024-01-01T00:00:00.000Z' };
  tamper(
    path,
    `INSERT INTO messages VALUES (9, '${streamId}', ${streamPosition}, '${type}', 1, '${JSON.stringify(data)}', '{}', '${record.createdAt}', '${head}', '${chainHash(head, record)}')`,
  );
}

describe('when the log is intact', () => {
  it('reports counts, last seq and the head hash', () => {
    const path = seededLog();
    expect(verifyLog(path)).toEqual({ ok: true, events: 8, streams: 3, lastSeq: 8, headHash: rowOf(path, 8).hash });
  });

  it('accepts an empty log', () => {
    const path = join(temp.make(), 'events.db');
    openSqliteStore(path, testCodec).close();
    expect(verifyLog(path)).toEqual({ ok: true, events: 0, streams: 0, lastSeq: 0, headHash: GENESIS_HASH });
  });

  it('accepts a payload re-serialised without changing its value', () => {
    const path = seededLog();
    tamper(path, "UPDATE messages SET message_data = ' ' || message_data || ' ' WHERE global_position = 4");
    expect(verifyLog(path)).toMatchObject({ ok: true, events: 8 });
  });

  it('refuses a file that is not an event store', () => {
    const path = join(temp.make(), 'other.db');
    new Database(path).exec('CREATE TABLE x (y)').close();
    expect(() => verifyLog(path)).toThrow(/not an event store/);
    expect(() => verifyLog(join(temp.make(), 'missing.db'))).toThrow();
  });
});

describe('when the log has been tampered with', () => {
  it('reports the seq whose payload was edited', () => {
    const path = seededLog();
    tamper(path, "UPDATE messages SET message_data = json_set(message_data, '$.title', 'forged') WHERE global_position = 4");
    expect(verifyLog(path)).toMatchObject({ ok: false, events: 3, firstBadSeq: 4, reason: expect.stringMatching(/hash/) });
  });

  it('reports the seq whose metadata, type or timestamp was edited', () => {
    for (const sql of [
      `UPDATE messages SET message_metadata = '{"actor":"mallory"}' WHERE global_position = 5`,
      `UPDATE messages SET created = '2000-01-01T00:00:00.000Z' WHERE global_position = 5`,
      `UPDATE messages SET schema_version = 2 WHERE global_position = 5`,
      `UPDATE messages SET message_type = 'TaskRenamed' WHERE global_position = 5`,
    ]) {
      const path = seededLog();
      tamper(path, sql);
      expect(verifyLog(path)).toMatchObject({ ok: false, firstBadSeq: 5 });
    }
  });

  it('reports the first missing seq when a row is deleted', () => {
    const path = seededLog();
    tamper(path, 'DELETE FROM messages WHERE global_position = 5');
    expect(verifyLog(path)).toMatchObject({ ok: false, events: 4, firstBadSeq: 5, reason: expect.stringMatching(/seq 5 is missing/) });
  });

  it('reports the deleted seq when the last row is deleted', () => {
    const path = seededLog();
    tamper(path, 'DELETE FROM messages WHERE global_position = 8');
    expect(verifyLog(path)).toMatchObject({ ok: false, events: 7, firstBadSeq: 8, reason: expect.stringMatching(/streams table/) });
  });

  it('reports the first seq when two rows swap payloads', () => {
    const path = seededLog();
    tamper(path, swapPayloads(2, 4));
    expect(verifyLog(path)).toMatchObject({ ok: false, firstBadSeq: 2 });
  });

  it('reports the first seq out of place when two rows of a stream swap positions', () => {
    const path = seededLog();
    tamper(
      path,
      `UPDATE messages SET stream_position = -1 WHERE global_position = 2;
       UPDATE messages SET stream_position = 2 WHERE global_position = 4;
       UPDATE messages SET stream_position = 3 WHERE global_position = 2;`,
    );
    expect(verifyLog(path)).toMatchObject({ ok: false, events: 1, firstBadSeq: 2, reason: expect.stringMatching(/position 3 .* expected 2/) });
  });

  it('reports the first seq out of place when two whole rows swap places in global order', () => {
    const path = seededLog();
    tamper(path, swapRows(3, 6));
    expect(verifyLog(path)).toMatchObject({ ok: false, events: 2, firstBadSeq: 3 });
  });

  it('detects a forged row with a made-up hash', () => {
    const path = seededLog();
    const head = rowOf(path, 8).hash;
    tamper(
      path,
      `INSERT INTO messages VALUES (9, 'a', 5, 'TaskClosed', 1, '{"outcome":"done","taskId":"1"}', '{}', '2024-01-01T00:00:00.000Z', '${head}', '${'f'.repeat(64)}');
       UPDATE streams SET stream_position = 5 WHERE stream_id = 'a';`,
    );
    expect(verifyLog(path)).toMatchObject({ ok: false, events: 8, firstBadSeq: 9, reason: expect.stringMatching(/hash/) });
  });

  it('detects a forged row with a correct hash when the streams table was not updated', () => {
    const path = seededLog();
    forgeChainedRow(path, 'a', 5, 'TaskClosed', { outcome: 'done', taskId: '1' });
    expect(verifyLog(path)).toMatchObject({ ok: false, events: 8, firstBadSeq: 9, reason: expect.stringMatching(/streams-table version 4/) });
  });

  it('detects a forged row in a stream the streams table does not know', () => {
    const path = seededLog();
    forgeChainedRow(path, 'ghost', 1, 'TaskCreated', { taskId: 'g', title: 'boo' });
    expect(verifyLog(path)).toMatchObject({ ok: false, firstBadSeq: 9, reason: expect.stringMatching(/missing from the streams table/) });
  });

  it('detects a forged row placed before the first event', () => {
    const path = seededLog();
    tamper(path, `INSERT INTO messages VALUES (0, 'a', 0, 'TaskCreated', 1, '{}', '{}', 'x', '${GENESIS_HASH}', '${GENESIS_HASH}')`);
    expect(verifyLog(path)).toMatchObject({ ok: false, events: 0, firstBadSeq: 0 });
  });

  it('detects a streams table that disagrees with the log', () => {
    const path = seededLog();
    tamper(path, "UPDATE streams SET stream_position = 7 WHERE stream_id = 'b'");
    expect(verifyLog(path)).toMatchObject({ ok: false, events: 8, firstBadSeq: 9, reason: expect.stringMatching(/"b" is at version 7/) });
  });

  it('detects a broken prev_hash link', () => {
    const path = seededLog();
    tamper(path, `UPDATE messages SET prev_hash = '${'a'.repeat(64)}' WHERE global_position = 6`);
    expect(verifyLog(path)).toMatchObject({ ok: false, events: 5, firstBadSeq: 6, reason: expect.stringMatching(/prev_hash/) });
  });
});
