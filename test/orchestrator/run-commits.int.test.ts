import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AutopilotEvent } from '../../events/catalogue.js';
import { parseSettings } from '../../domain/config/settings.js';
import { emptyView, type RunView, type SessionView, type WorkspaceView } from '../../projections/view.js';
import { gitFact, gitLine, runCommitter } from '../../orchestrator/run-commits.js';
import { isolateGitConfig, put, tempRepo } from '../support/git-repo.js';

beforeAll(() => isolateGitConfig());

const settings = (git: Record<string, unknown> = {}) =>
  parseSettings({ trainer: { command: ['t'] }, metric: { name: 'm', direction: 'maximize' }, timeouts: { quick: { wall_seconds: 1, no_output_seconds: 1 } }, git });

const options = (root: string, git: Record<string, unknown>, recorded: AutopilotEvent[]) => ({
  root,
  settings: settings(git),
  inputs: [] as string[],
  view: emptyView,
  record: (e: AutopilotEvent) => recorded.push(e),
  now: () => new Date('2026-12-07T00:00:00Z'),
});

describe('runCommitter', () => {
  it('is off outside a git work tree by default, and when git.enabled is false inside one', () => {
    const outside = mkdtempSync(join(tmpdir(), 'no-repo-'));
    expect(runCommitter(options(outside, {}, []))).toBeNull();
    expect(runCommitter(options(tempRepo(), { enabled: false }, []))).toBeNull();
    expect(runCommitter(options(tempRepo(), {}, []))).not.toBeNull();
  });

  it('records a head failure for each run when git.enabled is true outside a work tree, and goes on', async () => {
    const recorded: AutopilotEvent[] = [];
    const c = runCommitter(options(mkdtempSync(join(tmpdir(), 'no-repo-')), { enabled: true }, recorded))!;
    c.journaled('001', 'h');
    c.recover([{ runId: '002', eventHash: 'h2' }]);
    await c.drain();
    expect(recorded.map((e) => [e.type, (e.data as { runId: string }).runId, (e.data as { step?: string }).step])).toEqual([
      ['RunCommitFailed', '001', 'head'],
      ['RunCommitFailed', '002', 'head'],
    ]);
  });
});

/** A view with run 001 of session 0001 journaled, the session proposed by `proposer`. */
function journaledView(proposer: string): WorkspaceView {
  const view = emptyView();
  view.sessions.set('0001', { session: '0001', proposer } as SessionView);
  const journal = { status: 'completed', action: 'a', observation: 'o', outcome: 'baseline', next: 'n', at: '2026-12-07T00:00:00.000Z' } as const;
  view.runs.set('001', { runId: '001', session: '0001', kind: 'baseline', parent: null, accepted: null, evaluation: null, journal } as unknown as RunView);
  return view;
}

describe('runCommitter in a workspace at the top of its repository', () => {
  it('commits a built-in session’s run, but not an agent session’s, whose guarded steps would revert what git wrote in .git', async () => {
    for (const [proposer, expected] of [
      ['builtin', 'RunCommitted'],
      ['command', 'RunCommitFailed'],
    ] as const) {
      const repo = tempRepo();
      put(repo, 'runs/001/config.json', '{}\n');
      const recorded: AutopilotEvent[] = [];
      const c = runCommitter({ ...options(repo, {}, recorded), view: () => journaledView(proposer) })!;
      c.journaled('001', 'h');
      await c.drain();
      expect(recorded.map((e) => e.type)).toEqual([expected]);
      if (expected === 'RunCommitFailed') expect(recorded[0]!.data).toMatchObject({ step: 'layout' });
      else expect(recorded[0]!.data).toMatchObject({ files: ['runs/001/config.json'] });
    }
  });
});

describe('gitLine and gitFact', () => {
  it('says whether runs will be committed, and why not', () => {
    expect(gitLine(mkdtempSync(join(tmpdir(), 'no-repo-')), settings())).toBe('off (not inside a git work tree)');
    expect(gitLine(tempRepo(), settings({ enabled: false }))).toBe('off (git.enabled is false)');
    expect(gitLine(tempRepo(), settings())).toMatch(/^on: a commit per journaled run in \//);
    const repo = tempRepo();
    expect(gitFact(repo, settings())).toEqual({ enabled: true, repository: realpathSync(repo) });
    expect(gitFact(repo, settings({ enabled: false }))).toEqual({ enabled: false, why: 'git.enabled is false' });
    expect(gitFact(mkdtempSync(join(tmpdir(), 'no-repo-')), settings())).toEqual({ enabled: false, why: 'not inside a git work tree' });
  });
});
