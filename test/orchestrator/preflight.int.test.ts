import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, killLiveChildren, readLogDirect, startCli } from '../support/chaos.js';
import { fakeTrainerWorkspace } from '../support/workspace.js';

afterEach(killLiveChildren);

type Policy = { keys: Record<string, Record<string, unknown>> };
const editPolicy = (ws: string, edit: (p: Policy) => void) => {
  const policy = JSON.parse(readFileSync(join(ws, 'policy.json'), 'utf8')) as Policy;
  edit(policy);
  writeFileSync(join(ws, 'policy.json'), JSON.stringify(policy, null, 2));
};
const misspell = (p: Policy) => {
  p.keys['train.learnin_rate'] = p.keys['train.learning_rate']!;
  delete p.keys['train.learning_rate'];
};

async function until(ok: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('when a workspace with a history fails the preflight', () => {
  it('refuses the new session without appending anything, not even the takeover of a stale lock', async () => {
    const ws = fakeTrainerWorkspace({ FAKE_TRAINER_RECORD: join(mkdtempSync(join(tmpdir(), 'calls-')), 'calls.jsonl') });
    const first = await cli(['loop', '--runs', '1', '--workspace', ws]);
    expect(first.exitCode, first.stderr).toBe(0);
    const before = readLogDirect(ws);
    // The lock of a holder that died: taking it over would be recorded, were the session to start.
    const gone = execa('true');
    const dead = gone.pid!;
    await gone;
    writeFileSync(join(ws, 'autopilot.lock'), JSON.stringify({ pid: dead, host: 'elsewhere', since: new Date().toISOString() }));
    editPolicy(ws, misspell);

    const refused = await cli(['loop', '--runs', '1', '--workspace', ws]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('policy.json keys["train.learnin_rate"]');
    expect(refused.stderr).toContain('no session was started and nothing was recorded');
    expect(readLogDirect(ws)).toEqual(before);

    editPolicy(ws, (p) => {
      p.keys['train.learning_rate'] = p.keys['train.learnin_rate']!;
      delete p.keys['train.learnin_rate'];
    });
    const again = await cli(['loop', '--runs', '1', '--workspace', ws]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(readLogDirect(ws).filter((e) => e.type === 'LoopStarted')).toHaveLength(2);
  });
});

describe('when an unfinished session resumes with inputs the preflight finds fault with', () => {
  it('says so and goes on: the session was started with them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-resume-'));
    const release = join(dir, 'release');
    const ws = fakeTrainerWorkspace({ FAKE_TRAINER_BEHAVIOUR: `wait:${release}`, FAKE_TRAINER_RECORD: join(dir, 'calls.jsonl') });
    const child = startCli(['loop', '--runs', '1', '--workspace', ws, '--json']);
    await until(() => child.lines.some((l) => l.includes('"type":"RunStarted"')), 'the baseline run to start');
    await child.kill();
    // Accepted by hand below: the resumed session gets a key its baseline does not have.
    editPolicy(ws, (p) => {
      p.keys['train.weight_decay'] = { type: 'number', min: 0, max: 0.1 };
    });
    writeFileSync(release, '');

    const resumed = await cli(['loop', '--workspace', ws, '--accept-input-changes', 'a key for later runs']);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resuming session 0001 with the inputs it was started with');
    expect(resumed.stderr).toContain('policy.json keys["train.weight_decay"]: is not a key of configs/baseline_quick.json');
    const types = readLogDirect(ws).map((e) => e.type);
    expect(types).toContain('LoopResumed');
    expect(types.at(-1)).toBe('LoopCompleted');

    // A new session is refused for the same problem.
    const fresh = await cli(['loop', '--runs', '1', '--workspace', ws]);
    expect(fresh.exitCode).toBe(2);
    expect(fresh.stderr).toContain('no session was started');
  });
});
