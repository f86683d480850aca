/**
 * What changed in a workspace since a moment, judged by ctime (which a process without root cannot
 * set back): the only trace left of an agent step whose snapshot died with the loop.
 */
import { lstatSync } from 'node:fs';
import { kindOf, type EntryKind } from './entry.js';
import { walkEntries } from './walk.js';

/** One entry changed since the moment, and whether it was born after it (when the file system says). */
export interface ChangedEntry {
  path: string;
  kind: EntryKind;
  created: boolean;
}

/**
 * Every entry under `root` other than a directory whose ctime is at or after `sinceMs`, not
 * descending into links; `skip` leaves out relative paths (and what is under them). At most `max`
 * are listed; `more` counts the rest.
 */
export function changedSince(root: string, sinceMs: number, skip: (rel: string) => boolean, max = 1000): { entries: ChangedEntry[]; more: number } {
  const entries: ChangedEntry[] = [];
  let more = 0;
  const since = BigInt(Math.floor(sinceMs)) * 1_000_000n;
  walkEntries(root, skip, (abs, rel) => {
    let st;
    try {
      st = lstatSync(abs, { bigint: true });
    } catch {
      return false;
    }
    const kind = kindOf(st);
    if (kind === 'directory') return true;
    if (st.ctimeNs >= since) {
      if (entries.length < max) entries.push({ path: rel, kind, created: st.birthtimeNs > 0n && st.birthtimeNs >= since });
      else more++;
    }
    return false;
  });
  return { entries, more };
}
