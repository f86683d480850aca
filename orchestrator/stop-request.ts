/**
 * Taking the STOP file's request: the file is read as an untrusted one (never through a link, never
 * blocking on a FIFO, at most 4 KiB), removed, and whatever stood there is a request to stop.
 */
import { readConfined, removeConfined } from '../adapters/fs/confined.js';
import { describeKind } from '../adapters/fs/entry.js';
import { parseStopFile, unreadableStopFile, type StopFileRequest } from './stop-file.js';

/** Largest STOP file read; `autopilot stop` writes two short lines. */
const MAX_STOP_BYTES = 4096;

/** The request of the STOP file at `path` (inside `root`), which is removed; null when there is none. */
export function takeStopRequest(root: string, path: string): StopFileRequest | null {
  const read = readConfined(root, path, MAX_STOP_BYTES);
  if (read.kind === 'missing') return null;
  removeConfined(root, path);
  switch (read.kind) {
    case 'file':
      return parseStopFile(read.bytes.toString('utf8'));
    case 'too-large':
      return unreadableStopFile(`${read.size} bytes, more than the ${read.max} read`);
    case 'unsafe': {
      const { kind, target } = read.entry;
      return unreadableStopFile(kind === 'symlink' ? `a symlink to ${target ?? '?'}` : describeKind(kind));
    }
  }
}
