/**
 * One commit of chosen files on the current branch, by plumbing through a separate index: the
 * user's staged changes, working tree and other files are never touched. The branch and the tags
 * move in one ref transaction, compare-and-swap on the branch, so a concurrent user commit is kept
 * (the commit is made again on it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitOut, GitStepError } from './git.js';
import { syncUserIndex } from './user-index.js';

/** A file to commit: its path from the repository's top, its bytes, and whether it is executable. */
export interface CommitFile {
  path: string;
  bytes: Uint8Array;
  executable: boolean;
}

/** What to commit, and the tags to move with it. */
export interface CommitRequest {
  /** The top of the work tree. */
  cwd: string;
  files: readonly CommitFile[];
  message: string;
  /** The commit's own tag (`autopilot/run-007`), moved to it. */
  tag: string;
  /** `autopilot/best` goes to this tag's commit (this commit when it is `tag`); null: left where it is. */
  bestOf: string | null;
}

/** The commit made. */
export interface CommitDone {
  sha: string;
  branch: string;
  parent: string | null;
  /** Where `autopilot/best` was moved to (absent: not moved). */
  best?: string;
  /** The user's index could not be brought up to the commit (its files then look staged back to the old HEAD). */
  indexError?: string;
}

export const BEST_TAG = 'autopilot/best';
const TRIES = 3;
const RETRY_MS = 100;

/** The branch HEAD is on and its commit (null: unborn); a detached HEAD fails the `head` step. */
export async function currentBranch(cwd: string): Promise<{ branch: string; head: string | null }> {
  const sym = await git(cwd, ['symbolic-ref', '-q', 'HEAD']);
  // Exit 1 with -q: HEAD is no symbolic ref; anything else is git's own failure.
  if (!sym.ok) throw new GitStepError('head', sym.exitCode === 1 ? 'HEAD is detached (not on a branch)' : sym.message);
  const branch = sym.stdout.trim();
  const head = await git(cwd, ['rev-parse', '-q', '--verify', `${branch}^{commit}`]);
  return { branch, head: head.ok ? head.stdout.trim() : null };
}

/** The commit `ref` names, or null when there is none. */
export async function resolveCommit(cwd: string, ref: string): Promise<string | null> {
  const r = await git(cwd, ['rev-parse', '-q', '--verify', `${ref}^{commit}`]);
  return r.ok ? r.stdout.trim() : null;
}

/** Commits `req.files` on top of the current branch and moves the tags; throws a GitStepError naming the step that failed. */
export async function commitFiles(req: CommitRequest): Promise<CommitDone> {
  const blobs = await Promise.all(
    req.files.map(async (f) => ({ ...f, blob: (await gitOut('commit', req.cwd, ['hash-object', '-w', '--no-filters', '--stdin'], { input: f.bytes })).trim() })),
  );
  const info = blobs.map((b) => `${b.executable ? '100755' : '100644'} ${b.blob}\t${b.path}\0`).join('');
  for (let attempt = 1; ; attempt++) {
    const { branch, head } = await currentBranch(req.cwd);
    const tree = await treeWith(req.cwd, head, info);
    const sha = (await gitOut('commit', req.cwd, ['commit-tree', '--no-gpg-sign', tree, ...(head ? ['-p', head] : []), '-F', '-'], { input: req.message })).trim();
    const best = req.bestOf === null ? null : req.bestOf === req.tag ? sha : await resolveCommit(req.cwd, `refs/tags/${req.bestOf}`);
    const moveBest = best !== null && best !== (await resolveCommit(req.cwd, `refs/tags/${BEST_TAG}`));
    const zero = '0'.repeat(sha.length);
    const lines = [`update refs/tags/${req.tag} ${sha}`, `update ${branch} ${sha} ${head ?? zero}`, ...(moveBest ? [`update refs/tags/${BEST_TAG} ${best}`] : [])];
    const moved = await git(req.cwd, ['update-ref', '-m', `autopilot: ${req.tag}`, '--stdin'], { input: `${lines.join('\n')}\n` });
    if (moved.ok) {
      const done: CommitDone = { sha, branch, parent: head, ...(moveBest ? { best } : {}) };
      try {
        await syncUserIndex(req.cwd, head, blobs);
      } catch (e) {
        done.indexError = (e as Error).message;
      }
      return done;
    }
    // The branch moved under us (a user's commit), or another git held its lock: try again on the HEAD then, a few times at most.
    if (attempt >= TRIES) throw new GitStepError('ref', moved.message);
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS * attempt));
  }
}

/** The tree of `head` (empty when unborn) with the entries of `info` (`git update-index -z --index-info`), through a temp index. */
async function treeWith(cwd: string, head: string | null, info: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'autopilot-git-'));
  const indexFile = join(dir, 'index');
  try {
    if (head) await gitOut('commit', cwd, ['read-tree', head], { indexFile });
    await gitOut('commit', cwd, ['update-index', '--add', '-z', '--index-info'], { indexFile, input: info });
    return (await gitOut('commit', cwd, ['write-tree'], { indexFile })).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
