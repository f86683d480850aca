import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { FileBlobStore } from '../../adapters/blob-files.js';
import { blobRefText, parseBlobRef } from '../../events/blobs.js';
import { importJsonl } from '../../adapters/store/import.js';
import { formatStoredRow, JsonlError, parseLogRow } from '../../adapters/store/jsonl.js';
import { openSqliteStore, readStoredRows } from '../../adapters/store/sqlite-store.js';
import { CorruptEventError } from '../../events/store.js';
import { verifyLog } from '../../adapters/store/verify.js';
import { closed, created, testCodec } from './support/test-codec.js';
import { tempDirs } from './support/temp.js';

const temp = tempDirs();
afterEach(() => temp.cleanup());

const LIMIT = 4096;
const bigTitle = 'é'.repeat(3000); // 6,000 UTF-8 bytes, under 4,096 UTF-16 units

/** A log of 3 events, the second too large for LIMIT: its data is in a blob. */
function logWithBlob() {
  const dir = temp.make();
  const path = join(dir, 'events.db');
  const blobs = new FileBlobStore(join(dir, 'blobs'));
  const store = openSqliteStore(path, testCodec, { blobs, maxEventBytes: LIMIT });
  store.append('a', [created('1', 'small'), created('2', bigTitle), closed('1')], { expectedVersion: 'no_stream' });
  store.close();
  const blobDir = join(dir, 'blobs');
  const [name] = readdirSync(blobDir);
  return { dir, path, blobs, blobFile: join(blobDir, name!), name: name! };
}

function storedData(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare<[], string>('SELECT message_data FROM messages ORDER BY global_position').pluck().all();
  } finally {
    db.close();
  }
}

describe('when an event is larger than max_event_bytes', () => {
  it('stores its data in a blob named by its sha256 and a short reference in the row', () => {
    const { path, blobFile, name } = logWithBlob();
    const rows = storedData(path);
    expect(rows[0]).toBe('{"taskId":"1","title":"small"}');
    const text = readFileSync(blobFile, 'utf8');
    expect(text).toBe(JSON.stringify({ taskId: '2', title: bigTitle }));
    const sha = createHash('sha256').update(text).digest('hex');
    expect(name).toBe(`${sha}.json`);
    expect(rows[1]).toBe(blobRefText({ sha256: sha, bytes: Buffer.byteLength(text) }));
    for (const row of rows) expect(Buffer.byteLength(row)).toBeLessThan(LIMIT);
  });

  it('gives every reader the full data back, and verify checks the blob', () => {
    const { path, blobs } = logWithBlob();
    const reader = openSqliteStore(path, testCodec, { readonly: true, blobs });
    expect([...reader.readAll()].map((e) => e.event.data)).toEqual([
      { taskId: '1', title: 'small' },
      { taskId: '2', title: bigTitle },
      { taskId: '1', outcome: 'done' },
    ]);
    expect(reader.readStream('a', { fromPosition: 2 })[0]?.event.data).toEqual({ taskId: '2', title: bigTitle });
    reader.close();
    expect(verifyLog(path, { blobs })).toMatchObject({ ok: true, events: 3 });
  });

  it('returns from the append the full data of an event it moved to a blob, as a reader reads it', () => {
    const dir = temp.make();
    const blobs = new FileBlobStore(join(dir, 'blobs'));
    const store = openSqliteStore(join(dir, 'events.db'), testCodec, { blobs, maxEventBytes: LIMIT });
    const stored = store.append('a', [created('1', 'small'), created('2', bigTitle)], { expectedVersion: 'no_stream' }).stored();
    expect(stored[1]?.event.data).toEqual({ taskId: '2', title: bigTitle });
    expect(stored).toStrictEqual(store.readStream('a'));
    store.close();
  });

  it('writes one blob for equal data (content-addressed) and keeps small events inline', () => {
    const dir = temp.make();
    const blobs = new FileBlobStore(join(dir, 'blobs'));
    const store = openSqliteStore(join(dir, 'events.db'), testCodec, { blobs, maxEventBytes: LIMIT });
    store.append('a', [created('2', bigTitle)], { expectedVersion: 'any' });
    store.append('b', [created('2', bigTitle)], { expectedVersion: 'any' });
    store.close();
    expect(readdirSync(join(dir, 'blobs'))).toHaveLength(1);
  });

  it('refuses the append, writing nothing, when the store has no blob folder', () => {
    const path = join(temp.make(), 'events.db');
    const store = openSqliteStore(path, testCodec, { maxEventBytes: LIMIT });
    expect(() => store.append('a', [created('1'), created('2', bigTitle)], { expectedVersion: 'any' })).toThrow(
      /event TaskCreated is \d+ bytes, above the 4096 allowed \(limits.max_event_bytes\), and this store has no blob folder/,
    );
    expect(store.lastSeq()).toBe(0);
    store.close();
  });
});

describe('when a blob is missing or altered (the workspace is hostile ground)', () => {
  const readAll = (path: string, blobs?: FileBlobStore) => {
    const store = openSqliteStore(path, testCodec, { readonly: true, ...(blobs ? { blobs } : {}) });
    try {
      return [...store.readAll()];
    } finally {
      store.close();
    }
  };

  it('names the blob and the seq when it is missing, in readers and in verify', () => {
    const { path, blobs, blobFile } = logWithBlob();
    rmSync(blobFile);
    expect(() => readAll(path, blobs)).toThrow(CorruptEventError);
    expect(() => readAll(path, blobs)).toThrow(`Event seq 2 is corrupt or does not match the event catalogue: blob ${blobFile} is missing`);
    expect(verifyLog(path, { blobs })).toEqual({ ok: false, events: 1, firstBadSeq: 2, reason: `blob ${blobFile} is missing` });
  });

  it('detects an altered blob of the same size, and one of another size', () => {
    const { path, blobs, blobFile } = logWithBlob();
    const text = readFileSync(blobFile, 'utf8');
    writeFileSync(blobFile, text.replace('"2"', '"3"'));
    expect(() => readAll(path, blobs)).toThrow(/seq 2 .*does not match its sha256: it was altered/);
    expect(verifyLog(path, { blobs })).toMatchObject({ ok: false, firstBadSeq: 2, reason: expect.stringContaining(`blob ${blobFile} does not match its sha256`) });
    writeFileSync(blobFile, `${text} `);
    expect(verifyLog(path, { blobs })).toMatchObject({ ok: false, firstBadSeq: 2, reason: expect.stringMatching(/holds \d+ bytes where its reference says \d+/) });
  });

  it('never follows a symbolic link, even to a file with the right content', () => {
    const { dir, path, blobs, blobFile } = logWithBlob();
    const decoy = join(dir, 'decoy.json');
    renameSync(blobFile, decoy);
    symlinkSync(decoy, blobFile);
    expect(() => readAll(path, blobs)).toThrow(/is a symbolic link/);
    // A symlinked blob folder is refused as well.
    const elsewhere = join(dir, 'elsewhere');
    renameSync(join(dir, 'blobs'), elsewhere);
    symlinkSync(elsewhere, join(dir, 'blobs'));
    expect(verifyLog(path, { blobs })).toMatchObject({ ok: false, firstBadSeq: 2, reason: expect.stringContaining('is a symbolic link') });
  });

  it('does not block on a FIFO in place of the blob', () => {
    const { path, blobs, blobFile } = logWithBlob();
    rmSync(blobFile);
    execFileSync('mkfifo', [blobFile]);
    expect(() => readAll(path, blobs)).toThrow(/is not a regular file/);
  });

  it('fails a reader without a blob folder clearly, and verify says the blob was not checked', () => {
    const { path, name } = logWithBlob();
    expect(() => readAll(path)).toThrow(`Event seq 2 is corrupt or does not match the event catalogue: its data is in blob ${name}, but this store was opened without its blob folder`);
    expect(verifyLog(path)).toMatchObject({ ok: false, firstBadSeq: 2, reason: `its data is in blob ${name}, which was not checked (no blob folder given)` });
  });

  it('replaces a planted file (altered content or a symlink) when the blob is written again', () => {
    const { dir, blobs, blobFile } = logWithBlob();
    const good = readFileSync(blobFile, 'utf8');
    const decoy = join(dir, 'decoy.txt');
    writeFileSync(decoy, 'decoy\n');
    rmSync(blobFile);
    symlinkSync(decoy, blobFile);
    blobs.put(good);
    expect(readFileSync(decoy, 'utf8')).toBe('decoy\n');
    expect(readFileSync(blobFile, 'utf8')).toBe(good);
  });

  it('refuses to write into a blob folder that is a symbolic link', () => {
    const dir = temp.make();
    mkdirSync(join(dir, 'target'));
    symlinkSync(join(dir, 'target'), join(dir, 'blobs'));
    expect(() => new FileBlobStore(join(dir, 'blobs')).put('{}')).toThrow(/is a symbolic link/);
    expect(readdirSync(join(dir, 'target'))).toEqual([]);
  });
});

describe('when a log with blobs is exported and imported', () => {
  const exportLines = (path: string, blobs: FileBlobStore) =>
    [...readStoredRows(path)].map((row) => {
      const ref = parseBlobRef(JSON.parse(row.dataJson));
      return formatStoredRow(row, ref ? blobs.get(ref) : undefined);
    });

  it('carries the blob on its line, and the imported log holds the same rows and blob', () => {
    const { path, blobs, name } = logWithBlob();
    const lines = exportLines(path, blobs);
    expect(JSON.parse(lines[1]!)).toMatchObject({ data: { $blob: { sha256: name.slice(0, 64) } }, blob: { taskId: '2', title: bigTitle } });
    expect('blob' in (JSON.parse(lines[0]!) as object)).toBe(false);

    const dir = temp.make();
    const target = new FileBlobStore(join(dir, 'blobs'));
    const store = openSqliteStore(join(dir, 'events.db'), testCodec, { blobs: target });
    importJsonl(store.db, lines, testCodec, { blobs: target });
    store.close();
    expect(storedData(join(dir, 'events.db'))).toEqual(storedData(path));
    expect(readFileSync(join(dir, 'blobs', name), 'utf8')).toBe(readFileSync(join(blobs.dir, name), 'utf8'));
    expect(verifyLog(join(dir, 'events.db'), { blobs: target })).toMatchObject({ ok: true, events: 3 });
  });

  it('refuses a line whose blob was altered or left out, or a stray blob, naming the line', () => {
    const { path, blobs } = logWithBlob();
    const lines = exportLines(path, blobs);
    const importInto = (edited: string[]) => {
      const dir = temp.make();
      const target = new FileBlobStore(join(dir, 'blobs'));
      const store = openSqliteStore(join(dir, 'events.db'), testCodec, { blobs: target });
      try {
        importJsonl(store.db, edited, testCodec, { blobs: target });
      } finally {
        store.close();
      }
    };
    const line2 = JSON.parse(lines[1]!) as Record<string, unknown>;
    const altered = JSON.stringify({ ...line2, blob: { taskId: '2', title: 'forged' } });
    expect(() => importInto([lines[0]!, altered, lines[2]!])).toThrow(JsonlError);
    expect(() => importInto([lines[0]!, altered, lines[2]!])).toThrow(/line 2: field "blob" does not match the reference in data/);
    const { blob: _dropped, ...without } = line2;
    expect(() => importInto([lines[0]!, JSON.stringify(without), lines[2]!])).toThrow(/line 2: field "blob" is missing: data refers to blob/);
    const stray = JSON.stringify({ ...(JSON.parse(lines[0]!) as object), blob: {} });
    expect(() => importInto([stray])).toThrow(/line 1: field "blob" is only allowed on a line whose data is a blob reference/);
    expect(parseLogRow(lines[1]!, 2).blob).toEqual({ taskId: '2', title: bigTitle });
  });
});

describe('when a reference is parsed', () => {
  it('accepts exactly {"$blob": {bytes, sha256}}', () => {
    const sha256 = 'a'.repeat(64);
    expect(parseBlobRef({ $blob: { bytes: 3, sha256 } })).toEqual({ bytes: 3, sha256 });
    for (const bad of [{ $blob: { bytes: 3, sha256: '../x' } }, { $blob: { bytes: -1, sha256 } }, { $blob: { bytes: 3, sha256, extra: 1 } }, { $blob: { bytes: 3, sha256 }, x: 1 }, null, []])
      expect(parseBlobRef(bad)).toBeNull();
  });

  it('reports a malformed reference in the log as corrupt, naming the seq', () => {
    const { path, blobs } = logWithBlob();
    const db = new Database(path);
    db.exec('DROP TRIGGER messages_no_update');
    db.prepare('UPDATE messages SET message_data = \'{"$blob":{"sha256":"../../etc/passwd"}}\' WHERE global_position = 2').run();
    db.close();
    const store = openSqliteStore(path, testCodec, { readonly: true, blobs });
    expect(() => [...store.readAll()]).toThrow(/Event seq 2 .*malformed blob reference/);
    store.close();
    expect(existsSync(path)).toBe(true);
  });
});
