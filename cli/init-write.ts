/**
 * Writing a scaffolded workspace without losing anything: what stands where a file (or the folder
 * it goes into) would be written is found first, looked at without following links; only with
 * `--force` is it replaced — never written through (a link is replaced by the file, not followed).
 */
import { readlinkSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { kindConfined, writeConfined } from '../adapters/fs/confined.js';
import { describeKind } from '../adapters/fs/entry.js';
import type { ScaffoldFile } from '../domain/scaffold/workspace-files.js';
import { initInputError } from './init-sources.js';

/** Something in the way of a file init writes. */
export interface Conflict {
  /** Relative to the workspace. */
  path: string;
  /** What stands there, e.g. "a file", "a symbolic link". */
  what: string;
}

/** Fails when `root` exists and is no folder (a link to a folder is fine: the workspace may be one). */
export function checkRoot(root: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(root).isDirectory();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw initInputError(`DIR ${root}: cannot look at it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!isDir) throw initInputError(`DIR ${root} exists and is not a folder; give a new or existing folder for the workspace`);
}

/** Every path among `files` (or a folder on their way) where something already stands. */
export function findConflicts(root: string, files: readonly ScaffoldFile[]): Conflict[] {
  const found = new Map<string, Conflict>();
  for (const file of files) {
    const folder = dirname(file.path);
    if (folder !== '.') {
      const kind = kindConfined(root, join(root, folder));
      if (kind !== null && kind !== 'directory') {
        found.set(folder, { path: folder, what: `${kind === 'symlink' ? `a symlink to ${linkTarget(join(root, folder))}` : describeKind(kind)} where a folder goes` });
        continue;
      }
    }
    const kind = kindConfined(root, join(root, file.path));
    if (kind !== null) found.set(file.path, { path: file.path, what: kind === 'symlink' ? `a symlink to ${linkTarget(join(root, file.path))}` : describeKind(kind) });
  }
  return [...found.values()];
}

/** Conflicts `--force` does not resolve: a folder where a file goes is never deleted for it. */
export function irreplaceable(conflicts: readonly Conflict[]): Conflict[] {
  return conflicts.filter((c) => c.what === describeKind('directory'));
}

function linkTarget(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '(unreadable)';
  }
}

/** Writes `files` under `root` (made if missing); with `replace`, whatever stands in the way is replaced. */
export function writeFiles(root: string, files: readonly ScaffoldFile[], replace: boolean): void {
  for (const file of files) {
    writeConfined(root, join(root, file.path), file.text, { mode: file.executable ? 0o755 : 0o644, repair: replace });
  }
}
