/**
 * Brings the user's own index up to a run commit, for the committed paths alone, and only where
 * the user had staged nothing of their own: otherwise their next `git commit` would put the old
 * HEAD's versions back. A staged change, a conflict or any other path is left as it was.
 */
import { gitOut } from './git.js';

/** An index or tree entry: mode and object. */
type Entry = { mode: string; object: string };

/** Updates the user's index entries of `files` from `oldHead`'s to the new blobs, where they were `oldHead`'s. */
export async function syncUserIndex(top: string, oldHead: string | null, files: readonly { path: string; blob: string; executable: boolean }[]): Promise<void> {
  if (files.length === 0) return;
  const paths = files.map((f) => f.path);
  const staged = parseIndex(await gitOut('index', top, ['ls-files', '-s', '-z', '--', ...paths]));
  const before = oldHead ? parseTree(await gitOut('index', top, ['ls-tree', '-z', '--full-tree', oldHead, '--', ...paths])) : new Map<string, Entry>();
  const info = files
    .filter((f) => {
      const s = staged.get(f.path);
      const b = before.get(f.path);
      // A conflict (stage > 0) or an entry that differs from the old HEAD's is the user's own.
      if (s === 'conflict') return false;
      return s === undefined ? b === undefined : b !== undefined && s.mode === b.mode && s.object === b.object;
    })
    .map((f) => `${f.executable ? '100755' : '100644'} ${f.blob}\t${f.path}\0`)
    .join('');
  if (info !== '') await gitOut('index', top, ['update-index', '--add', '-z', '--index-info'], { input: info });
}

/** `ls-files -s -z`: `<mode> <object> <stage>\t<path>\0`. */
function parseIndex(out: string): Map<string, Entry | 'conflict'> {
  const m = new Map<string, Entry | 'conflict'>();
  for (const rec of out.split('\0')) {
    const match = /^(\d+) ([0-9a-f]+) (\d)\t(.*)$/s.exec(rec);
    if (match) m.set(match[4]!, match[3] === '0' ? { mode: match[1]!, object: match[2]! } : 'conflict');
  }
  return m;
}

/** `ls-tree -z`: `<mode> <type> <object>\t<path>\0`. */
function parseTree(out: string): Map<string, Entry> {
  const m = new Map<string, Entry>();
  for (const rec of out.split('\0')) {
    const match = /^(\d+) \w+ ([0-9a-f]+)\t(.*)$/s.exec(rec);
    if (match) m.set(match[3]!, { mode: match[1]!, object: match[2]! });
  }
  return m;
}
