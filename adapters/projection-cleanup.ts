/** Leftovers of projection writes interrupted by a crash (temp files that never got renamed). */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The temp-file names `atomicWrite` uses: `<name>.tmp-<pid>-<counter>`. */
export const TEMP = /\.tmp-\d+-[0-9a-z]+$/;

/** Removes interrupted projection writes under the workspace's projection folders; returns what it removed. */
export function removeStaleTempFiles(workspace: string): string[] {
  const removed: string[] = [];
  const sweep = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory() && depth > 0 && e.name !== 'checkpoints') sweep(p, depth - 1);
      else if (e.isFile() && TEMP.test(e.name)) {
        rmSync(p, { force: true });
        removed.push(p);
      }
    }
  };
  for (const d of ['journal', 'proposals', 'models']) sweep(join(workspace, d), 0);
  sweep(join(workspace, 'runs'), 1);
  return removed;
}
