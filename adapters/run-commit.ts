/**
 * The inputs of a run as its commit holds them: the git tag `autopilot/run-<id>` names one commit
 * per journaled run, holding the workspace's policy.json, configs/baseline_*.json, prompts/*.md and
 * autopilot.json. `autopilot rollback --restore-inputs` reads them back from there (never from the
 * work tree) and puts policy, baselines and prompts in place; it refuses when one of those files has
 * edits git does not hold, and never writes through a link.
 */
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { kindConfined, writeConfined } from './fs/confined.js';
import { gitTop } from './git-state.js';
import { AutopilotError, failure } from '../domain/errors.js';

/** The tag of a run's commit. */
export function runTag(runId: string): string {
  return `autopilot/run-${runId}`;
}

/** Which workspace files a rollback restores (autopilot.json stays: it says how this machine trains). */
export function isRestoredInput(rel: string): boolean {
  return rel === 'policy.json' || /^configs\/baseline_[^/]+\.json$/.test(rel) || /^prompts\/[^/]+\.md$/.test(rel);
}

/** An input file as the run's commit holds it. */
export interface CommittedInput {
  /** Relative to the workspace. */
  path: string;
  bytes: Buffer;
}

/** A run's commit and the input files it holds. */
export interface RunCommit {
  tag: string;
  commit: string;
  files: CommittedInput[];
}

/** Inputs are small; a larger blob is not one (and is not loaded). */
const MAX_INPUT_BYTES = 1 << 20;

function git(top: string, args: string[], maxBuffer = 8 << 20): Buffer {
  return execFileSync('git', ['-C', top, ...args], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer });
}

/** The repository the workspace is in, and the workspace's folder in it (`''` at its top, else ending in `/`). */
function repoOf(root: string): { top: string; prefix: string } {
  const top = gitTop(root);
  if (top === null) throw failure(`the workspace ${root} is not in a git repository: there is no run commit to restore inputs from`, { hint: 'roll back without --restore-inputs' });
  const rel = relative(realpathSync(top), realpathSync(root)).split(sep).join('/');
  return { top, prefix: rel === '' ? '' : `${rel}/` };
}

/** The commit `autopilot/run-<runId>` names (throws when the tag is missing). */
function commitOf(top: string, runId: string): string {
  const tag = runTag(runId);
  try {
    return git(top, ['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`])
      .toString('utf8')
      .trim();
  } catch {
    throw new AutopilotError('not-found', `run ${runId} has no commit: the tag ${tag} is missing`, {
      hint: 'runs are committed as they are journaled (git tag -l "autopilot/run-*" lists them); roll back without --restore-inputs',
    });
  }
}

/** The restorable input files of run `runId`'s commit, read from git objects (never from the work tree). */
export function readRunCommit(root: string, runId: string): RunCommit & { top: string; prefix: string } {
  const { top, prefix } = repoOf(root);
  const commit = commitOf(top, runId);
  const listing = git(top, ['ls-tree', '-r', '-l', '-z', '--full-tree', commit, '--', prefix === '' ? '.' : prefix]).toString('utf8');
  const files: CommittedInput[] = [];
  for (const line of listing.split('\0')) {
    // "<mode> <type> <object> <size, padded>\t<path>"
    const m = /^(\d+) (\w+) ([0-9a-f]+) +(\d+|-)\t(.*)$/s.exec(line);
    if (!m || !m[5]!.startsWith(prefix)) continue;
    const rel = m[5]!.slice(prefix.length);
    if (!isRestoredInput(rel)) continue;
    if (m[2] !== 'blob' || m[1] === '120000') throw failure(`${runTag(runId)}:${m[5]} is not a plain file (mode ${m[1]}): it is not restored`);
    if (Number(m[4]) > MAX_INPUT_BYTES) throw failure(`${runTag(runId)}:${m[5]} holds ${m[4]} bytes, more than an input may (${MAX_INPUT_BYTES})`);
    files.push({ path: rel, bytes: git(top, ['cat-file', 'blob', m[3]!], MAX_INPUT_BYTES + 1) });
  }
  if (files.length === 0) throw failure(`${runTag(runId)} (${commit.slice(0, 12)}) holds none of the inputs a rollback restores (policy.json, configs/baseline_*.json, prompts/*.md)`);
  return { tag: runTag(runId), commit, files, top, prefix };
}

/** The paths among `rels` (workspace-relative) that git reports as changed or untracked: edits a restore would lose. */
export function uncommittedInputs(top: string, prefix: string, rels: readonly string[]): string[] {
  const out = git(top, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...rels.map((r) => `:(literal)${prefix}${r}`)]).toString('utf8');
  const dirty: string[] = [];
  for (const entry of out.split('\0')) if (entry.length > 3 && entry.slice(3).startsWith(prefix)) dirty.push(entry.slice(3 + prefix.length));
  return dirty;
}

/** Refuses, before anything is recorded, what a restore must not do: lose uncommitted edits, or write where a link or other non-file stands. */
export function checkRestorable(root: string, c: RunCommit & { top: string; prefix: string }): void {
  const paths = c.files.map((f) => f.path);
  const dirty = uncommittedInputs(c.top, c.prefix, paths);
  if (dirty.length > 0)
    throw failure(`cannot restore the inputs of ${c.tag}: ${dirty.join(', ')} ${dirty.length === 1 ? 'has' : 'have'} uncommitted edits that the restore would lose`, {
      hint: 'commit or stash them first (git stash), or roll back without --restore-inputs',
    });
  for (const p of paths) {
    const kind = kindConfined(root, join(root, p));
    if (kind !== null && kind !== 'file') throw failure(`cannot restore ${p}: a ${kind} stands there, and a restore never writes through one`, { hint: 'remove it, then roll back again' });
  }
}

/** Writes the committed inputs into the workspace (each by a fresh file renamed over the path; no directory link repaired or followed). */
export function writeRunInputs(root: string, files: readonly CommittedInput[]): void {
  for (const f of files) writeConfined(root, join(root, f.path), f.bytes, { repair: false });
}
