/**
 * The event log kept whole while untrusted processes share its folder. SQLite writes on through
 * an `events.db` (or `-wal`) that was deleted or replaced, into a file no name reaches any more —
 * lost when the loop closes it. So the loop compares the files' identities with those of its open
 * connection before each append and, when they differ, writes the log from that connection to a
 * fresh file (`VACUUM INTO`, in a folder it just made), puts it at `events.db` (whatever stands
 * there is removed, never written through) and opens it again.
 */
import { lstatSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EventEnvelope, EventStore, SnapshotStore } from '../events/store.js';
import type { SqliteEventStore } from './store/sqlite-store.js';
import { removeConfined } from './fs/confined.js';
import { kindOf, linkTarget, type EntryKind } from './fs/entry.js';

/** A store file found deleted or replaced, and put back. */
export interface RestoredStoreFile {
  path: string;
  change: 'deleted' | 'modified';
  /** What stood there when it was found (absent: nothing). */
  kind?: EntryKind;
  target?: string;
  restored: boolean;
  note: string;
}

/** An event store whose files are checked, and restored from its own connection, on demand. */
export type GuardedStore<E extends EventEnvelope> = EventStore<E> &
  SnapshotStore & {
    /** Compares the log's files with the open connection's; restores them when they differ. */
    checkFiles(): RestoredStoreFile[];
  };

/** A regular file's device and inode (null: not a regular file, or nothing there). */
export type Identity = { dev: number; ino: number } | null;

/** The identity and the kind of what stands at `path` (never followed). */
export function identityOf(path: string): { id: Identity; kind: EntryKind | null } {
  try {
    const st = lstatSync(path);
    return { id: st.isFile() ? { dev: st.dev, ino: st.ino } : null, kind: kindOf(st) };
  } catch {
    return { id: null, kind: null };
  }
}

/** Whether two identities name one and the same regular file. */
export const sameFile = (a: Identity, b: Identity) => a !== null && b !== null && a.dev === b.dev && a.ino === b.ino;

/** Wraps the store `open` opens at `root/events.db`, so that {@link GuardedStore.checkFiles} can restore it. */
export function guardStore<E extends EventEnvelope>(root: string, open: () => SqliteEventStore<E>): GuardedStore<E> {
  const dbPath = join(root, 'events.db');
  const walPath = `${dbPath}-wal`;
  let store = open();
  let known = { db: identityOf(dbPath).id, wal: identityOf(walPath).id };
  // The WAL appears with the first write: its identity is taken after each append.
  const noteWal = () => {
    const wal = identityOf(walPath).id;
    if (wal) known = { ...known, wal };
  };

  const checkFiles = (): RestoredStoreFile[] => {
    const found: RestoredStoreFile[] = [];
    for (const [path, id] of [
      [dbPath, known.db],
      [walPath, known.wal],
    ] as const) {
      if (id === null) continue;
      const now = identityOf(path);
      if (sameFile(now.id, id)) continue;
      const target = now.kind === 'symlink' ? linkTarget(path) : null;
      found.push({
        path: path.slice(root.length + 1),
        change: now.kind === null ? 'deleted' : 'modified',
        ...(now.kind ? { kind: now.kind } : {}),
        ...(target !== null ? { target } : {}),
        restored: true,
        note: '',
      });
    }
    if (found.length === 0) return [];
    const events = restore();
    return found.map((f) => ({ ...f, note: `the log (${events} events) was written again from the loop's open connection; whatever stood there was removed, never written through` }));
  };

  const restore = (): number => {
    const events = store.lastSeq();
    const dir = mkdtempSync(join(root, '.events-restore-'));
    try {
      const fresh = join(dir, 'events.db');
      store.db.exec(`VACUUM INTO '${fresh.replace(/'/g, "''")}'`);
      store.close();
      for (const suffix of ['', '-wal', '-shm', '-journal']) removeConfined(root, `${dbPath}${suffix}`);
      renameSync(fresh, dbPath);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    store = open();
    known = { db: identityOf(dbPath).id, wal: identityOf(walPath).id };
    return events;
  };

  return {
    checkFiles,
    append: (streamId, events, options) => {
      const result = store.append(streamId, events, options);
      noteWal();
      return result;
    },
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    streamVersion: (streamId) => store.streamVersion(streamId),
    lastSeq: () => store.lastSeq(),
    close: () => store.close(),
    saveSnapshot: (name, seq, body) => {
      store.saveSnapshot(name, seq, body);
      noteWal();
    },
    loadSnapshot: (name, atOrBefore) => store.loadSnapshot(name, atOrBefore),
    clearSnapshots: (name) => store.clearSnapshots(name),
  };
}
