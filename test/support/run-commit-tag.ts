/**
 * A run's commit as the per-run commits will make it: one commit per journaled run holding the
 * workspace's policy.json, configs/baseline_*.json, prompts/*.md and autopilot.json, built through
 * a separate GIT_INDEX_FILE (the user's index and HEAD untouched) and tagged `autopilot/run-<id>`.
 * The in-process tests of the refusals use it to stay fast; test/cli/rollback-restore.e2e.test.ts
 * restores from the commits the loop itself made (the same layout: paths from the repository's top).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const git = (cwd: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string) =>
  execFileSync('git', args, {
    cwd,
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x', ...env },
    input,
    encoding: 'utf8',
  }).trim();

/** Makes `top` a git repository with everything in it committed (the user's own history). */
export function initRepo(top: string): void {
  git(top, ['init', '-q', '-b', 'main']);
  git(top, ['add', '-A']);
  git(top, ['commit', '-q', '-m', 'the project']);
}

/** Commits everything as it stands now (after the test changed files). */
export function commitAll(top: string, message: string): void {
  git(top, ['add', '-A']);
  git(top, ['commit', '-q', '-m', message]);
}

/**
 * Tags `autopilot/run-<runId>` on a commit of HEAD's tree with `files` (paths relative to the
 * workspace folder `prefix`, `''` or ending in `/`) set to the given texts; returns the commit.
 */
export function tagRunCommit(top: string, prefix: string, runId: string, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'run-index-'));
  const env = { GIT_INDEX_FILE: join(dir, 'index') };
  try {
    git(top, ['read-tree', 'HEAD'], env);
    for (const [path, text] of Object.entries(files)) {
      const blob = git(top, ['hash-object', '-w', '--stdin'], {}, text);
      git(top, ['update-index', '--add', '--cacheinfo', `100644,${blob},${prefix}${path}`], env);
    }
    const tree = git(top, ['write-tree'], env);
    const commit = git(top, ['commit-tree', tree, '-p', 'HEAD', '-m', `autopilot: run ${runId}`]);
    git(top, ['tag', `autopilot/run-${runId}`, commit]);
    return commit;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
