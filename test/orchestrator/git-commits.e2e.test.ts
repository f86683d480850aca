/**
 * A git commit per journaled run, with the real loop (the compiled CLI, the fake trainer) in a
 * workspace inside a real temporary repository: one commit per run holding exactly its files, the
 * tags, a user's staged change kept, a SIGKILL between commit and event never committing twice, and
 * a repository without an identity giving events while the loop goes on.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, killLiveChildren, readEvents, readLogDirect, startCli, type Ended, type LoggedEvent } from '../support/chaos.js';
import { changedPaths, gitIn, isolateGitConfig, put } from '../support/git-repo.js';
import { repoWorkspace } from '../support/git-workspace.js';
import { runCommitPaths } from '../../adapters/git/run-files.js';
import type { EvaluationView } from '../../projections/evaluations.js';
import { patchSettings } from '../support/workspace.js';

beforeAll(() => isolateGitConfig());
afterEach(() => killLiveChildren());

const INPUTS = ['autopilot.json', 'configs/baseline_full.json', 'configs/baseline_quick.json', 'policy.json', 'prompts/propose.md', 'scripts/run_training.sh'];
/** What no commit may ever hold. */
const NEVER = /(^|\/)(events\.db[^/]*|blobs\/.*|logs\/.*|checkpoints\/.*|trainer_summary\.json|train\.log|autopilot\.lock.*|fake-trainer\.jsonl)$/;

const of = (events: LoggedEvent[], type: string) => events.filter((e) => e.type === type);
/** The evaluations the log planned, as runCommitPaths reads them. */
const evaluationsOf = (events: LoggedEvent[]) =>
  new Map(
    of(events, 'EvaluationPlanned').map((e) => [
      String(e.data.evaluationId),
      { planned: e.data, finished: null, failed: null, evaluators: [], jobsPlanned: [] } as unknown as EvaluationView,
    ]),
  );
/** The commits on main made for run `runId` (by their trailer). */
const commitsFor = (repo: string, runId: string) => gitIn(repo, 'log', '--format=%H', '--fixed-strings', `--grep=Autopilot-Run: ${runId}`, 'main').split('\n').filter(Boolean);

describe('a loop in a workspace inside a git repository', () => {
  let ws: string;
  let repo: string;
  let events: LoggedEvent[];
  let stagedBefore: string;

  beforeAll(async () => {
    // Each run saves a checkpoint, so its index is committed (the checkpoint itself never is).
    ({ ws, repo } = repoWorkspace(true, { FAKE_TRAINER_CHECKPOINT: 'same' }));
    // Promotions are confirmed on held-out seeds: each confirmation's record is committed with its run.
    patchSettings(ws, { evaluation: { confirm_promotion: true, episodes: 20 } });
    // The user's staged change: the run commits must neither take it nor lose it.
    put(repo, 'README.md', 'project, edited and staged\n');
    gitIn(repo, 'add', 'README.md');
    stagedBefore = gitIn(repo, 'diff', '--cached');
    const r = await cli(['loop', '--runs', '4', '--workspace', ws]);
    expect(r.exitCode, r.stderr).toBe(0);
    events = await readEvents(ws);
  });

  it('commits each journaled run once, after its JournalWritten, with no failure', () => {
    const journaled = of(events, 'JournalWritten').map((e) => e.data.runId!);
    expect(journaled).toEqual(['001', '002', '003', '004']);
    expect(of(events, 'RunCommitted').map((e) => e.data.runId)).toEqual(journaled);
    expect(of(events, 'RunCommitFailed')).toEqual([]);
    for (const id of journaled) {
      const journal = events.find((e) => e.type === 'JournalWritten' && e.data.runId === id)!;
      const commit = events.find((e) => e.type === 'RunCommitted' && e.data.runId === id)!;
      expect(commit.seq).toBeGreaterThan(journal.seq);
      expect(commitsFor(repo, id)).toEqual([commit.data.sha]);
    }
    // The initial commit, then one per run, in order.
    expect(gitIn(repo, 'rev-list', '--count', 'main').trim()).toBe('5');
    expect(gitIn(repo, 'log', '--format=%s', 'main').split('\n').filter(Boolean).slice(0, 4).reverse()).toEqual(of(events, 'RunCommitted').map((e) => String(e.data.message).split('\n')[0]));
  });

  it('holds exactly the run’s files, the journal and the inputs in force in each commit, and never the log, logs or checkpoints', () => {
    for (const e of of(events, 'RunCommitted')) {
      const id = e.data.runId!;
      const sha = String(e.data.sha);
      // A baseline has no proposal archive, and the notes exist once a run has any.
      // evaluations.md is written with the first evaluation: a run journaled (its files read) before it has none.
      const journaled = of(events, 'JournalWritten').find((j) => j.data.runId === id)!;
      const evaluatedBefore = of(events, 'EvaluationPlanned').some((p) => p.seq < journaled.seq);
      const expected = runCommitPaths(id, INPUTS, evaluationsOf(events))
        .filter((p) => existsSync(join(ws, p)) && (p !== 'journal/evaluations.md' || evaluatedBefore))
        .map((p) => `autopilot/${p}`);
      expect(e.data.files, `run ${id}`).toEqual(expected);
      const changed = changedPaths(repo, sha);
      expect(
        changed.every((p) => expected.includes(p)),
        changed.join(', '),
      ).toBe(true);
      expect(changed).toEqual(expect.arrayContaining([`autopilot/runs/${id}/summary.json`, `autopilot/runs/${id}/checkpoints.json`, 'autopilot/journal/labbook.md']));
      const indexed = of(events, 'CheckpointsIndexed').find((c) => c.data.runId === id)!;
      expect(gitIn(repo, 'show', `${sha}:autopilot/runs/${id}/checkpoints.json`)).toContain(String((indexed.data.checkpoints as { sha256: string }[])[0]!.sha256));
      expect(gitIn(repo, 'show', `${sha}:autopilot/runs/${id}/config.json`).length).toBeGreaterThan(2);
      const tree = gitIn(repo, 'ls-tree', '-r', '--name-only', sha).split('\n').filter(Boolean);
      expect(tree.filter((p) => NEVER.test(p))).toEqual([]);
      expect(tree.filter((p) => p !== 'README.md' && !p.startsWith('autopilot/'))).toEqual([]);
    }
    expect(gitIn(repo, 'show', 'autopilot/run-001:autopilot/runs/001/run.json')).toContain('"run_id": "001"');
  });

  it('commits each promotion’s confirmation with the run it confirms, as the evaluation’s record stood then', () => {
    const confirmations = of(events, 'EvaluationPlanned').filter((e) => e.data.by === 'promotion');
    expect(confirmations.length).toBeGreaterThanOrEqual(1);
    for (const e of confirmations) {
      const id = String(e.data.evaluationId);
      const runId = String(e.data.runId);
      const sha = String(of(events, 'RunCommitted').find((c) => c.data.runId === runId)!.data.sha);
      for (const t of e.data.targets as { runId: string }[]) {
        const record = JSON.parse(gitIn(repo, 'show', `${sha}:autopilot/runs/${t.runId}/eval/${id}.json`)) as { evaluation: string; status: string };
        // Finished or failed, never unfinished: the journal step ends its evaluation before the run is journaled.
        expect(record).toMatchObject({ evaluation: id });
        expect(record.status).not.toBe('unfinished');
      }
      expect(gitIn(repo, 'show', `${sha}:autopilot/journal/evaluations.md`)).toContain(`## ${id} `);
    }
  });

  it('tags every run’s commit, and autopilot/best the incumbent’s', () => {
    const committed = new Map(of(events, 'RunCommitted').map((e) => [e.data.runId!, String(e.data.sha)]));
    const tags = gitIn(repo, 'tag', '--list', 'autopilot/*').split('\n').filter(Boolean).sort();
    expect(tags).toEqual(['autopilot/best', ...[...committed.keys()].map((id) => `autopilot/run-${id}`)].sort());
    for (const [id, sha] of committed) expect(gitIn(repo, 'rev-parse', `autopilot/run-${id}^{commit}`).trim()).toBe(sha);
    const incumbent = String(of(events, 'LoopCompleted').at(-1)!.data.incumbent);
    expect(gitIn(repo, 'rev-parse', 'autopilot/best^{commit}').trim()).toBe(committed.get(incumbent));
    // The best tag moved with the commit of each promotion.
    const moves = of(events, 'RunCommitted').filter((e) => e.data.best !== undefined);
    expect(moves.length).toBeGreaterThanOrEqual(1);
    expect(moves.at(-1)!.data.best).toBe(committed.get(incumbent));
  });

  it('leaves the user’s staged change staged, exactly, and the committed files not staged back', () => {
    expect(gitIn(repo, 'diff', '--cached')).toBe(stagedBefore);
    expect(gitIn(repo, 'show', 'main:README.md')).toBe('project\n');
  });

  it('says in `autopilot check` that runs are committed, and where', async () => {
    const r = await cli(['check', '--workspace', ws]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}git: +on: a commit per journaled run in .*\(tags autopilot\/run-N, autopilot\/best\)$/m);
    const json = await cli(['check', '--json', '--workspace', ws]);
    expect(json.exitCode, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).git).toEqual({ enabled: true, repository: gitIn(repo, 'rev-parse', '--show-toplevel').trim() });
  });

  it('shows the commit in the run’s audit', async () => {
    const r = await cli(['audit', '002', '--workspace', ws]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`committed ${String(of(events, 'RunCommitted')[1]!.data.sha)} on refs/heads/main (autopilot/run-002`);
  });
});

describe('a loop keeping two runs in flight in a git repository', () => {
  it('commits each run once, in journal order, with its own labbook line and no other run’s folder', async () => {
    const { ws, repo } = repoWorkspace();
    const r = await cli(['loop', '--runs', '4', '--parallel', '2', '--workspace', ws]);
    expect(r.exitCode, r.stderr).toBe(0);
    const events = await readEvents(ws);
    const journaled = of(events, 'JournalWritten').map((e) => e.data.runId!);
    expect(journaled).toHaveLength(4);
    expect(of(events, 'RunCommitted').map((e) => e.data.runId)).toEqual(journaled);
    for (const e of of(events, 'RunCommitted')) {
      const id = e.data.runId!;
      expect(commitsFor(repo, id)).toEqual([e.data.sha]);
      expect(changedPaths(repo, String(e.data.sha)).filter((p) => p.startsWith('autopilot/runs/') && !p.startsWith(`autopilot/runs/${id}/`))).toEqual([]);
      expect(gitIn(repo, 'show', `${String(e.data.sha)}:autopilot/journal/labbook.md`)).toMatch(new RegExp(`\\| run ${id} \\(`));
    }
  });
});

describe('a loop in a repository with no user identity', () => {
  it('records a RunCommitFailed per run with git’s message, and completes its runs', async () => {
    const { ws, repo } = repoWorkspace(false);
    const r = await cli(['loop', '--runs', '2', '--workspace', ws]);
    expect(r.exitCode, r.stderr).toBe(0);
    const events = await readEvents(ws);
    expect(of(events, 'JournalWritten')).toHaveLength(2);
    const failed = of(events, 'RunCommitFailed');
    expect(failed.map((e) => [e.data.runId, e.data.step])).toEqual([
      ['001', 'commit'],
      ['002', 'commit'],
    ]);
    expect(String(failed[0]!.data.message)).toMatch(/identity|email|name/i);
    expect(String(failed[0]!.data.hint)).toContain('user.name');
    expect(of(events, 'LoopCompleted')).toHaveLength(1);
    expect(gitIn(repo, 'rev-list', '--count', 'main').trim()).toBe('1');
  });
});

describe('a loop SIGKILLed as soon as a run’s tag appears', () => {
  it('never commits a run twice: a commit made before the kill is found by its tag on resume and recorded as recovered', async () => {
    let landed = 0;
    // Each workspace: kill at every new tag, resume, until its runs are done; another if no kill landed in the window.
    for (let round = 0; round < 3 && landed === 0; round++) {
      const { ws, repo } = repoWorkspace();
      const seen = new Set<string>();
      let finished: Ended | null = null;
      for (let cycle = 0; cycle < 12 && finished === null; cycle++) {
        const child = startCli(['loop', '--runs', '3', '--workspace', ws]);
        const tagged = await new Promise<string | null>((resolve) => {
          const poll = setInterval(() => {
            for (const id of ['001', '002', '003'])
              if (!seen.has(id) && existsSync(join(repo, '.git/refs/tags/autopilot', `run-${id}`))) {
                clearInterval(poll);
                process.kill(child.pid, 'SIGKILL');
                return resolve(id);
              }
            if (child.done()) {
              clearInterval(poll);
              resolve(null);
            }
          }, 1);
        });
        const ended = await child.ended;
        if (tagged === null) {
          finished = ended;
          break;
        }
        seen.add(tagged);
        // In the window: the commit and its tag exist, the event does not.
        if (!readLogDirect(ws).some((e) => e.type === 'RunCommitted' && e.data.runId === tagged)) landed++;
      }
      // The last start ran the session to its end by itself.
      expect(finished?.exitCode, finished?.stderr).toBe(0);
      const events = await readEvents(ws);
      const committed = of(events, 'RunCommitted');
      expect(committed.map((e) => e.data.runId)).toEqual(['001', '002', '003']);
      expect(of(events, 'RunCommitFailed')).toEqual([]);
      for (const e of committed) expect(commitsFor(repo, e.data.runId!)).toEqual([e.data.sha]);
      expect(committed.filter((e) => e.data.recovered === true).length).toBe(landedIn(events));
    }
    expect(landed, 'no kill landed between a commit and its event in 3 workspaces').toBeGreaterThan(0);
  });
});

/** Runs whose commit was recorded as recovered in this log. */
function landedIn(events: LoggedEvent[]): number {
  return of(events, 'RunCommitted').filter((e) => e.data.recovered === true).length;
}
