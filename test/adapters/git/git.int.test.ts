import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { git, gitOut, GitStepError } from '../../../adapters/git/git.js';
import { gitIn, isolateGitConfig, tempRepo } from '../../support/git-repo.js';

beforeAll(() => isolateGitConfig());

describe('git', () => {
  it('returns stdout, and never throws on a failing command but gives its message and exit code', async () => {
    const repo = tempRepo();
    expect(await git(repo, ['rev-parse', '--abbrev-ref', 'HEAD'])).toMatchObject({ ok: true, stdout: 'main', exitCode: 0 });
    const bad = await git(repo, ['rev-parse', '--verify', 'no-such-ref']);
    expect(bad.ok).toBe(false);
    expect(bad.exitCode).toBe(128);
    expect(bad.message).toMatch(/no-such-ref|Needed a single revision/);
  });

  it('uses the index file it is given, not the user’s', async () => {
    const repo = tempRepo();
    const indexFile = join(repo, '.git', 'other-index');
    await gitOut('commit', repo, ['read-tree', '--empty'], { indexFile });
    expect((await gitOut('read', repo, ['ls-files'], { indexFile })).trim()).toBe('');
    expect(gitIn(repo, 'ls-files').trim()).toBe('README.md');
  });

  it('throws a GitStepError naming its step from gitOut', async () => {
    const repo = tempRepo();
    const err = await gitOut('ref', repo, ['update-ref', 'refs/heads/main', 'not-a-sha']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitStepError);
    expect(err).toMatchObject({ step: 'ref' });
  });
});
