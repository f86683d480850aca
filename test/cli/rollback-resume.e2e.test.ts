/**
 * A rollback while a session is unfinished: the loop is SIGKILLed while its trainer waits, the user
 * rolls back, and `autopilot loop` resumes the session with the rollback folded in — the run in
 * flight and the runs after it are judged against the run rolled back to, and proposed on its config.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, gateTrainer, killFakeTrainers, killLiveChildren, openGate, readEvents, startCli, until, type LoggedEvent } from '../support/chaos.js';
import { runInProcess } from '../support/cli-in-process.js';
import { fakeTrainerWorkspace } from '../support/workspace.js';

describe('when a loop dies mid-run, is rolled back to run 002 and resumed', () => {
  let ws: string;
  let log: LoggedEvent[];
  let rolledBack: LoggedEvent;
  const after = (type: string) => log.filter((e) => e.type === type && e.seq > rolledBack.seq);

  beforeAll(async () => {
    ws = fakeTrainerWorkspace();
    const first = await cli(['loop', '--runs', '3', '--workspace', ws]);
    expect(first.exitCode, first.stderr).toBe(0);
    // The second session's trainer waits at a gate: the loop is killed while run 004 trains.
    gateTrainer(ws);
    const loop = startCli(['loop', '--runs', '2', '--workspace', ws, '--json']);
    await until('run 004 to start', () => loop.lines.find((l) => (JSON.parse(l) as LoggedEvent).type === 'RunStarted'));
    expect((await loop.kill()).signal).toBe('SIGKILL');
    const r = await runInProcess(['rollback', '002', '--why', 'back to the faster learning rate', '--workspace', ws]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/session \d+ is unfinished: autopilot loop resumes it with run 002 as the incumbent/);
    openGate(ws);
    const resumed = await cli(['loop', '--runs', '2', '--workspace', ws]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('resuming an unfinished session');
    log = await readEvents(ws);
    rolledBack = log.find((e) => e.type === 'RolledBack')!;
  }, 240_000);

  afterAll(async () => {
    openGate(ws);
    await killLiveChildren();
    killFakeTrainers(ws);
  });

  it('records the rollback in the unfinished session, before it resumes, and completes the session', () => {
    expect(rolledBack.data).toMatchObject({ to: '002', previous: '001' });
    expect(after('LoopResumed')).toHaveLength(1);
    expect(after('LoopStarted')).toHaveLength(0);
    expect(after('LoopCompleted')).toHaveLength(1);
  });

  it('judges the run in flight, and the next, against 002', () => {
    const judged = after('RunEvaluated').filter((e) => e.data.incumbent !== null);
    expect(judged.map((e) => e.data.runId)).toContain('004');
    for (const e of judged) expect((e.data.incumbent as { runId: string }).runId, String(e.data.runId)).toBe('002');
  });

  it('re-derives every verdict from the log, the rollback included', async () => {
    const r = await runInProcess(['verify', '--verdicts', '--workspace', ws]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('proposes the runs after it on 002', () => {
    const accepted = after('ProposalAccepted');
    expect(accepted.length).toBeGreaterThan(0);
    for (const e of accepted) expect(e.data.base, String(e.data.runId)).toBe('002');
  });
});
