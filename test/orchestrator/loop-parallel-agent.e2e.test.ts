/**
 * A proposer process asked beside runs in flight (`--parallel 3`): it is asked once per free slot,
 * its prompt lists the runs in flight, what the loop and the trainers write meanwhile is not blamed
 * on it, and what it does change is still reverted and reported. Then one Ctrl-C (SIGINT) with 3
 * runs in flight: they finish, nothing more is planned, and the session halts saying why.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killFakeTrainers, killLiveChildren, readEvents, removeWorkspace, startCli, until, type Ended, type LoggedEvent } from '../support/chaos.js';
import { fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';
import { rebuildDrift } from '../support/loop-parallel.js';

const workspaces: string[] = [];
afterAll(async () => {
  await killLiveChildren();
  for (const ws of workspaces) {
    killFakeTrainers(ws);
    removeWorkspace(ws);
  }
});

// The proposer: records the prompt it was given, answers a learning rate, and on its third call also leaves a file of its own.
const PROPOSER = `
import { appendFileSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
const env = process.env;
const calls = existsSync(env.CALLS) ? readFileSync(env.CALLS, 'utf8').trim().split('\\n').length : 0;
appendFileSync(env.CALLS, JSON.stringify({ runId: env.AUTOPILOT_RUN_ID, prompt: readFileSync(env.AUTOPILOT_PROMPT_FILE, 'utf8') }) + '\\n');
await new Promise((r) => setTimeout(r, 700));
if (calls === 2) writeFileSync(env.AUTOPILOT_WORKSPACE + '/agent-was-here.txt', 'the agent was here\\n');
const lr = (0.001 * (calls + 1)).toFixed(4);
writeFileSync(env.AUTOPILOT_PROPOSAL_FILE, JSON.stringify({ overrides: { train: { learning_rate: Number(lr) } }, rationale: 'try lr ' + lr, hypothesis: 'it learns faster' }));
`;

function agentWorkspace(): { ws: string; calls: string } {
  const ws = fakeTrainerWorkspace({ FAKE_TRAINER_BEHAVIOUR: 'sleep:1500' });
  workspaces.push(ws);
  // The fake trainer's own record goes outside the workspace: a real trainer writes only its run folder and log.
  patchSettings(ws, { trainer: { env: { FAKE_TRAINER_RECORD: join(ws, '..', 'fake-trainer.jsonl') } } });
  const script = join(ws, '..', 'proposer.mjs');
  writeFileSync(script, PROPOSER);
  const calls = join(ws, '..', 'calls.jsonl');
  patchSettings(ws, { proposer: { kind: 'command', command: { argv: [process.execPath, script], env: { CALLS: calls } } } });
  return { ws, calls };
}

const of = (log: LoggedEvent[], type: string) => log.filter((e) => e.type === type);

describe('an agent proposing beside runs in flight', () => {
  let ws: string;
  let calls: string;
  let ended: Ended;
  let log: LoggedEvent[];

  beforeAll(async () => {
    ({ ws, calls } = agentWorkspace());
    ended = await startCli(['loop', '--workspace', ws, '--runs', '6', '--parallel', '3', '--json']).ended;
    log = await readEvents(ws);
  });

  it('completes, asked once per proposal, one at a time', () => {
    expect(ended.exitCode, ended.stderr).toBe(0);
    const asked = of(log, 'ProposalRequested').filter((e) => e.data.proposer === 'command');
    // Replicates are the loop's own proposals: every other run was asked for once.
    const proposals = of(log, 'RunPlanned').filter((e) => e.data.kind === 'proposal');
    expect(proposals.length).toBeGreaterThanOrEqual(4);
    expect(asked.map((e) => e.data.runId)).toEqual(proposals.map((e) => e.data.runId));
    // One proposer at a time: each request's answer comes before the next request.
    const seqs = log.filter((e) => (e.type === 'ProposalRequested' || e.type === 'ProposalReceived') && e.data.proposer === 'command').map((e) => e.type);
    expect(seqs).toEqual(asked.flatMap(() => ['ProposalRequested', 'ProposalReceived']));
  });

  it('lists the runs in flight in the request and in the prompt the agent read', () => {
    const answered = readFileSync(calls, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { runId: string; prompt: string });
    const beside = of(log, 'ProposalRequested').filter((e) => e.data.proposer === 'command' && Array.isArray(e.data.inFlight));
    expect(beside.length).toBeGreaterThanOrEqual(3);
    for (const request of beside) {
      const ids = request.data.inFlight as string[];
      // In flight: planned before the request, not journaled until after it.
      for (const id of ids) {
        expect(log.find((e) => e.type === 'RunPlanned' && e.data.runId === id)!.seq).toBeLessThan(request.seq);
        expect(log.find((e) => e.type === 'JournalWritten' && e.data.runId === id)!.seq).toBeGreaterThan(request.seq);
      }
      const prompt = answered.find((c) => c.runId === request.data.runId)!.prompt;
      expect(prompt).toBe((request.data as { prompt: { text: string } }).prompt.text);
      const section = prompt.slice(prompt.indexOf('## Runs in flight'));
      for (const id of ids) expect(section).toContain(`- run ${id} (`);
    }
  });

  it('blames the agent for its own edit only: not for what the loop and the trainers wrote meanwhile', () => {
    const violations = of(log, 'GuardrailViolation');
    expect(violations.map((v) => [v.data.source, (v.data.paths as { path: string }[]).map((p) => p.path)])).toEqual([['proposer', ['agent-was-here.txt']]]);
    expect((violations[0]!.data.paths as { restored: boolean }[])[0]!.restored).toBe(true);
    expect(existsSync(join(ws, 'agent-was-here.txt'))).toBe(false);
  });

  it('leaves projections equal to a rebuild', async () => {
    const drift = await rebuildDrift(ws);
    expect(drift).toMatchObject({ written: 0, removed: 0, exitCode: 0 });
  });
});

describe('one Ctrl-C while 3 runs train', () => {
  let ended: Ended;
  let log: LoggedEvent[];

  beforeAll(async () => {
    const ws = fakeTrainerWorkspace({ FAKE_TRAINER_BEHAVIOUR: 'sleep:3000' });
    workspaces.push(ws);
    const child = startCli(['loop', '--workspace', ws, '--runs', '8', '--parallel', '3', '--json']);
    await until('3 runs training', () => (child.lines.filter((l) => l.includes('"type":"RunStarted"')).length >= 3 ? true : undefined), 60_000, 50);
    process.kill(child.pid, 'SIGINT');
    ended = await child.ended;
    log = await readEvents(ws);
  });

  it('lets the runs in flight finish, plans nothing more, and halts saying why', () => {
    expect(ended.exitCode).toBe(1);
    const stop = of(log, 'StopRequested')[0]!;
    expect(stop.data).toMatchObject({ reason: 'SIGINT', now: false });
    const inFlight = of(log, 'RunStarted')
      .filter((e) => e.seq < stop.seq)
      .map((e) => e.data.runId);
    expect(inFlight.length).toBeGreaterThanOrEqual(3);
    expect(of(log, 'RunPlanned').filter((e) => e.seq > stop.seq)).toEqual([]);
    for (const id of inFlight) {
      expect(of(log, 'RunFinished').filter((e) => e.data.runId === id)).toHaveLength(1);
      expect(of(log, 'JournalWritten').filter((e) => e.data.runId === id)).toHaveLength(1);
    }
    expect(of(log, 'LoopHalted')[0]!.data.reason).toBe('stop requested: SIGINT');
  });
});
