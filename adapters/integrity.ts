/**
 * Workspace integrity around an agent step: a record of the workspace (and, when it lives in a git
 * repository, of that repository's dirty files) before the step, and afterwards every change
 * outside `allowed_paths` reverted — modified entries put back, deleted ones recreated, new ones
 * (files, symlinks, FIFOs, directories) removed. Links are recorded and compared, never followed;
 * restoring replaces a path (temp file and rename), never writes through it.
 */
import { resolve, sep } from 'node:path';
import { ensureDirConfined, removeConfined, symlinkConfined, writeConfined } from './fs/confined.js';
import type { EntryKind } from './fs/entry.js';
import { entryState, recordTree, sameEntry, toPlatform, TREE_LIMITS, type EntryState } from './fs/tree.js';
import { gitDirty, gitHeadEntry, gitTop } from './git-state.js';

/** Files the orchestrator itself writes during a step; never the agent's doing. */
const OWN_FILES = /^(events\.db(-wal|-shm|-journal)?|autopilot\.lock(\.db(-journal)?)?|STOP)$/;

/** What the workspace (and its repository) looked like before a step. */
export interface IntegritySnapshot {
  workspace: string;
  entries: Map<string, EntryState>;
  repo: { top: string; entries: Map<string, EntryState | null> } | null;
}

/** One change found after a step. */
export interface Change {
  /** Relative to the workspace, or absolute outside it. */
  path: string;
  change: 'modified' | 'created' | 'deleted';
  restored: boolean;
  /** What stands there now (what stood there, for a deletion). */
  kind?: EntryKind;
  /** What stood there before, when the kind changed. */
  was?: EntryKind;
  /** A symlink's target, as text (never followed). */
  target?: string;
  /** Why it was not restored. */
  note?: string;
}

const ownFile = (rel: string) => !rel.includes('/') && OWN_FILES.test(rel);

/** Records the workspace's entries, and the dirty entries of the repository it lives in. */
export function takeSnapshot(workspace: string): IntegritySnapshot {
  const root = resolve(workspace);
  const entries = recordTree(root, ownFile);
  const top = gitTop(root);
  let repo: IntegritySnapshot['repo'] = null;
  if (top) {
    const repoEntries = new Map<string, EntryState | null>();
    for (const rel of gitDirty(top)) {
      const abs = `${top}${sep}${toPlatform(rel)}`;
      if (inside(abs, root)) continue;
      repoEntries.set(rel, entryState(top, abs, TREE_LIMITS));
    }
    repo = { top, entries: repoEntries };
  }
  return { workspace: root, entries, repo };
}

function inside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent + sep);
}

/** Puts `before` back at `rel` under `root`, replacing whatever is there; the note says why it could not. */
function restore(root: string, rel: string, before: EntryState | null, now: EntryState | null): { restored: boolean; note?: string } {
  const abs = `${root}${sep}${toPlatform(rel)}`;
  if (before === null) {
    removeConfined(root, abs);
    return { restored: true };
  }
  switch (before.kind) {
    case 'directory':
      if (now && now.kind !== 'directory') removeConfined(root, abs);
      ensureDirConfined(root, abs);
      return { restored: true };
    case 'file':
      if (before.content) {
        writeConfined(root, abs, before.content);
        return { restored: true };
      }
      // Never leave a link or a FIFO where a file was, even when its content cannot come back.
      if (now && now.kind !== 'file') removeConfined(root, abs);
      return { restored: false, note: `${before.size ?? '?'} bytes: too large to keep a copy; detected, not restored` };
    case 'symlink':
      symlinkConfined(root, abs, before.target ?? '');
      return { restored: true };
    case 'fifo':
    case 'socket':
    case 'block-device':
    case 'char-device':
      return { restored: false, note: `a ${before.kind} cannot be recreated` };
    default: {
      const never: never = before.kind;
      throw new Error(`unknown kind ${String(never)}`);
    }
  }
}

function describe(rel: string, before: EntryState | null, now: EntryState | null, outcome: { restored: boolean; note?: string }): Change {
  const change: Change['change'] = before === null ? 'created' : now === null ? 'deleted' : 'modified';
  const kind = (now ?? before)!.kind;
  return {
    path: rel,
    change,
    restored: outcome.restored,
    kind,
    ...(before && now && before.kind !== now.kind ? { was: before.kind } : {}),
    ...(now?.kind === 'symlink' ? { target: now.target ?? '' } : {}),
    ...(outcome.note ? { note: outcome.note } : {}),
  };
}

/** Compares the workspace tree with the record and reverts every difference outside `allowed`. */
function revertTree(snapshot: IntegritySnapshot, isAllowed: (rel: string) => boolean): Change[] {
  const root = snapshot.workspace;
  const now = recordTree(root, ownFile);
  const paths = [...new Set([...snapshot.entries.keys(), ...now.keys()])].sort();
  const changes: Change[] = [];
  // Once a new directory (or a link in a directory's place) is removed, what was under it went with it.
  const gone: string[] = [];
  for (const rel of paths) {
    if (isAllowed(rel)) continue;
    const before = snapshot.entries.get(rel) ?? null;
    const after = now.get(rel) ?? null;
    if (before && after && sameEntry(before, after)) continue;
    // Under a new directory that was removed: reported (a link in it is still a link it made), nothing left to undo.
    const removedWithParent = before === null && gone.some((g) => rel.startsWith(`${g}/`));
    const outcome = removedWithParent ? { restored: true } : restore(root, rel, before, after);
    if (after?.kind === 'directory' && before?.kind !== 'directory') gone.push(rel);
    changes.push(describe(rel, before, after, outcome));
  }
  return changes;
}

/** The repository's dirty entries outside the workspace that changed during the step, reverted. */
function revertRepo(snapshot: IntegritySnapshot): Change[] {
  if (!snapshot.repo) return [];
  const { top, entries } = snapshot.repo;
  const changes: Change[] = [];
  for (const rel of gitDirty(top)) {
    const abs = `${top}${sep}${toPlatform(rel)}`;
    if (inside(abs, snapshot.workspace)) continue;
    const after = entryState(top, abs, TREE_LIMITS);
    // Dirty before the step too: only a further change counts, and the record is what comes back.
    // Clean before: the committed entry is the recorded one.
    const before = entries.has(rel) ? (entries.get(rel) ?? null) : gitHeadEntry(top, rel);
    if (before === null && after === null) continue;
    if (before && after && sameEntry(before, after)) continue;
    changes.push({ ...describe(rel, before, after, restore(top, rel, before, after)), path: abs });
  }
  return changes;
}

/**
 * Compares the workspace (and repository) with `snapshot` and reverts every change outside
 * `allowed` (paths relative to the workspace). Returns what was changed and whether it was restored.
 */
export function revertOutside(snapshot: IntegritySnapshot, allowed: readonly string[]): Change[] {
  const patterns = new Set(allowed.map((a) => a.replace(/\\/g, '/')));
  const changes = [...revertTree(snapshot, (rel) => patterns.has(rel)), ...revertRepo(snapshot)];
  return changes.sort((a, b) => a.path.localeCompare(b.path));
}
