/** A run's output is stored once: `logs/<id>.log`, with the run folder's `train.log` a hard link to it. */
import { linkSync, statSync } from 'node:fs';
import { kindConfined, removeConfined, writeConfined, type UnsafeEntry } from '../fs/confined.js';

/**
 * Makes `log` a regular file (created empty when missing; anything else at its path is replaced)
 * and `link` the same file. Returns the unsafe entries it replaced.
 */
export function linkRunLog(root: string, log: string, link: string): UnsafeEntry[] {
  const unsafe: UnsafeEntry[] = [];
  if (kindConfined(root, log) !== 'file') unsafe.push(...writeConfined(root, log, '', { fsync: false }));
  if (kindConfined(root, link) === 'file' && statSync(link).ino === statSync(log).ino) return unsafe;
  const was = removeConfined(root, link);
  if (was !== null && was !== 'file') unsafe.push({ path: link.slice(root.length + 1), kind: was, action: 'removed' });
  linkSync(log, link);
  return unsafe;
}
