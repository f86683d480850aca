/**
 * Workspace integrity around an agent step: a snapshot of the workspace's files (and, when the
 * workspace lives in a git repository, of that repository's working tree) before the step, and
 * afterwards every change outside `allowed_paths` reverted to its recorded content — modified
 * files restored, deleted files recreated, new files removed.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Files the orchestrator itself writes during a step; never the agent's doing. */
const OWN_FILES = /^(events\.db(-wal|-shm|-journal)?|autopilot\.lock(\.db(-journal)?)?|STOP)$/;
/** Content above this size is hashed but not kept, so it can be detected but not restored. */
const MAX_KEPT_BYTES = 8 * 1024 * 1024;

interface FileState {
  hash: string;
  content: Buffer | null;
}

/** What the workspace (and its repository) looked like before a step. */
export interface IntegritySnapshot {
  workspace: string;
  files: Map<string, FileState>;
  repo: { top: string; files: Map<string, FileState | null> } | null;
}

/** One change found after a step. */
export interface Change {
  path: string;
  change: 'modified' | 'created' | 'deleted';
  restored: boolean;
}

function stateOf(path: string): FileState {
  const content = readFileSync(path);
  return { hash: createHash('sha256').update(content).digest('hex'), content: content.length <= MAX_KEPT_BYTES ? content : null };
}

function walk(root: string, dir: string, out: Map<string, FileState>): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    const rel = relative(root, p);
    if (e.isDirectory()) walk(root, p, out);
    else if (e.isFile() && !(dir === root && OWN_FILES.test(e.name))) out.set(rel, stateOf(p));
  }
}

function gitTop(dir: string): string | null {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', '--show-toplevel'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** Paths (relative to the repo top) that git reports as changed or untracked. */
function gitDirty(top: string): string[] {
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

function gitHeadContent(top: string, rel: string): Buffer | null {
  try {
    return execFileSync('git', ['-C', top, 'show', `HEAD:${rel}`], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 256 << 20 });
  } catch {
    return null;
  }
}

function inside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent + sep);
}

/** Records the workspace's files, and the dirty files of the repository it lives in. */
export function takeSnapshot(workspace: string): IntegritySnapshot {
  const root = resolve(workspace);
  const files = new Map<string, FileState>();
  walk(root, root, files);
  const top = gitTop(root);
  let repo: IntegritySnapshot['repo'] = null;
  if (top) {
    const repoFiles = new Map<string, FileState | null>();
    for (const rel of gitDirty(top)) {
      const abs = join(top, rel);
      if (inside(abs, root)) continue;
      repoFiles.set(rel, existsSync(abs) && lstatSync(abs).isFile() ? stateOf(abs) : null);
    }
    repo = { top, files: repoFiles };
  }
  return { workspace: root, files, repo };
}

function allowedMatcher(allowed: readonly string[]): (rel: string) => boolean {
  const patterns = allowed.map((a) => a.replace(/\\/g, '/'));
  return (rel) => patterns.includes(rel.split(sep).join('/'));
}

function restoreFile(abs: string, before: FileState | null | undefined): boolean {
  if (before === undefined || before === null) {
    rmSync(abs, { force: true, recursive: true });
    return true;
  }
  if (!before.content) return false;
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, before.content);
  return true;
}

/**
 * Compares the workspace (and repository) with `snapshot` and reverts every change outside
 * `allowed` (paths relative to the workspace). Returns what was changed and whether it was restored.
 */
export function revertOutside(snapshot: IntegritySnapshot, allowed: readonly string[]): Change[] {
  const isAllowed = allowedMatcher(allowed);
  const changes: Change[] = [];
  const now = new Map<string, FileState>();
  walk(snapshot.workspace, snapshot.workspace, now);
  for (const [rel, state] of now) {
    if (isAllowed(rel)) continue;
    const before = snapshot.files.get(rel);
    if (before && before.hash === state.hash) continue;
    const abs = join(snapshot.workspace, rel);
    changes.push({ path: rel, change: before ? 'modified' : 'created', restored: restoreFile(abs, before ?? null) });
  }
  for (const [rel, before] of snapshot.files) {
    if (now.has(rel) || isAllowed(rel)) continue;
    changes.push({ path: rel, change: 'deleted', restored: restoreFile(join(snapshot.workspace, rel), before) });
  }
  if (snapshot.repo) {
    const { top, files } = snapshot.repo;
    for (const rel of gitDirty(top)) {
      const abs = join(top, rel);
      if (inside(abs, snapshot.workspace)) continue;
      const exists = existsSync(abs) && lstatSync(abs).isFile();
      const hadEntry = files.has(rel);
      const before = files.get(rel);
      if (hadEntry) {
        // Dirty before the step too: only a further change counts.
        if (before && exists && stateOf(abs).hash === before.hash) continue;
        if (!before && !exists) continue;
        changes.push({ path: abs, change: exists ? (before ? 'modified' : 'created') : 'deleted', restored: restoreFile(abs, before) });
        continue;
      }
      // Clean before the step: the committed content is the recorded one.
      const head = gitHeadContent(top, rel);
      if (head === null) {
        changes.push({ path: abs, change: 'created', restored: restoreFile(abs, null) });
      } else {
        mkdirSync(dirname(abs), { recursive: true });
        writeFileSync(abs, head);
        changes.push({ path: abs, change: exists ? 'modified' : 'deleted', restored: true });
      }
    }
  }
  return changes.sort((a, b) => a.path.localeCompare(b.path));
}
