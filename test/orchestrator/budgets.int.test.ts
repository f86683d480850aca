import { execa, type Result } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { createActor, fromCallback, type EventObject } from 'xstate';
import type { AutopilotEvent, DataOf } from '../../events/catalogue.js';
import { loopMachine, runBudgetSpent, wallBudgetSpent } from '../../machines/loop.machine.js';
import { CLI, fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';
import { eventsOf, readText } from '../adapters/launcher/support.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one inert actor stands in for every input type
const noop = fromCallback<EventObject, any>(() => undefined);
const machine = loopMachine.provide({ actors: { bootstrap: noop, propose: noop, validate: noop, train: noop, evaluate: noop, journal: noop } });

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const ev = <T extends AutopilotEvent['type']>(type: T, data: DataOf<T>, atSeconds = 0) =>
  ({ type, data, metadata: { session: '0001', at: new Date(T0 + atSeconds * 1000).toISOString() } }) as Extract<AutopilotEvent, { type: T }>;
const incumbent = { runId: '001', metric: 'mean_reward', mean: 100, n: 2, sample: [90, 110], override: {} };
type Limits = DataOf<'LoopStarted'>['limits'];
const base: Limits = { maxProposalAttempts: 1, maxRunAttempts: 1, maxConsecutiveFailures: 5 };

/** A machine that started a session with `limits` (an incumbent exists, so it goes on to propose). */
function startSession(limits: Partial<Limits>, runsRequested = 10) {
  const actor = createActor(machine).start();
  actor.send(
    ev('LoopStarted', {
      session: '0001',
      runsRequested,
      mode: 'quick',
      proposer: 'random',
      firstRunIndex: 2,
      incumbent,
      limits: { ...base, ...limits },
      metric: { name: 'mean_reward', direction: 'maximize' },
      pid: 1,
    }),
  );
  return actor;
}

/** Plans, trains (failing, which needs no evaluation) and journals run `index`, its journal written at `atSeconds`. */
function runOnce(actor: ReturnType<typeof startSession>, index: number, atSeconds: number) {
  const runId = String(index).padStart(3, '0');
  actor.send(ev('RunPlanned', { runId, index, kind: 'proposal', mode: 'quick' }));
  actor.send(ev('ProposalRequested', { runId, attempt: 1, proposer: 'random', previousErrors: [] }));
  actor.send(ev('ProposalReceived', { runId, attempt: 1, proposer: 'random', seed: 1, overrides: {}, rationale: 'r', hypothesis: 'h' }));
  actor.send(ev('ProposalAccepted', { runId, attempt: 1, proposer: 'random', base: '001', config: {}, override: {}, diff: [], normalizations: [], rationale: 'r', hypothesis: 'h' }));
  actor.send(ev('RunStarted', { runId, attempt: 1, launcher: 'local', argv: ['t'], cwd: '/', pid: 1, pidStartTime: null, seed: 1, logPath: 'l', exitFile: null, logOffset: 0 }));
  actor.send(ev('RunFailed', { runId, attempt: 1, reason: 'crashed', exitCode: 1, signal: null, durationMs: 1, message: 'boom' }));
  actor.send(ev('JournalWritten', { runId, status: 'failed', action: 'a', observation: 'o', outcome: 'x', next: 'n' }, atSeconds));
}

describe('when the machine decides on budgets (pure: limits from LoopStarted, time from event timestamps)', () => {
  it('halts on LoopStarted when the history already holds max_runs runs', () => {
    const actor = startSession({ maxRuns: 3, runsBefore: 3 });
    expect(actor.getSnapshot().value).toBe('halted');
    expect(actor.getSnapshot().context.haltReason).toBe("run budget spent: the workspace's history holds 3 run(s) (budgets.max_runs 3)");
  });

  it('halts after the run that fills max_runs, counting the runs before the session', () => {
    const actor = startSession({ maxRuns: 3, runsBefore: 1 });
    runOnce(actor, 2, 1);
    expect(actor.getSnapshot().value).toBe('propose');
    runOnce(actor, 3, 2);
    expect(actor.getSnapshot().value).toBe('halted');
    expect(actor.getSnapshot().context.haltReason).toMatch(/^run budget spent: the workspace's history holds 3 run\(s\)/);
  });

  it('halts after the first run journaled at or past max_wall_seconds from the session start', () => {
    const actor = startSession({ maxWallSeconds: 60 });
    runOnce(actor, 2, 59.9);
    expect(actor.getSnapshot().value).toBe('propose');
    runOnce(actor, 3, 61);
    expect(actor.getSnapshot().value).toBe('halted');
    expect(actor.getSnapshot().context.haltReason).toBe('wall-time budget spent: the session has run 61.0s (budgets.max_wall_seconds 60)');
  });

  it('ends done, not halted, when the budget is reached by the last run requested', () => {
    const actor = startSession({ maxRuns: 1, runsBefore: 0, maxWallSeconds: 1 }, 1);
    runOnce(actor, 2, 5);
    expect(actor.getSnapshot().value).toBe('done');
  });

  it('has no budget without the limits (logs written before budgets existed)', () => {
    expect(runBudgetSpent(base, 1_000_000)).toBe(false);
    expect(wallBudgetSpent(base, 1e12)).toBe(false);
  });
});

function loop(ws: string, runs: number): Promise<Result> {
  return execa(process.execPath, [CLI, 'loop', '--workspace', ws, '--runs', String(runs), '--mode', 'quick'], { reject: false, all: true });
}
const runDirs = (ws: string) => eventsOf(ws, 'RunPlanned').map((e) => e.data.runId);
const labbookHas = (ws: string, re: RegExp) =>
  readText(ws, 'journal/labbook.md')
    .split('\n')
    .some((l) => re.test(l));

describe('when budgets.max_runs is reached', () => {
  let ws: string;
  let first: Result;
  let again: Result;
  beforeAll(async () => {
    ws = fakeTrainerWorkspace();
    patchSettings(ws, { budgets: { max_runs: 2 } });
    first = await loop(ws, 5);
    again = await loop(ws, 1);
  });

  it('halts the session that reaches it, with the reason in LoopHalted and the labbook', () => {
    expect(first.exitCode, String(first.all)).toBe(1);
    expect(first.stdout).toContain("loop halted: run budget spent: the workspace's history holds 2 run(s) (budgets.max_runs 2)");
    expect(eventsOf(ws, 'LoopStarted')[0]?.data.limits).toMatchObject({ maxRuns: 2, runsBefore: 0 });
    expect(labbookHas(ws, /\| loop 0001 halted \| run budget spent: .*\(budgets\.max_runs 2\) \| halted after 2 run\(s\) \|/)).toBe(true);
  });

  it('halts a later session at once, before planning a run', () => {
    expect(again.exitCode, String(again.all)).toBe(1);
    expect(runDirs(ws)).toEqual(['001', '002']);
    expect(eventsOf(ws, 'LoopStarted')[1]?.data.limits).toMatchObject({ maxRuns: 2, runsBefore: 2 });
    expect(eventsOf(ws, 'LoopHalted').map((e) => [e.metadata.session, e.data])).toEqual([
      ['0001', { reason: "run budget spent: the workspace's history holds 2 run(s) (budgets.max_runs 2)", runsCompleted: 2 }],
      ['0002', { reason: "run budget spent: the workspace's history holds 2 run(s) (budgets.max_runs 2)", runsCompleted: 0 }],
    ]);
  });
});

describe('when budgets.max_wall_seconds is reached during a run', () => {
  let ws: string;
  let run: Result;
  beforeAll(async () => {
    ws = fakeTrainerWorkspace({ FAKE_TRAINER_BEHAVIOUR: 'sleep:1500' });
    patchSettings(ws, { budgets: { max_wall_seconds: 1 } });
    run = await loop(ws, 3);
  });

  it('lets that run finish, then halts with the reason', () => {
    expect(run.exitCode, String(run.all)).toBe(1);
    expect(eventsOf(ws, 'JournalWritten').map((e) => [e.data.runId, e.data.status])).toEqual([['001', 'completed']]);
    const [halted] = eventsOf(ws, 'LoopHalted');
    expect(halted?.data.reason).toMatch(/^wall-time budget spent: the session has run \d+\.\ds \(budgets\.max_wall_seconds 1\)$/);
    expect(labbookHas(ws, /\| loop 0001 halted \| wall-time budget spent: .* \| halted after 1 run\(s\) \|/)).toBe(true);
    expect(JSON.parse(readText(ws, 'runs/001/summary.json'))).toMatchObject({ status: 'completed' });
  });
});

describe('when budgets.max_consecutive_failures is reached', () => {
  let ws: string;
  let run: Result;
  beforeAll(async () => {
    // The baseline is measured (a failed baseline halts at once); every run after it crashes.
    ws = fakeTrainerWorkspace({ FAKE_TRAINER_BEHAVIOUR: 'crash-after-baseline' });
    patchSettings(ws, { retries: { max_attempts: 1 }, budgets: { max_consecutive_failures: 2 } });
    run = await loop(ws, 5);
  });

  it('halts after that many failed runs in a row, with the reason', () => {
    expect(run.exitCode, String(run.all)).toBe(1);
    expect(eventsOf(ws, 'JournalWritten').map((e) => e.data.status)).toEqual(['completed', 'failed', 'failed']);
    expect(eventsOf(ws, 'LoopHalted').map((e) => e.data.reason)).toEqual(['2 consecutive failed run(s) (budget 2)']);
    expect(labbookHas(ws, /\| loop 0001 halted \| 2 consecutive failed run\(s\) \(budget 2\) \|/)).toBe(true);
  });
});

describe('when a budget in autopilot.json is invalid', () => {
  it('refuses the workspace with exit 2, naming the field', async () => {
    const ws = fakeTrainerWorkspace();
    patchSettings(ws, { budgets: { max_runs: 0, max_wall_seconds: -5 } });
    const r = await loop(ws, 1);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/budgets\.max_runs/);
    expect(r.stderr).toMatch(/budgets\.max_wall_seconds/);
  });
});
