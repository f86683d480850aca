/** `autopilot rollback` and `autopilot diff` in process, on a committed three-run history: what they record, restore and refuse. */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock } from '../../adapters/lock.js';
import { runInProcess } from '../support/cli-in-process.js';
import { loggedEvents as events } from '../support/logged-events.js';
import { historyWorkspace } from '../support/histories.js';
import { commitAll, initRepo, tagRunCommit } from '../support/run-commit-tag.js';

/** A loop-3 history (001 the incumbent, 002 improved and under replication) in a workspace folder `autopilot/` of a git repository. */
async function committedWorkspace(): Promise<{ top: string; ws: string }> {
  const top = mkdtempSync(join(tmpdir(), 'rollback-repo-'));
  const ws = join(top, 'autopilot');
  renameSync(await historyWorkspace('loop-3'), ws);
  initRepo(top);
  return { top, ws };
}

describe('autopilot rollback', () => {
  it('records RolledBack in run 002’s stream with who and why, and the views follow it', async () => {
    const ws = await historyWorkspace('loop-3');
    const seq = (await events(ws)).at(-1)!.seq + 1;
    const r = await runInProcess(['rollback', '2', '--why', 'the improvement was noise', '--by', 'alice', '--workspace', ws]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^rolled back to run 002 \(mean_reward 395\.8\d*, n=32\), replacing 001; recorded at seq (\d+): the improvement was noise\n/);
    expect(r.stdout).toContain(`recorded at seq ${seq}:`);
    expect(r.stdout).toContain("the next proposals build on run 002's config, and the next runs are compared against its sample (n=32)");
    const last = (await events(ws)).at(-1)!;
    expect(last).toMatchObject({ seq, stream: 'run-002', type: 'RolledBack', data: { to: '002', previous: '001', by: 'alice', why: 'the improvement was noise' } });
    expect(last.data.incumbent).toMatchObject({ runId: '002', n: 32 });

    const status = JSON.parse((await runInProcess(['status', '--workspace', ws, '--json'])).stdout);
    expect(status.incumbent).toMatchObject({ run_id: '002', n: 32 });
    expect(readFileSync(join(ws, 'journal', 'labbook.md'), 'utf8')).toContain('roll back to run 002 (alice)');
    expect(JSON.parse(readFileSync(join(ws, 'runs', 'best.json'), 'utf8'))).toMatchObject({ run_id: '002' });
    const audit = await runInProcess(['audit', '002', '--workspace', ws]);
    expect(audit.stdout).toContain(`run 002 was made the incumbent again by a rollback (alice, replacing 001) at #${seq}`);
    const replay = await runInProcess(['replay', '--at', String(seq), '--workspace', ws, '--json']);
    expect(replay.code, replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ type: 'RolledBack', view: { incumbent: { run_id: '002' } } });
  });

  it('refuses an empty --why, an unknown run, the incumbent itself and a held lock, recording nothing', async () => {
    const ws = await historyWorkspace('loop-3');
    const before = (await events(ws)).at(-1)!.seq;
    const refused = async (args: string[], code: number, text: string | RegExp) => {
      const r = await runInProcess(['rollback', ...args, '--workspace', ws]);
      expect(r.code, r.stdout).toBe(code);
      expect(r.stderr).toMatch(text);
    };
    await refused(['002', '--why', '  '], 2, 'rollback needs --why');
    await refused(['009', '--why', 'x'], 1, 'no run 009 in the log; runs are 001..003');
    await refused(['001', '--why', 'x'], 2, 'run 001 is the incumbent already');
    const lock = acquireLock(join(ws, 'autopilot.lock'));
    try {
      await refused(['002', '--why', 'x'], 1, /another autopilot \(pid \d+\) is running on this workspace.*stop it with 'autopilot stop' or wait; a rollback is made between sessions/);
    } finally {
      lock.release();
    }
    expect((await events(ws)).at(-1)!.seq).toBe(before);
  });
});

describe('autopilot rollback --restore-inputs', () => {
  const oldPolicy = (now: string) => now.replace(/\}\s*$/, ',\n  "description": "as it was at run 002"\n}\n');

  it("puts back policy, baselines and prompts from the run's commit, and records them as accepted inputs", async () => {
    const { top, ws } = await committedWorkspace();
    const policy = oldPolicy(readFileSync(join(ws, 'policy.json'), 'utf8'));
    const commit = tagRunCommit(top, 'autopilot/', '002', { 'policy.json': policy, 'prompts/extra.md': '# kept at run 002\n', 'autopilot.json': '{}' });
    const r = await runInProcess(['rollback', '002', '--why', 'go back', '--restore-inputs', '--workspace', ws, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.restored.tag).toBe('autopilot/run-002');
    expect(out.restored.commit).toBe(commit);
    expect(out.restored.files).toContain('policy.json');
    expect(out.restored.files).toContain('prompts/extra.md');
    // autopilot.json says how this machine trains: never restored.
    expect(out.restored.files).not.toContain('autopilot.json');
    expect(readFileSync(join(ws, 'policy.json'), 'utf8')).toBe(policy);
    expect(readFileSync(join(ws, 'prompts', 'extra.md'), 'utf8')).toBe('# kept at run 002\n');
    expect(JSON.parse(readFileSync(join(ws, 'autopilot.json'), 'utf8'))).not.toEqual({});
    const log = await events(ws);
    expect(log.at(-2)).toMatchObject({ type: 'RolledBack', data: { restored: { tag: 'autopilot/run-002', commit } } });
    const accepted = log.at(-1)!;
    expect(accepted).toMatchObject({ type: 'InputsAccepted', data: { by: 'rollback --restore-inputs', why: 'rollback to run 002: go back' } });
    expect((accepted.data.files as { path: string; text: string }[]).find((f) => f.path === 'policy.json')?.text).toBe(policy);
  });

  it('refuses uncommitted edits, a missing tag and a link at an input, writing and recording nothing', async () => {
    const { top, ws } = await committedWorkspace();
    const before = (await events(ws)).at(-1)!.seq;
    tagRunCommit(top, 'autopilot/', '002', { 'policy.json': oldPolicy(readFileSync(join(ws, 'policy.json'), 'utf8')) });
    const refused = async (args: string[], text: string | RegExp) => {
      const r = await runInProcess(['rollback', ...args, '--why', 'x', '--restore-inputs', '--workspace', ws]);
      expect(r.code, r.stdout).toBe(1);
      expect(r.stderr).toMatch(text);
    };
    await refused(['003'], 'run 003 has no commit: the tag autopilot/run-003 is missing');

    const edited = `${readFileSync(join(ws, 'policy.json'), 'utf8')} `;
    writeFileSync(join(ws, 'policy.json'), edited);
    await refused(['002'], 'cannot restore the inputs of autopilot/run-002: policy.json has uncommitted edits that the restore would lose; commit or stash them first');
    expect(readFileSync(join(ws, 'policy.json'), 'utf8')).toBe(edited);

    // A link committed at policy.json (so git sees no edit) is replaced by nothing: the decoy it points at stays as it was.
    const decoy = join(mkdtempSync(join(tmpdir(), 'decoy-')), 'policy.json');
    writeFileSync(decoy, 'decoy');
    unlinkSync(join(ws, 'policy.json'));
    symlinkSync(decoy, join(ws, 'policy.json'));
    commitAll(top, 'a link');
    await refused(['002'], 'cannot restore policy.json: a symlink stands there, and a restore never writes through one');
    expect(readFileSync(decoy, 'utf8')).toBe('decoy');
    expect((await events(ws)).at(-1)!.seq).toBe(before);
  });

  it('refuses a workspace in no git repository', async () => {
    const ws = await historyWorkspace('loop-3');
    mkdirSync(join(ws, 'x'), { recursive: true });
    const r = await runInProcess(['rollback', '002', '--why', 'x', '--restore-inputs', '--workspace', ws]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not in a git repository');
  });
});

describe('autopilot diff', () => {
  it('prints the config diff and the seeded comparison, and --json the same facts', async () => {
    const ws = await historyWorkspace('loop-3');
    const r = await runInProcess(['diff', '001', '002', '--workspace', ws]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Config of run 002 against run 001: \d+ change\(s\)\n/);
    expect(r.stdout).toMatch(/improved — mean_reward 395\.8\d* \(n=32\) vs run 001/);
    expect(r.stdout).toMatch(/ {2}seed \d+ \(the evaluation seed of run 002/);
    const j = JSON.parse((await runInProcess(['diff', '1', '2', '--workspace', ws, '--json'])).stdout);
    expect(j).toMatchObject({ a: '001', b: '002', metric: 'mean_reward', comparison: { verdict: 'improved', incumbent: { runId: '001' } } });
    const missing = await runInProcess(['diff', '001', '042', '--workspace', ws]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no run 042 in the log');
  });
});
