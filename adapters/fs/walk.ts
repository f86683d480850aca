/** A walk over a folder's entries that never follows a link. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Calls `visit` for every entry under `root`, by name order, with its absolute and relative
 * (`/`-separated) path; descends into an entry only when `visit` returns true (a directory it
 * lstat-ed: never a link). `skip` leaves out relative paths and what is under them.
 */
export function walkEntries(root: string, skip: (rel: string) => boolean, visit: (abs: string, rel: string) => boolean): void {
  const walk = (dir: string, relDir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const rel = relDir === '' ? name : `${relDir}/${name}`;
      if (skip(rel)) continue;
      const abs = join(dir, name);
      if (visit(abs, rel)) walk(abs, rel);
    }
  };
  walk(root, '');
}
