import { beforeAll, describe, expect, it } from 'vitest';
import { commitFiles } from '../../../adapters/git/commit.js';
import { findRunCommit } from '../../../adapters/git/recover.js';
import { gitIn, commitFile as file, isolateGitConfig, runMessage as message, tempRepo } from '../../support/git-repo.js';

beforeAll(() => isolateGitConfig());

describe('findRunCommit', () => {
  it('finds the commit tagged for the same journal event, and nothing for another event or a missing tag', async () => {
    const repo = tempRepo();
    const done = await commitFiles({ cwd: repo, files: [file('ws/a', '1\n')], message: message('001', 'hash-1'), tag: 'autopilot/run-001', bestOf: null });
    const found = await findRunCommit(repo, 'autopilot/run-001', 'hash-1', ['ws/a', 'ws/b']);
    expect(found).toMatchObject({ sha: done.sha, branch: 'refs/heads/main', files: ['ws/a'] });
    expect(found!.message).toBe(message('001', 'hash-1'));
    expect(await findRunCommit(repo, 'autopilot/run-001', 'hash-other', ['ws/a'])).toBeNull();
    expect(await findRunCommit(repo, 'autopilot/run-002', 'hash-1', ['ws/a'])).toBeNull();
  });

  it('finds nothing when the tagged commit is not on the branch', async () => {
    const repo = tempRepo();
    const done = await commitFiles({ cwd: repo, files: [file('a', '1\n')], message: message('001', 'h'), tag: 'autopilot/run-001', bestOf: null });
    gitIn(repo, 'update-ref', 'refs/heads/main', `${done.sha}^`);
    expect(await findRunCommit(repo, 'autopilot/run-001', 'h', ['a'])).toBeNull();
  });
});
