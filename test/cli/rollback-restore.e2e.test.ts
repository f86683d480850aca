/**
 * `autopilot rollback --restore-inputs` against the loop's own per-run commits: a real loop commits
 * its runs in a temporary repository, the user then changes and commits the inputs, and the rollback
 * puts back the inputs of the run's commit (its tag), recorded before the files are written.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, killLiveChildren, readEvents, type LoggedEvent } from '../support/chaos.js';
import { gitIn, isolateGitConfig } from '../support/git-repo.js';
import { repoWorkspace } from '../support/git-workspace.js';

beforeAll(() => isolateGitConfig());
afterEach(() => killLiveChildren());

const of = (events: LoggedEvent[], type: string) => events.filter((e) => e.type === type);

describe('rollback --restore-inputs after a loop that committed its runs', () => {
  it('restores policy.json and the prompt from the run tag the loop made, and records it', async () => {
    const { ws, repo } = repoWorkspace();
    const r = await cli(['loop', '--runs', '3', '--workspace', ws]);
    expect(r.exitCode, r.stderr).toBe(0);
    const before = await readEvents(ws);
    const committed = of(before, 'RunCommitted');
    expect(committed.map((e) => e.data.runId)).toEqual(['001', '002', '003']);
    // A finished run that is not the incumbent.
    const incumbent = of(before, 'IncumbentChanged').at(-1)?.data.runId ?? '001';
    const target = ['001', '002', '003'].find((id) => id !== incumbent && of(before, 'RunFinished').some((e) => e.data.runId === id))!;
    const commit = committed.find((e) => e.data.runId === target)!.data.sha as string;
    expect(gitIn(repo, 'rev-parse', `autopilot/run-${target}^{commit}`).trim()).toBe(commit);

    // The user changes the inputs afterwards and commits them (nothing uncommitted to lose).
    const policyPath = join(ws, 'policy.json');
    const promptPath = join(ws, 'prompts', 'propose.md');
    const policyThen = gitIn(repo, 'show', `${commit}:autopilot/policy.json`);
    const promptThen = gitIn(repo, 'show', `${commit}:autopilot/prompts/propose.md`);
    const policy = JSON.parse(readFileSync(policyPath, 'utf8')) as { notes?: string };
    writeFileSync(policyPath, `${JSON.stringify({ ...policy, notes: 'changed after the runs' }, null, 2)}\n`);
    writeFileSync(promptPath, `${readFileSync(promptPath, 'utf8')}\nA line added after the runs.\n`);
    gitIn(repo, 'add', '-A', 'autopilot/policy.json', 'autopilot/prompts/propose.md');
    gitIn(repo, 'commit', '-q', '-m', 'change the inputs');
    expect(readFileSync(policyPath, 'utf8')).not.toBe(policyThen);

    const back = await cli(['rollback', target, '--why', 'the inputs of then', '--restore-inputs', '--workspace', ws]);
    expect(back.exitCode, back.stderr).toBe(0);
    expect(readFileSync(policyPath, 'utf8')).toBe(policyThen);
    expect(readFileSync(promptPath, 'utf8')).toBe(promptThen);
    const after = await readEvents(ws);
    const rolled = of(after, 'RolledBack');
    expect(rolled).toHaveLength(1);
    expect(rolled[0]!.data).toMatchObject({ to: target, why: 'the inputs of then', restored: { tag: `autopilot/run-${target}`, commit } });
    // The restored inputs are accepted in the log, so a later session does not treat them as tampering.
    expect(of(after, 'InputsAccepted').map((e) => e.data)).toEqual([expect.objectContaining({ by: 'rollback --restore-inputs', why: `rollback to run ${target}: the inputs of then` })]);
    // History is not rewritten: the user's commit is still there.
    expect(gitIn(repo, 'log', '--format=%s', '-1')).toContain('change the inputs');
  });
});
