/**
 * Workspace integrity around an agent step: a record of the workspace (and, when it lives in a git
 * repository, of that repository's dirty files) before the step, and afterwards every change
 * outside `allowed_paths` reverted — modified entries put back, deleted ones recreated, new ones
 * (files, symlinks, FIFOs, directories) removed. Links are recorded and compared, never followed;
 * restoring replaces a path (temp file and rename), never writes through it.
 */
import { resolve, sep } from 'node:path';
import { ensureDirConfined, removeConfined, symlinkConfined, writeConfined, writeConfinedFrom } from './fs/confined.js';
import { capText, planCopies, type CopyPlan } from './fs/copy-plan.js';
import type { EntryKind } from './fs/entry.js';
import { completeEntry, entryState, recordTree, sameEntry, statEntry, statTree, toPlatform, TREE_LIMITS, type EntryState, type TreeLimits } from './fs/tree.js';
import { gitDirty, gitHeadEntry, gitTop, streamBlob } from './git-state.js';
import { isLiveFile } from './live-inspect.js';

/** Files the orchestrator itself writes during a step; never the agent's doing. */
const OWN_FILES = /^(events\.db(-wal|-shm|-journal)?|autopilot\.lock(\.db(-journal)?)?|STOP)$/;

/** What the workspace (and its repository) looked like before a step. */
export interface IntegritySnapshot {
  workspace: string;
  entries: Map<string, EntryState>;
  repo: { top: string; entries: Map<string, EntryState | null> } | null;
  /** What was read and kept (for the notes on what could not be put back). */
  limits: TreeLimits;
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

// The loop's live machine stream is appended to while an agent runs, as the machine takes its events.
const ownFile = (rel: string) => (!rel.includes('/') && OWN_FILES.test(rel)) || isLiveFile(rel);

/**
 * Records the workspace's entries, and the dirty entries of the repository it lives in. Copies to
 * restore from are kept of files outside `allowed` (paths relative to the workspace, never
 * reverted), up to `limits.keepBytes` each and `limits.keepBudget` in all, smallest first.
 */
export function takeSnapshot(workspace: string, allowed: readonly string[] = [], limits: TreeLimits = TREE_LIMITS): IntegritySnapshot {
  const root = resolve(workspace);
  const isAllowed = allowedMatcher(allowed);
  const entries = statTree(root, ownFile);
  const top = gitTop(root);
  const repoEntries = new Map<string, EntryState | null>();
  if (top)
    for (const rel of gitDirty(top)) {
      const abs = `${top}${sep}${toPlatform(rel)}`;
      if (!inside(abs, root)) repoEntries.set(rel, statEntry(abs));
    }
  // One budget for both, planned before anything is read.
  const files = (m: Map<string, EntryState | null>, side: string, skip: (rel: string) => boolean) =>
    [...m].filter(([rel, s]) => s?.kind === 'file' && !skip(rel)).map(([rel, s]) => ({ key: `${side}${rel}`, size: s!.size ?? 0 }));
  const plan = planCopies([...files(entries, 'w:', isAllowed), ...files(repoEntries, 'r:', () => false)], limits);
  const left = { bytes: limits.keepBudget };
  for (const [rel, state] of entries) entries.set(rel, complete(root, root, rel, state, plan.get(`w:${rel}`), limits, left));
  if (top) for (const [rel, state] of repoEntries) repoEntries.set(rel, state && complete(top, top, rel, state, plan.get(`r:${rel}`), limits, left));
  return { workspace: root, entries, repo: top ? { top, entries: repoEntries } : null, limits };
}

/** Hashes a recorded entry and keeps its copy when planned and the budget (as really read) allows. */
function complete(root: string, base: string, rel: string, state: EntryState, plan: CopyPlan | undefined, limits: TreeLimits, left: { bytes: number }): EntryState {
  const done = completeEntry(root, `${base}${sep}${toPlatform(rel)}`, state, limits, plan === 'kept');
  if (plan === undefined || state.kind !== 'file') return done;
  if (plan !== 'kept') return { ...done, uncopied: plan };
  // Grown since its lstat past what is left: no copy, as if the budget had gone to smaller files.
  if (done.content && done.content.length > left.bytes) {
    const { content: _dropped, ...rest } = done;
    return { ...rest, uncopied: 'budget' };
  }
  left.bytes -= done.content?.length ?? 0;
  return done;
}

function allowedMatcher(allowed: readonly string[]): (rel: string) => boolean {
  const patterns = new Set(allowed.map((a) => a.replace(/\\/g, '/')));
  return (rel) => patterns.has(rel);
}

function inside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent + sep);
}

/** Puts `before` back at `rel` under `root`, replacing whatever is there; the note says why it could not. */
function restore(root: string, rel: string, before: EntryState | null, now: EntryState | null, limits: TreeLimits): { restored: boolean; note?: string } {
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
      // A committed file comes back from git, streamed into a fresh file.
      if (before.blob) {
        const blob = before.blob;
        writeConfinedFrom(root, abs, (fd) => streamBlob(root, blob, fd));
        return { restored: true };
      }
      // Never leave a link or a FIFO where a file was, even when its content cannot come back.
      if (now && now.kind !== 'file') removeConfined(root, abs);
      return { restored: false, note: uncopiedNote(before, limits) };
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

/** Why no copy of a file was there to put back, as said in the violation. */
function uncopiedNote(before: EntryState, limits: TreeLimits): string {
  const size = `${before.size ?? '?'} bytes`;
  switch (before.uncopied) {
    case 'file-cap':
      return `${size}: too large to keep a copy, over the ${capText(limits.keepBytes)} per-file copy cap; detected, not restored`;
    case 'budget':
      return `${size}: no copy kept, the snapshot's ${capText(limits.keepBudget)} copy budget went to smaller files; detected, not restored`;
    default:
      return `${size}: no copy could be read when the snapshot was taken; detected, not restored`;
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
function revertTree(snapshot: IntegritySnapshot, isAllowed: (rel: string) => boolean, expected: (rel: string) => boolean): Change[] {
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
    if (expected(rel)) continue;
    // Under a new directory that was removed: reported (a link in it is still a link it made), nothing left to undo.
    const removedWithParent = before === null && gone.some((g) => rel.startsWith(`${g}/`));
    const outcome = removedWithParent ? { restored: true } : restore(root, rel, before, after, snapshot.limits);
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
    changes.push({ ...describe(rel, before, after, restore(top, rel, before, after, snapshot.limits)), path: abs });
  }
  return changes;
}

/**
 * Compares the workspace (and repository) with `snapshot` and reverts every change outside
 * `allowed` (paths relative to the workspace). Returns what was changed and whether it was restored.
 * `expected` names changed workspace paths that are not the step's doing (what the orchestrator or
 * a trainer in flight wrote meanwhile): left as they are and not reported.
 */
export function revertOutside(snapshot: IntegritySnapshot, allowed: readonly string[], expected: (rel: string) => boolean = () => false): Change[] {
  const changes = [...revertTree(snapshot, allowedMatcher(allowed), expected), ...revertRepo(snapshot)];
  return changes.sort((a, b) => a.path.localeCompare(b.path));
}
