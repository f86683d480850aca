import { beforeAll, describe, expect, it } from 'vitest';
import { syncUserIndex } from '../../../adapters/git/user-index.js';
import { commitAll, gitIn, isolateGitConfig, put, tempRepo } from '../../support/git-repo.js';

beforeAll(() => isolateGitConfig());

/** Writes `text` as a blob and returns its id. */
const blob = (repo: string, text: string) => {
  put(repo, '.blob-tmp', text);
  return gitIn(repo, 'hash-object', '-w', '.blob-tmp').trim();
};

describe('syncUserIndex', () => {
  it('brings untouched and new paths up to the commit, and leaves a staged path, a conflict and every other path alone', () => {
    const repo = tempRepo();
    const head = commitAll(repo, { 'same.txt': 'old\n', 'staged.txt': 'old\n', 'other.txt': 'old\n' }, 'files');
    put(repo, 'staged.txt', 'the user’s\n');
    put(repo, 'other.txt', 'the user’s too\n');
    gitIn(repo, 'add', 'staged.txt', 'other.txt');
    const files = ['same.txt', 'staged.txt', 'new.txt'].map((path) => ({ path, blob: blob(repo, `new ${path}\n`), executable: false }));
    return syncUserIndex(repo, head, files).then(() => {
      expect(gitIn(repo, 'show', ':same.txt')).toBe('new same.txt\n');
      expect(gitIn(repo, 'show', ':new.txt')).toBe('new new.txt\n');
      expect(gitIn(repo, 'show', ':staged.txt')).toBe('the user’s\n');
      expect(gitIn(repo, 'show', ':other.txt')).toBe('the user’s too\n');
    });
  });

  it('leaves a path in conflict as it is', async () => {
    const repo = tempRepo();
    put(repo, 'c.txt', 'base\n');
    gitIn(repo, 'add', 'c.txt');
    gitIn(repo, 'commit', '-q', '-m', 'base');
    gitIn(repo, 'checkout', '-q', '-b', 'side');
    put(repo, 'c.txt', 'side\n');
    gitIn(repo, 'commit', '-q', '-am', 'side');
    gitIn(repo, 'checkout', '-q', 'main');
    put(repo, 'c.txt', 'main\n');
    gitIn(repo, 'commit', '-q', '-am', 'main');
    expect(() => gitIn(repo, 'merge', '-q', 'side')).toThrow();
    const before = gitIn(repo, 'ls-files', '-s', 'c.txt');
    await syncUserIndex(repo, gitIn(repo, 'rev-parse', 'HEAD').trim(), [{ path: 'c.txt', blob: blob(repo, 'ours\n'), executable: false }]);
    expect(gitIn(repo, 'ls-files', '-s', 'c.txt')).toBe(before);
  });
});
