/**
 * The run folder as the loop recorded it once the trainer's result was read, compared with the
 * folder later: any entry created, modified or deleted in between was changed by something that
 * outlived the run. Pure: the listing (adapters/actors/run-folder-after.ts) gives each entry an
 * identity string, equal exactly when the entry is unchanged.
 */

/** One entry of a run folder: its workspace-relative path and its identity (kind, inode, size, times, link target). */
export interface FolderEntry {
  path: string;
  identity: string;
}

/** An entry that is not as recorded. */
export interface FolderChange {
  path: string;
  change: 'created' | 'modified' | 'deleted';
}

/**
 * The entries of `after` not as in `before`, by path. When `before` holds `cap` entries (the
 * listing was cut there) an entry missing from it may only have been left out: none is called created.
 */
export function folderChanges(before: readonly FolderEntry[], after: readonly FolderEntry[], cap: number): FolderChange[] {
  const was = new Map(before.map((e) => [e.path, e.identity]));
  const now = new Map(after.map((e) => [e.path, e.identity]));
  const cut = before.length >= cap;
  const changes: FolderChange[] = [];
  for (const [path, identity] of now) {
    const old = was.get(path);
    if (old === undefined) {
      if (!cut) changes.push({ path, change: 'created' });
    } else if (old !== identity) changes.push({ path, change: 'modified' });
  }
  for (const path of was.keys()) if (!now.has(path)) changes.push({ path, change: 'deleted' });
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
