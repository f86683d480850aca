import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commitFiles } from '../../../adapters/git/commit.js';
import { GitStepError } from '../../../adapters/git/git.js';
import { changedPaths, commitAll, gitIn, commitFile as file, isolateGitConfig, runMessage as message, put, tempRepo } from '../../support/git-repo.js';

beforeAll(() => isolateGitConfig());

describe('commitFiles', () => {
  it('commits exactly the given files on the branch, tags it, and leaves a staged change and the work tree alone', async () => {
    const repo = tempRepo();
    const base = commitAll(repo, { 'ws/policy.json': '{"old":true}\n', 'user.txt': 'v1\n' }, 'user files');
    // The user's own staged change, and an unstaged one, which the run commit must not take or lose.
    put(repo, 'user.txt', 'v2 staged\n');
    gitIn(repo, 'add', 'user.txt');
    put(repo, 'user.txt', 'v3 unstaged\n');
    put(repo, 'ws/runs/001/config.json', '{"a":1}\n');
    put(repo, 'ws/policy.json', '{"new":true}\n');
    const stagedBefore = gitIn(repo, 'diff', '--cached', '--', 'user.txt');

    const done = await commitFiles({
      cwd: repo,
      files: [file('ws/runs/001/config.json', '{"a":1}\n'), file('ws/policy.json', '{"new":true}\n'), file('ws/scripts/run.sh', '#!/bin/sh\n', true)],
      message: message('001', 'h1'),
      tag: 'autopilot/run-001',
      bestOf: 'autopilot/run-001',
    });

    expect(done).toMatchObject({ branch: 'refs/heads/main', parent: base, best: done.sha });
    expect(done.indexError).toBeUndefined();
    expect(gitIn(repo, 'rev-parse', 'HEAD').trim()).toBe(done.sha);
    expect(gitIn(repo, 'rev-parse', 'autopilot/run-001^{commit}').trim()).toBe(done.sha);
    expect(gitIn(repo, 'rev-parse', 'autopilot/best^{commit}').trim()).toBe(done.sha);
    expect(changedPaths(repo, done.sha)).toEqual(['ws/policy.json', 'ws/runs/001/config.json', 'ws/scripts/run.sh']);
    expect(gitIn(repo, 'ls-tree', done.sha, 'ws/scripts/run.sh')).toMatch(/^100755 /);
    expect(gitIn(repo, 'show', `${done.sha}:ws/policy.json`)).toBe('{"new":true}\n');
    // The user's staged change is still staged, exactly; the working tree is as it was.
    expect(gitIn(repo, 'diff', '--cached', '--', 'user.txt')).toBe(stagedBefore);
    expect(gitIn(repo, 'show', ':user.txt')).toBe('v2 staged\n');
    expect(gitIn(repo, 'show', `${done.sha}:user.txt`)).toBe('v1\n');
    // The committed files are not shown staged back to the old HEAD.
    expect(gitIn(repo, 'diff', '--cached', '--name-only')).toBe('user.txt\n');
  });

  it('keeps a staged change to a file it commits in the index, and commits the file as it is on disk', async () => {
    const repo = tempRepo();
    put(repo, 'ws/policy.json', 'staged by the user\n');
    gitIn(repo, 'add', 'ws/policy.json');
    const done = await commitFiles({ cwd: repo, files: [file('ws/policy.json', 'in force\n')], message: message('001', 'h'), tag: 'autopilot/run-001', bestOf: null });
    expect(gitIn(repo, 'show', `${done.sha}:ws/policy.json`)).toBe('in force\n');
    expect(gitIn(repo, 'show', ':ws/policy.json')).toBe('staged by the user\n');
    expect(done.best).toBeUndefined();
  });

  it('commits and moves the tags when the user’s index is locked, and says the index could not be brought up to it', async () => {
    const repo = tempRepo();
    writeFileSync(join(repo, '.git/index.lock'), '');
    const done = await commitFiles({ cwd: repo, files: [file('a', '1\n')], message: message('001', 'h'), tag: 'autopilot/run-001', bestOf: null });
    expect(gitIn(repo, 'rev-parse', 'autopilot/run-001^{commit}').trim()).toBe(done.sha);
    expect(done.indexError).toMatch(/index\.lock/);
  });

  it('loses no commit when the branch moves meanwhile: each is made again on the new HEAD', async () => {
    const repo = tempRepo();
    // Started together, they read the same HEAD; the one whose compare-and-swap fails commits again on the other.
    const [a, b] = await Promise.all(
      ['001', '002'].map((id) => commitFiles({ cwd: repo, files: [file(`f${id}`, `${id}\n`)], message: message(id, id), tag: `autopilot/run-${id}`, bestOf: null })),
    );
    expect(gitIn(repo, 'rev-list', '--count', 'main').trim()).toBe('3');
    for (const done of [a!, b!]) expect(() => gitIn(repo, 'merge-base', '--is-ancestor', done.sha, 'main')).not.toThrow();
    expect(gitIn(repo, 'ls-tree', '--name-only', 'main').split('\n').filter(Boolean).sort()).toEqual(['README.md', 'f001', 'f002']);
  });

  it('makes the root commit of an unborn branch', async () => {
    const repo = tempRepo({ unborn: true });
    const done = await commitFiles({ cwd: repo, files: [file('a.json', '{}\n')], message: message('001', 'h'), tag: 'autopilot/run-001', bestOf: null });
    expect(done.parent).toBeNull();
    expect(changedPaths(repo, 'main')).toEqual(['a.json']);
  });

  it('moves autopilot/best to the incumbent run’s commit, and leaves it when it is already there', async () => {
    const repo = tempRepo();
    const first = await commitFiles({ cwd: repo, files: [file('a', '1\n')], message: message('001', 'h1'), tag: 'autopilot/run-001', bestOf: 'autopilot/run-001' });
    const second = await commitFiles({ cwd: repo, files: [file('a', '2\n')], message: message('002', 'h2'), tag: 'autopilot/run-002', bestOf: 'autopilot/run-001' });
    expect(second.best).toBeUndefined();
    expect(gitIn(repo, 'rev-parse', 'autopilot/best^{commit}').trim()).toBe(first.sha);
    const third = await commitFiles({ cwd: repo, files: [file('a', '3\n')], message: message('003', 'h3'), tag: 'autopilot/run-003', bestOf: 'autopilot/run-003' });
    expect(third.best).toBe(third.sha);
    expect(gitIn(repo, 'rev-parse', 'autopilot/best^{commit}').trim()).toBe(third.sha);
    expect(gitIn(repo, 'rev-list', '--count', 'main').trim()).toBe('4');
  });

  it('fails the head step on a detached HEAD, committing nothing', async () => {
    const repo = tempRepo();
    gitIn(repo, 'checkout', '-q', '--detach');
    const err = await commitFiles({ cwd: repo, files: [file('a', '1\n')], message: message('001', 'h'), tag: 'autopilot/run-001', bestOf: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitStepError);
    expect(err).toMatchObject({ step: 'head', message: 'HEAD is detached (not on a branch)' });
    expect(gitIn(repo, 'tag', '--list')).toBe('');
  });

  it('fails the commit step with git’s message when there is no identity', async () => {
    const repo = tempRepo({ identity: false });
    const err = await commitFiles({ cwd: repo, files: [file('a', '1\n')], message: message('001', 'h'), tag: 'autopilot/run-001', bestOf: null }).catch((e: unknown) => e);
    expect(err).toMatchObject({ step: 'commit' });
    expect((err as Error).message).toMatch(/identity|user\.(name|email)|email/i);
    expect(gitIn(repo, 'rev-list', '--count', 'main').trim()).toBe('1');
  });

  it('fails the ref step when the branch is locked, leaving it where it was', async () => {
    const repo = tempRepo();
    const head = gitIn(repo, 'rev-parse', 'HEAD').trim();
    writeFileSync(join(repo, '.git/refs/heads/main.lock'), '');
    const err = await commitFiles({ cwd: repo, files: [file('a', '1\n')], message: message('001', 'h'), tag: 'autopilot/run-001', bestOf: null }).catch((e: unknown) => e);
    expect(err).toMatchObject({ step: 'ref' });
    expect(gitIn(repo, 'rev-parse', 'HEAD').trim()).toBe(head);
    expect(gitIn(repo, 'tag', '--list')).toBe('');
  });

  it('runs no hook of the repository, whatever core.hooksPath says', async () => {
    const repo = tempRepo();
    const marker = join(repo, 'hook-ran');
    mkdirSync(join(repo, 'hooks'));
    for (const hook of ['reference-transaction', 'post-index-change', 'pre-commit', 'post-commit']) {
      writeFileSync(join(repo, 'hooks', hook), `#!/bin/sh\necho ${hook} >> ${marker}\n`, { mode: 0o755 });
      writeFileSync(join(repo, '.git/hooks', hook), `#!/bin/sh\necho ${hook} >> ${marker}\n`, { mode: 0o755 });
    }
    gitIn(repo, 'config', 'core.hooksPath', join(repo, 'hooks'));
    await commitFiles({ cwd: repo, files: [file('a', '1\n')], message: message('001', 'h'), tag: 'autopilot/run-001', bestOf: null });
    expect(existsSync(marker)).toBe(false);
    // The same ref move by plain git runs the hook: it was there to run.
    gitIn(repo, 'update-ref', 'refs/heads/other', 'HEAD');
    expect(existsSync(marker)).toBe(true);
  });
});
