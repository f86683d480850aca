import { describe, expect, it } from 'vitest';
import { auditRun, missingRunMessage, normalizeRunId } from '../../../projections/audit/fold.js';
import { manyPathsViolation, rangeError } from '../support.js';
import { agentViolationLog, audit, eventfulLog, proposerFailedLog, stoppedLog } from './support.js';

describe('when a run went through a rejection, a crash and a retry', () => {
  const { log, seqs } = eventfulLog();
  const a = audit(log, '002');

  it('lists every step of the run in log order, with seqs and UTC times, leaving out progress and state changes', () => {
    expect(a.steps.map((s) => [s.seq, s.type])).toEqual([
      [seqs.planned, 'RunPlanned'],
      [seqs.requested1, 'ProposalRequested'],
      [seqs.received1, 'ProposalReceived'],
      [seqs.rejected, 'ProposalRejected'],
      [seqs.requested2, 'ProposalRequested'],
      [seqs.received2, 'ProposalReceived'],
      [seqs.accepted, 'ProposalAccepted'],
      [seqs.started1, 'RunStarted'],
      [seqs.failed, 'RunFailed'],
      [seqs.started2, 'RunStarted'],
      [seqs.finished, 'RunFinished'],
      [seqs.evaluated, 'RunEvaluated'],
      [seqs.incumbent, 'IncumbentChanged'],
      [seqs.journal, 'JournalWritten'],
    ]);
    expect(a.steps[0]!.at).toBe(log.events[seqs.planned! - 1]!.event.metadata.at);
    expect(a.steps.every((s) => s.stream === 'run-002')).toBe(true);
  });

  it('names the proposer of the accepted attempt with its seed, rationale and hypothesis', () => {
    expect(a.proposer).toEqual({ kind: 'random', seed: 12, model: null, agent: null, attempt: 2 });
    expect(a.rationale).toBe('a rate three times the incumbent');
    expect(a.hypothesis).toBe('reward rises above 100');
    expect(a.session).toMatchObject({ session: '0001', seq: seqs.loopStarted, metric: 'mean_reward' });
  });

  it('records each proposal attempt with its validation result', () => {
    expect(a.proposals).toEqual([
      { attempt: 1, proposer: 'random', seed: 11, seq: seqs.received1, result: 'rejected', result_seq: seqs.rejected, errors: [rangeError], message: null },
      { attempt: 2, proposer: 'random', seed: 12, seq: seqs.received2, result: 'accepted', result_seq: seqs.accepted, errors: [], message: null },
    ]);
  });

  it('keeps the diff against the incumbent and the normalizations', () => {
    expect(a.base).toBe('001');
    expect(a.diff).toEqual([{ key: 'train.learning_rate', from: 0.001, to: 0.003 }]);
    expect(a.normalizations).toEqual([{ key: 'train.batch_size', before: 500, after: 512, rule: 'power of two' }]);
  });

  it('records each launch and how it ended, the last one being the outcome', () => {
    expect(a.launches).toEqual([
      { attempt: 1, seq: seqs.started1, pid: 2001, seed: 7, outcome: 'failed', end_seq: seqs.failed, progress_events: 0, last_progress: null },
      {
        attempt: 2,
        seq: seqs.started2,
        pid: 2002,
        seed: 7,
        outcome: 'finished',
        end_seq: seqs.finished,
        progress_events: 2,
        last_progress: { agent_steps: 1000, mean_reward: 128 },
      },
    ]);
    const failed = a.steps.find((s) => s.type === 'RunFailed');
    expect(failed).toMatchObject({ reason: 'crashed', exit_code: 3, signal: null, message: 'exit 3' });
    expect(a.outcome).toMatchObject({ type: 'RunFinished', seq: seqs.finished, exit_code: 0, metrics: { mean_reward: 130 }, sample_sizes: { mean_reward: 2 } });
    expect(a.steps.find((s) => s.type === 'RunStarted')).toMatchObject({ argv: ['bash', 'scripts/run_training.sh', 'it has spaces'], cwd: '/ws' });
  });

  it('gives the verdict with its numbers, the incumbent change and the journal entry', () => {
    expect(a.verdict).toMatchObject({
      seq: seqs.evaluated,
      verdict: 'improved',
      candidate: { mean: 130, n: 2 },
      incumbent: { run_id: '001', mean: 100, n: 2 },
      delta: 30,
      seed: 99,
    });
    expect(a.incumbent_change).toMatchObject({ seq: seqs.incumbent, previous: '001', run_id: '002', mean: 130 });
    expect(a.journal).toMatchObject({ seq: seqs.journal, status: 'completed', outcome: 'improved: +30 vs 001' });
    expect(a.status).toBe('completed');
  });
});

describe('when the run is the baseline', () => {
  const { log } = eventfulLog();
  const a = audit(log, '001');

  it('names the baseline as its proposer, with no seed, and its rationale', () => {
    expect(a.proposer).toEqual({ kind: 'baseline', seed: null, model: null, agent: null, attempt: 0 });
    expect(a.rationale).toBe('baseline config, unchanged');
    expect(a.proposals).toEqual([]);
    expect(a.verdict).toMatchObject({ verdict: 'baseline', incumbent: null, delta: null });
    expect(a.incumbent_change).toMatchObject({ previous: null, run_id: '001' });
  });
});

describe('when the evaluation carries fields the catalogue adds later', () => {
  const { log } = eventfulLog({ ci: { low: 12.5, high: 47.5, level: 0.95 }, resamples: 2000 });
  const a = audit(log, '002');

  it('passes them through in the verdict', () => {
    expect(a.verdict).toMatchObject({ ci: { low: 12.5, high: 47.5, level: 0.95 }, resamples: 2000 });
  });
});

describe('when the loop was stopped while the run trained', () => {
  const { log, stop, failed, halted } = stoppedLog();
  const a = audit(log, '001');

  it('includes the stop and the halt of its session, and ends halted', () => {
    expect(a.steps.map((s) => s.type)).toEqual(['RunPlanned', 'ProposalAccepted', 'RunStarted', 'StopRequested', 'RunFailed', 'LoopHalted']);
    expect(a.steps.find((s) => s.seq === stop)).toMatchObject({ type: 'StopRequested', reason: 'SIGINT', now: true, stream: 'session-0001' });
    expect(a.outcome).toMatchObject({ seq: failed, reason: 'killed', signal: 'SIGTERM', exit_code: null });
    expect(a.status).toBe('halted');
    expect(a.steps.at(-1)!.seq).toBe(halted);
  });
});

describe('when the proposer failed before it answered', () => {
  const { log, failed } = proposerFailedLog();
  const a = audit(log, '002');

  it('records the attempt as failed with the message, and no proposer yet', () => {
    expect(a.proposals).toEqual([{ attempt: 1, proposer: 'codex', seed: null, seq: null, result: 'failed', result_seq: failed, errors: [], message: 'timed out after 600s' }]);
    expect(a.proposer).toBeNull();
    expect(a.status).toBe('in progress');
  });
});

describe('when the run is not in the log', () => {
  it('returns the run ids the log holds', () => {
    const { log } = eventfulLog();
    expect(auditRun(log.events, '009')).toEqual({ found: false, runIds: ['001', '002'] });
    expect(missingRunMessage('009', ['001', '002', '003'])).toBe('no run 009 in the log; runs are 001..003');
    expect(missingRunMessage('009', ['001'])).toBe('no run 009 in the log; runs are 001');
    expect(missingRunMessage('001', [])).toBe('no run 001 in the log; it holds no runs yet');
  });

  it('pads short numeric ids and leaves the rest alone', () => {
    expect(normalizeRunId('2')).toBe('002');
    expect(normalizeRunId('002')).toBe('002');
    expect(normalizeRunId('1234')).toBe('1234');
    expect(normalizeRunId('abc')).toBe('abc');
  });
});

describe('when an agent proposer ran as a process and touched files it may not', () => {
  const { log, violation } = agentViolationLog();
  const a = audit(log, '002');

  it('passes the process record through with the proposal and keeps the violation as a step', () => {
    expect(a.steps.find((s) => s.type === 'ProposalReceived')).toMatchObject({ process: { argv: ['codex', 'exec'], exitCode: 0 } });
    expect(a.steps.find((s) => s.seq === violation)).toMatchObject({ type: 'GuardrailViolation', action: 'reverted', paths: [{ path: 'policy.json' }] });
    expect(a.proposer).toMatchObject({ kind: 'codex', seed: null });
  });
});

describe('when a violation names 500 paths', () => {
  const a = audit(manyPathsViolation(500), '002');

  it('keeps every path in the step', () => {
    expect(a.steps.find((s) => s.type === 'GuardrailViolation')).toMatchObject({ paths: expect.arrayContaining([{ path: 'junk/f499', change: 'created', restored: true }]) });
    expect((a.steps.find((s) => s.type === 'GuardrailViolation') as { paths: unknown[] }).paths).toHaveLength(500);
  });
});
