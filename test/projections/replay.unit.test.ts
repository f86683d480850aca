import { describe, expect, it } from 'vitest';
import { loopMachine } from '../../machines/loop.machine.js';
import { foldSession } from '../../orchestrator/restore.js';
import { buildReplay, outOfRangeMessage, renderReplay, scanTo, summarizeView, type ReplayReport } from '../../projections/replay.js';
import { foldView } from '../../projections/view.js';
import { baselineRun, LogBuilder, loopStarted, runStarted } from './support.js';

/** Session 0001 (baseline done, 002 training) after a lock takeover recorded before its LoopStarted. */
function twoSessionLog() {
  const log = new LogBuilder();
  log.add('LoopStarted', loopStarted('0001', 1), '0001');
  baselineRun(log);
  log.add('LoopCompleted', { runsCompleted: 1, incumbent: '001' }, '0001');
  log.session = '0002';
  const takeover = log.add('LockTakenOver', { previousPid: 41, pid: 42, path: '/ws/autopilot.lock' });
  log.add('LoopStarted', { ...loopStarted('0002', 1), firstRunIndex: 2, incumbent: { runId: '001', metric: 'mean_reward', mean: 100, n: 2, sample: [90, 110], override: {} } });
  log.add('RunPlanned', { runId: '002', index: 2, kind: 'proposal', mode: 'quick' });
  log.add('ProposalRequested', { runId: '002', attempt: 1, proposer: 'random', previousErrors: [] });
  log.add('ProposalReceived', { runId: '002', attempt: 1, proposer: 'random', seed: 5, overrides: {}, rationale: 'r', hypothesis: 'h' });
  log.add('ProposalAccepted', {
    runId: '002',
    attempt: 1,
    proposer: 'random',
    base: '001',
    config: {},
    override: {},
    diff: [{ key: 'train.gamma', from: 0.99, to: 0.98 }],
    normalizations: [],
    rationale: 'r',
    hypothesis: 'h',
  });
  const started = log.add('RunStarted', runStarted('002', 1, 4242));
  return { log, takeover, started };
}

function replayAt(log: LogBuilder, seq: number): ReplayReport {
  const store = log.store();
  const target = log.events[seq - 1]!;
  const session = target.event.metadata.session;
  const scan = scanTo(store.readAll({ toSeq: seq }), session);
  const snapshot = foldSession(loopMachine, store, session, scan.sessionFirstSeq, seq);
  return buildReplay(target, scan, { state: String(snapshot.value), status: snapshot.status, context: snapshot.context }, 'a line');
}

describe('when scanning the log up to an event', () => {
  it('finds the first event of its session, even one recorded before LoopStarted', () => {
    const { log, takeover, started } = twoSessionLog();
    const scan = scanTo(log.events.slice(0, started), '0002');
    expect(scan.sessionFirstSeq).toBe(takeover);
    expect(scan.summary.lastSeq).toBe(started);
    expect(scanTo(log.events.slice(0, 3), '0001').sessionFirstSeq).toBe(1);
  });

  it('refuses a session with no event so far', () => {
    const { log } = twoSessionLog();
    expect(() => scanTo(log.events.slice(0, 2), '0002')).toThrow('session 0002 has no event up to seq 2');
  });
});

describe('when replaying at the launch of a run', () => {
  const { log, takeover, started } = twoSessionLog();
  const r = replayAt(log, started);

  it('shows the machine in train with that run in its context, folded from the session start only', () => {
    expect(r.machine).toMatchObject({ state: 'train', status: 'active', session: '0002', from_seq: takeover, to_seq: started });
    expect(r.machine.context.run).toMatchObject({ runId: '002', attempt: 1, started: { pid: 4242 } });
    expect(r.machine.context.incumbent?.runId).toBe('001');
    expect(r.machine.context.runsCompleted).toBe(0);
  });

  it('shows the view of every event up to then, across sessions', () => {
    expect(r).toMatchObject({ seq: started, type: 'RunStarted', stream: 'run-002', session: '0002', summary: 'a line' });
    expect(r.view.events).toBe(started);
    expect(r.view.runs.map((x) => [x.run_id, x.status, x.verdict])).toEqual([
      ['001', 'completed', 'baseline'],
      ['002', 'running', null],
    ]);
    expect(r.view.sessions.map((s) => [s.session, s.status, s.state])).toEqual([
      ['0001', 'completed', 'done'],
      ['0002', 'running', 'bootstrap'],
    ]);
    expect(r.view.incumbent).toEqual({ run_id: '001', metric: 'mean_reward', mean: 100, n: 2 });
  });

  it('prints the event, the state, the run in flight and the runs table', () => {
    const text = renderReplay(r);
    expect(text).toContain(`After event #${started} (2026-01-01 00:00:${started}Z, run-002 RunStarted): a line`);
    expect(text).toContain(`Machine (session 0002, folded from #${takeover} to #${started})`);
    expect(text).toContain('state: train (active)');
    expect(text).toContain('run 002 (proposal, index 2)');
    expect(text).toContain('accepted: 1 change(s) vs 001');
    expect(text).toContain('in flight: attempt 1, pid 4242');
    expect(text).toMatch(/001 {2}baseline {2}completed {2}1 {9}baseline {6}100/);
    expect(text).toContain('incumbent: run 001, mean_reward 100 (n=2)');
  });
});

describe('when replaying at the end of a completed session', () => {
  it('shows the final state and no run in progress', () => {
    const { log } = twoSessionLog();
    const end = log.events.findIndex((e) => e.event.type === 'LoopCompleted') + 1;
    const r = replayAt(log, end);
    expect(r.machine).toMatchObject({ state: 'done', status: 'done', from_seq: 1 });
    expect(r.machine.context.run).toBeNull();
    expect(r.machine.context.runsCompleted).toBe(1);
    expect(renderReplay(r)).toContain('no run in progress');
  });
});

describe('when summarizing a view', () => {
  it('gives what status prints: sessions, runs and the incumbent', () => {
    const { log } = twoSessionLog();
    const s = summarizeView(foldView(log.events));
    expect(s.sessions[1]).toEqual({ session: '0002', status: 'running', state: 'bootstrap', runs_requested: 1, started_at: expect.any(String), halt_reason: null });
    expect(s.runs[0]).toEqual({ run_id: '001', kind: 'baseline', status: 'completed', attempts: 1, verdict: 'baseline', mean: 100, n: 2 });
  });
});

describe('when --at names no event', () => {
  it('names the valid range', () => {
    expect(outOfRangeMessage('99', 47)).toBe('--at 99 is out of range: the log holds events 1..47');
    expect(outOfRangeMessage('x', 47)).toBe('--at x is not a sequence number: the log holds events 1..47');
    expect(outOfRangeMessage('1', 0)).toBe('--at 1: the log is empty, there is no event to replay');
  });
});
