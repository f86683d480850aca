/** What git knows of a working tree: its top, the entries that differ from HEAD, and HEAD's entry at a path. */
import { execFileSync, spawnSync } from 'node:child_process';
import type { EntryState } from './fs/tree.js';

/** The top of the git repository `dir` is in, or null when it is in none (or git is missing). */
export function gitTop(dir: string): string | null {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', '--show-toplevel'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** Paths (relative to the repo top, `/`-separated) that git reports as changed or untracked. */
export function gitDirty(top: string): string[] {
  const out = execFileSync('git', ['-C', top, 'status', '--porcelain=v1', '-z', '--untracked-files=all'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const paths: string[] = [];
  const parts = out.split('\0');
  for (let i = 0; i < parts.length; i++) {
    const entry = parts[i]!;
    if (entry.length < 4) continue;
    const code = entry.slice(0, 2);
    paths.push(entry.slice(3));
    if (code.startsWith('R') || code.startsWith('C')) paths.push(parts[++i]!);
  }
  return paths;
}

/**
 * HEAD's entry at `rel`: a file by its size and git object (its content is never loaded; see
 * {@link streamBlob}), a symlink with its target, or null when HEAD has none there.
 */
export function gitHeadEntry(top: string, rel: string): EntryState | null {
  let listing: string;
  try {
    listing = execFileSync('git', ['-C', top, 'ls-tree', '-l', '-z', 'HEAD', '--', rel], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
  // "<mode> <type> <object> <size, padded>\t<path>\0"
  const m = /^(\d+) (\w+) ([0-9a-f]+) +(\d+)\t/.exec(listing);
  if (!m || m[2] !== 'blob') return null;
  const [, mode, , object, size] = m;
  if (mode === '120000') {
    const target = execFileSync('git', ['-C', top, 'cat-file', 'blob', object!], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 20 });
    return { kind: 'symlink', target: target.toString('utf8') };
  }
  return { kind: 'file', size: Number(size), blob: object! };
}

/** Writes git object `blob` of the repository at `top` into `fd`, streamed by git itself (never held in memory). */
export function streamBlob(top: string, blob: string, fd: number): void {
  const r = spawnSync('git', ['-C', top, 'cat-file', 'blob', blob], { stdio: ['ignore', fd, 'pipe'] });
  if (r.status !== 0) throw new Error(`git cat-file blob ${blob} failed: ${r.error?.message ?? r.stderr?.toString('utf8').trim() ?? `exit ${r.status}`}`);
}
