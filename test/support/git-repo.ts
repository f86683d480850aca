/** Real temporary git repositories for the run-commit tests, free of the machine's own git config. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CommitFile } from '../../adapters/git/commit.js';
import { runCommitMessage } from '../../domain/run/run-commit.js';

/**
 * Points git at an empty global config and no system one, for this process and what it starts: a
 * developer's identity, hooks or signing settings cannot change what the tests see.
 */
export function isolateGitConfig(): void {
  const dir = mkdtempSync(join(tmpdir(), 'git-home-'));
  writeFileSync(join(dir, 'gitconfig'), '');
  process.env.GIT_CONFIG_GLOBAL = join(dir, 'gitconfig');
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  for (const v of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'EMAIL', 'GIT_DIR', 'GIT_INDEX_FILE', 'GIT_WORK_TREE']) delete process.env[v];
}

/** Runs git in `dir` and returns its stdout (throws on failure). */
export function gitIn(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Writes `text` at `rel` under `dir`, making its folders. */
export function put(dir: string, rel: string, text: string): void {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

/** Writes `files` (path → text) in `dir`, commits everything with `message`, and returns the new HEAD. */
export function commitAll(dir: string, files: Record<string, string>, message: string): string {
  for (const [rel, text] of Object.entries(files)) put(dir, rel, text);
  gitIn(dir, 'add', '.');
  gitIn(dir, 'commit', '-q', '-m', message);
  return gitIn(dir, 'rev-parse', 'HEAD').trim();
}

/** A fresh repository on branch `main` with an identity and, unless `unborn`, one commit of README.md. */
export function tempRepo(options: { identity?: boolean; unborn?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'git-repo-'));
  gitIn(dir, 'init', '-q', '-b', 'main');
  if (options.identity !== false) {
    gitIn(dir, 'config', 'user.name', 'Test');
    gitIn(dir, 'config', 'user.email', 'test@example.com');
  } else gitIn(dir, 'config', 'user.useConfigOnly', 'true');
  if (!options.unborn) {
    put(dir, 'README.md', 'hello\n');
    gitIn(dir, 'add', 'README.md');
    gitIn(dir, '-c', 'user.name=Setup', '-c', 'user.email=setup@example.com', 'commit', '-q', '-m', 'initial');
  }
  return dir;
}

/** The paths the commit `rev` changed against its parent (all its paths for a root commit), sorted. */
export function changedPaths(dir: string, rev: string): string[] {
  return gitIn(dir, 'show', '--pretty=format:', '--name-only', '--root', rev).split('\n').filter(Boolean).sort();
}

/** A file to commit, from text. */
export function commitFile(path: string, text: string, executable = false): CommitFile {
  return { path, bytes: Buffer.from(text), executable };
}

/** The commit message of a baseline run `runId` journaled by the event with chain hash `hash`. */
export function runMessage(runId: string, hash: string): string {
  return runCommitMessage({
    runId,
    session: '0001',
    kind: 'baseline',
    parent: null,
    proposer: null,
    override: {},
    evaluation: null,
    journal: { status: 'completed', action: 'a', observation: 'o', outcome: 'baseline', next: 'n' },
    eventHash: hash,
  });
}
