/** Finds a run's commit by its tag after a restart: made before a crash, its event not yet recorded. */
import { isCommitFor } from '../../domain/run/run-commit.js';
import { git, gitOut } from './git.js';
import { currentBranch, resolveCommit } from './commit.js';

/** A run commit found again: what RunCommitted records of it. */
export interface FoundCommit {
  sha: string;
  branch: string;
  parent: string | null;
  message: string;
  /** Of `paths`, those the commit's tree holds. */
  files: string[];
}

/**
 * The commit tagged `tag` when it was made for the JournalWritten with chain hash `eventHash` (its
 * trailer says so) and the current branch holds it; null otherwise (a tag left by another log, or
 * a crash before the branch moved): the run is then committed afresh.
 */
export async function findRunCommit(top: string, tag: string, eventHash: string, paths: readonly string[]): Promise<FoundCommit | null> {
  const sha = await resolveCommit(top, `refs/tags/${tag}`);
  if (sha === null) return null;
  const message = await gitOut('read', top, ['cat-file', 'commit', sha]);
  const body = message.slice(message.indexOf('\n\n') + 2);
  if (!isCommitFor(body, eventHash)) return null;
  const { branch, head } = await currentBranch(top);
  if (head === null || !(await git(top, ['merge-base', '--is-ancestor', sha, head])).ok) return null;
  const listed = paths.length === 0 ? '' : await gitOut('read', top, ['ls-tree', '-r', '-z', '--name-only', '--full-tree', sha, '--', ...paths]);
  return { sha, branch, parent: await resolveCommit(top, `${sha}^1`), message: `${body.replace(/\n$/, '')}\n`, files: listed.split('\0').filter(Boolean).sort() };
}
