import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../domain/config/config.js';
import { renderArgs } from '../../domain/trainer-io/render-args.js';
import { historyWorkspace } from '../support/histories.js';
import { CLI, fakeTrainerWorkspace } from '../support/workspace.js';

const run = (args: string[]) => execa('node', [CLI, ...args], { reject: false });

interface LoggedEvent {
  seq: number;
  stream: string;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

async function eventsOf(ws: string): Promise<LoggedEvent[]> {
  const r = await run(['events', '--workspace', ws, '--json']);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LoggedEvent);
}

/** The trainer command the workspace launches (what every RunStarted argv should be). */
function trainerCommand(ws: string): string[] {
  return (JSON.parse(readFileSync(join(ws, 'autopilot.json'), 'utf8')) as { trainer: { command: string[] } }).trainer.command;
}

function only(events: LoggedEvent[], runId: string, type: string): LoggedEvent {
  const found = events.filter((e) => e.stream === `run-${runId}` && e.type === type);
  expect(found, `${type} of run ${runId}`).toHaveLength(1);
  return found[0]!;
}

describe('when a loop of three runs has run with the fake trainer', () => {
  let ws: string;
  let events: LoggedEvent[];
  beforeAll(async () => {
    // A three-run loop's log, imported from its committed fixture (test/support/histories.ts).
    ws = await historyWorkspace('loop-3');
    events = await eventsOf(ws);
  });

  it('prints the decision chain of a proposal as JSON, every step at the seq and time the log gives it', async () => {
    const r = await run(['audit', '002', '--workspace', ws, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const audit = JSON.parse(r.stdout);
    const received = only(events, '002', 'ProposalReceived');
    const started = only(events, '002', 'RunStarted');
    const evaluated = only(events, '002', 'RunEvaluated');
    expect(audit.run_id).toBe('002');
    expect(audit.proposer).toEqual({ kind: 'builtin', seed: received.data.seed, model: null, agent: null, attempt: 1 });
    expect(typeof received.data.seed).toBe('number');
    expect(audit.rationale).toBe(received.data.rationale);
    expect(audit.hypothesis).toBe(received.data.hypothesis);
    expect(audit.base).toBe('001');
    expect(audit.diff).toEqual(only(events, '002', 'ProposalAccepted').data.diff);

    const expected = events.filter((e) => e.stream === 'run-002' && e.type !== 'RunProgress');
    expect(audit.steps.map((s: { seq: number; at: string; type: string }) => [s.seq, s.at, s.type])).toEqual(expected.map((e) => [e.seq, e.at, e.type]));

    const launch = audit.steps.find((s: { type: string }) => s.type === 'RunStarted');
    expect(launch).toMatchObject({ seq: started.seq, argv: started.data.argv, cwd: started.data.cwd, pid: started.data.pid, seed: started.data.seed, attempt: 1 });
    // trainer.command, then the accepted config as flags.
    const accepted = only(events, '002', 'ProposalAccepted');
    expect(launch.argv).toEqual([...trainerCommand(ws), ...renderArgs(accepted.data.config as Config)]);
    expect(audit.outcome).toMatchObject({ type: 'RunFinished', exit_code: 0, seq: only(events, '002', 'RunFinished').seq });
    expect(audit.verdict).toMatchObject({
      seq: evaluated.seq,
      verdict: evaluated.data.verdict,
      delta: evaluated.data.delta,
      candidate: evaluated.data.candidate,
      incumbent: { run_id: '001' },
    });
    expect(audit.journal).toMatchObject({ seq: only(events, '002', 'JournalWritten').seq, status: 'completed' });
    expect(audit.status).toBe('completed');
  });

  it('prints a readable report naming the proposer, seed, rationale, argv and verdict with seqs', async () => {
    const r = await run(['audit', '2', '--workspace', ws]);
    expect(r.exitCode, r.stderr).toBe(0);
    const received = only(events, '002', 'ProposalReceived');
    const started = only(events, '002', 'RunStarted');
    const evaluated = only(events, '002', 'RunEvaluated');
    expect(r.stdout).toContain('Audit of run 002 (proposal, quick mode, session 0001): completed');
    expect(r.stdout).toContain(`proposer:   builtin, seed ${received.data.seed}`);
    expect(r.stdout).toContain(`rationale:  ${received.data.rationale}`);
    expect(r.stdout).toMatch(new RegExp(`#${started.seq} +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ  RunStarted`));
    expect(r.stdout).toContain(`argv: ${trainerCommand(ws).join(' ')} --`);
    expect(r.stdout).toMatch(new RegExp(`#${evaluated.seq} +\\S+ \\S+  RunEvaluated +${evaluated.data.verdict} — mean_reward`));
    for (const heading of ['Plan', 'Proposal and validation', 'Training', 'Evaluation', 'Journal']) expect(r.stdout).toContain(`\n${heading}\n`);
  });

  it('shows the baseline and the incumbent change it caused', async () => {
    const audit = JSON.parse((await run(['audit', '001', '--workspace', ws, '--json'])).stdout);
    expect(audit.proposer).toMatchObject({ kind: 'baseline', seed: null });
    expect(audit.verdict.verdict).toBe('baseline');
    // Run 003 re-ran the incumbent for the confirmation of 002: its values grew 001's sample, a second IncumbentChanged of 001.
    const changes = events.filter((e) => e.stream === 'run-001' && e.type === 'IncumbentChanged');
    expect(changes.map((e) => (e.data.incumbent as { n: number }).n)).toEqual([32, 64]);
    expect(audit.incumbent_change).toMatchObject({ seq: changes[0]!.seq, previous: null, run_id: '001' });
  });

  it('exits 1 naming the runs the log holds for an unknown run', async () => {
    const r = await run(['audit', '009', '--workspace', ws]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('no run 009 in the log; runs are 001..003');
    expect(r.stdout).toBe('');
  });
});

describe('when the trainer crashes on every launch', () => {
  it('records each failed launch with its reason, exit code and message', async () => {
    const ws = fakeTrainerWorkspace({ FAKE_TRAINER_BEHAVIOUR: 'crash' });
    await run(['loop', '--runs', '1', '--workspace', ws]);
    const events = await eventsOf(ws);
    const failures = events.filter((e) => e.type === 'RunFailed');
    expect(failures.length).toBeGreaterThan(0);
    const audit = JSON.parse((await run(['audit', '001', '--workspace', ws, '--json'])).stdout);
    expect(audit.launches.map((l: { outcome: string }) => l.outcome)).toEqual(failures.map(() => 'failed'));
    expect(audit.outcome).toMatchObject({ type: 'RunFailed', seq: failures.at(-1)!.seq, reason: 'crashed', exit_code: 3 });
    expect(audit.verdict).toBeNull();
    const text = (await run(['audit', '001', '--workspace', ws])).stdout;
    expect(text).toContain('FAILED (crashed): exit 3');
  });
});

describe('when the workspace has no log yet', () => {
  it('exits 1 saying there are no runs', async () => {
    const r = await run(['audit', '001', '--workspace', fakeTrainerWorkspace()]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('no run 001 in the log; it holds no runs yet');
  });
});
