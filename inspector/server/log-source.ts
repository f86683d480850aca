/**
 * The inspector's one read-only view of a workspace's log. The workspace is hostile ground and the
 * server never writes to it: a link, FIFO or device at a store file is refused, never opened; a log
 * whose WAL is absent or empty (no writer at work) is read into memory and opened from there, since
 * SQLite opening the file, even read-only, creates `-wal` and `-shm` next to it and writes to the
 * latter; a log with WAL frames (a writer at work) is read through a read-only connection. A log that appears, grows
 * or is replaced after the server starts is picked up on the next call.
 */
import { lstatSync } from 'node:fs';
import { workspaceBlobs } from '../../adapters/blob-files.js';
import { readConfined } from '../../adapters/fs/confined.js';
import { unsafeStoreFile } from '../../adapters/store-files.js';
import { openSqliteStore, type SqliteEventStore } from '../../adapters/store/sqlite-store.js';
import type { WorkspacePaths } from '../../adapters/workspace.js';
import { catalogueCodec, type AutopilotEvent } from '../../events/catalogue.js';

/** Largest still log copied into memory; a larger one is opened as a file (SQLite then creates its -wal and -shm). */
export const STILL_COPY_MAX_BYTES = 256 * 1024 * 1024;

/** The workspace's log as the server reads it. */
export interface LogSource {
  /** The store as it is now, or null: no log yet, or one refused (see {@link LogSource.problem}). */
  current(): SqliteEventStore<AutopilotEvent> | null;
  /** Why the log is not read (a planted link, a file that is no event store), or null. */
  problem(): string | null;
  close(): void;
}

type Opened = { store: SqliteEventStore<AutopilotEvent>; key: string; live: boolean };

// What identifies the file's content for a still log: a change in any of them means read it again.
function fileKey(path: string): string | null {
  try {
    const st = lstatSync(path);
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return null;
  }
}

// Whether a WAL file with content stands at `path` (what is there was checked by unsafeStoreFile).
function walFrames(path: string): boolean {
  try {
    return lstatSync(path).size > 0;
  } catch {
    return false;
  }
}

// The device and inode alone: the file a live connection reads, whatever its size.
const fileId = (key: string) => key.split(':', 2).join(':');

/** Opens nothing yet: each {@link LogSource.current} call looks at the files and (re)opens as needed. */
export function openLogSource(paths: WorkspacePaths): LogSource {
  let opened: Opened | null = null;
  let problem: string | null = null;
  const wal = `${paths.events}-wal`;
  const drop = () => {
    opened?.store.close();
    opened = null;
  };
  const open = (live: boolean, key: string, image?: Uint8Array): Opened => ({
    store: openSqliteStore(paths.events, catalogueCodec, { readonly: true, blobs: workspaceBlobs(paths), ...(image ? { image } : {}) }),
    key,
    live,
  });

  const current = (): SqliteEventStore<AutopilotEvent> | null => {
    const unsafe = unsafeStoreFile(paths.root);
    if (unsafe) {
      drop();
      problem = `${unsafe.path} is ${unsafe.what}, not a regular file of its own: the log is not read through it`;
      return null;
    }
    problem = null;
    const key = fileKey(paths.events);
    if (key === null) {
      drop();
      return null;
    }
    // A WAL with frames: a writer is at work (or left them); an empty or absent one: the file holds the whole log.
    const live = walFrames(wal);
    // The same file, read the same way: a live connection sees new events; a still copy is current while the file is unchanged.
    if (opened && opened.live === live && (live ? fileId(opened.key) === fileId(key) : opened.key === key)) return opened.store;
    drop();
    try {
      opened = live ? open(true, key) : openStill(key);
      return opened?.store ?? null;
    } catch (error) {
      problem = `${paths.events} cannot be read: ${(error as Error).message}`;
      return null;
    }
  };

  // Copies a still log; null when it changed while being copied (the next call tries again).
  const openStill = (key: string): Opened | null => {
    const read = readConfined(paths.root, paths.events, STILL_COPY_MAX_BYTES);
    if (read.kind === 'too-large') return open(false, key);
    if (read.kind === 'missing') return null;
    if (read.kind === 'unsafe') throw new Error(`it is a ${read.entry.kind}`);
    if (walFrames(wal) || fileKey(paths.events) !== key) return null;
    return open(false, key, read.bytes);
  };

  return { current, problem: () => problem, close: drop };
}
