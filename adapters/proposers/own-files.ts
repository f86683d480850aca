/**
 * An agent attempt's own files under logs/ (its log, stdout copy, exit record, MCP call log,
 * prompt copy, MCP config) must be regular files of their own, or absent, whenever the loop is about
 * to write or read them: the agent can reach logs/, and a previous attempt (or this one) may have
 * put a link, a FIFO or a hard link to a file elsewhere there. Such an entry is removed — never
 * followed, opened for writing or appended through — and described for a GuardrailViolation.
 */
import { closeSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { openConfined, readConfined, removeConfined } from '../fs/confined.js';
import { describeKind } from '../fs/entry.js';
import type { Change } from '../integrity.js';

/**
 * Removes whatever stands at each of `rels` (relative to `root`) that is not a regular file with
 * one name; returns one Change per entry removed, `when` saying at which point it was found.
 */
export function clearOwnFiles(root: string, rels: readonly string[], when: string): Change[] {
  const found: Change[] = [];
  for (const rel of rels) {
    const abs = join(root, rel);
    // A zero cap: nothing is read, only what stands there is told (a FIFO is opened non-blocking, for reading only).
    const read = readConfined(root, abs, 0);
    if (read.kind === 'missing') continue;
    if (read.kind === 'unsafe') {
      const { entry } = read;
      removeConfined(root, join(root, entry.path));
      const where = entry.path === rel ? '' : ` (on the way to ${rel})`;
      found.push({
        path: entry.path,
        change: 'modified',
        restored: true,
        kind: entry.kind,
        ...(entry.target !== undefined ? { target: entry.target } : {}),
        note: `${describeKind(entry.kind)}${where} where this attempt's own file goes, ${when}; removed, never followed`,
      });
      continue;
    }
    const names = linkCount(root, abs);
    if (names > 1) {
      // Appending to it would write into a file that has another name, maybe outside the workspace.
      removeConfined(root, abs);
      found.push({
        path: rel,
        change: 'modified',
        restored: true,
        kind: 'file',
        note: `a hard link (${names} names for one file) where this attempt's own file goes, ${when}; this name removed, nothing written through it`,
      });
    }
  }
  return found;
}

function linkCount(root: string, abs: string): number {
  const opened = openConfined(root, abs);
  if (!opened) return 1;
  try {
    return fstatSync(opened.fd).nlink;
  } finally {
    closeSync(opened.fd);
  }
}
