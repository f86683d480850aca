import { describe, expect, it } from 'vitest';
import type { DataOf } from '../../events/catalogue.js';
import { auditRun, missingRunMessage, normalizeRunId, renderAudit, type RunAudit } from '../../projections/audit.js';
import { baselineRun, LogBuilder, loopStarted, manyPathsViolation, rangeError, runStarted } from './support.js';

function audit(log: LogBuilder, runId: string): RunAudit {
  const found = auditRun(log.events, runId);
  if (!found.found) throw new Error(`run ${runId} not found`);
  return found.audit;
}

const evaluated = (runId: string, extra: Record<string, unknown> = {}): DataOf<'RunEvaluated'> => ({
  runId,
  metric: 'mean_reward',
  direction: 'maximize',
  verdict: 'improved',
  method: 'bootstrap CI of the difference of means',
  candidate: { mean: 130, n: 2 },
  incumbent: { runId: '001', mean: 100, n: 2 },
  delta: 30,
  seed: 99,
  ...extra,
});

/** Session 0001: baseline 001, then 002 rejected once, accepted, crashed once, retried, improved. */
function eventfulLog(extraEvaluation: Record<string, unknown> = {}) {
  const log = new LogBuilder();
  const seqs: Record<string, number> = {};
  seqs.loopStarted = log.add('LoopStarted', loopStarted());
  baselineRun(log);
  seqs.planned = log.add('RunPlanned', { runId: '002', index: 2, kind: 'proposal', mode: 'quick' });
  seqs.requested1 = log.add('ProposalRequested', { runId: '002', attempt: 1, proposer: 'random', previousErrors: [] });
  seqs.received1 = log.add('ProposalReceived', {
    runId: '002',
    attempt: 1,
    proposer: 'random',
    seed: 11,
    overrides: { train: { learning_rate: 5 } },
    rationale: 'try a huge rate',
    hypothesis: 'faster learning',
  });
  seqs.rejected = log.add('ProposalRejected', { runId: '002', attempt: 1, errors: [rangeError] });
  seqs.requested2 = log.add('ProposalRequested', { runId: '002', attempt: 2, proposer: 'random', previousErrors: [rangeError] });
  seqs.received2 = log.add('ProposalReceived', {
    runId: '002',
    attempt: 2,
    proposer: 'random',
    seed: 12,
    overrides: { train: { learning_rate: 0.003 } },
    rationale: 'a rate three times the incumbent',
    hypothesis: 'reward rises above 100',
  });
  seqs.accepted = log.add('ProposalAccepted', {
    runId: '002',
    attempt: 2,
    proposer: 'random',
    base: '001',
    config: { train: { learning_rate: 0.003, batch_size: 512 } },
    override: { 'train.learning_rate': 0.003 },
    diff: [{ key: 'train.learning_rate', from: 0.001, to: 0.003 }],
    normalizations: [{ key: 'train.batch_size', before: 500, after: 512, rule: 'power of two' }],
    rationale: 'a rate three times the incumbent',
    hypothesis: 'reward rises above 100',
  });
  seqs.started1 = log.add('RunStarted', runStarted('002', 1, 2001));
  seqs.failed = log.add('RunFailed', { runId: '002', attempt: 1, reason: 'crashed', exitCode: 3, signal: null, durationMs: 200, message: 'exit 3' });
  log.add('LoopStarted', loopStarted('0002'), '0002'); // another session's noise is not part of the chain
  seqs.started2 = log.add('RunStarted', runStarted('002', 2, 2002));
  seqs.progress = log.add('RunProgress', { runId: '002', attempt: 2, metrics: { agent_steps: 500, mean_reward: 120 } });
  log.add('RunProgress', { runId: '002', attempt: 2, metrics: { agent_steps: 1000, mean_reward: 128 } });
  seqs.finished = log.add('RunFinished', {
    runId: '002',
    attempt: 2,
    exitCode: 0,
    durationMs: 2500,
    summarySource: 'summary',
    metrics: { mean_reward: 130 },
    samples: { mean_reward: [125, 135] },
  });
  seqs.evaluated = log.add('RunEvaluated', evaluated('002', extraEvaluation));
  seqs.incumbent = log.add('IncumbentChanged', {
    runId: '002',
    previous: '001',
    incumbent: { runId: '002', metric: 'mean_reward', mean: 130, n: 2, sample: [125, 135], override: { 'train.learning_rate': 0.003 } },
  });
  seqs.journal = log.add('JournalWritten', {
    runId: '002',
    status: 'completed',
    action: 'run 002 (random seed 12): learning_rate=0.003',
    observation: 'mean_reward 130 (n=2)',
    outcome: 'improved: +30 vs 001',
    next: 'finish the loop',
  });
  log.add('StopRequested', { reason: 'STOP file', now: false }); // after the journal: not this run's business
  log.add('LoopCompleted', { runsCompleted: 2, incumbent: '002' });
  return { log, seqs };
}

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

  it('prints a chronological report under phase headings, every step with its seq', () => {
    const text = renderAudit(a);
    const headings = text.split('\n').filter((l) => /^[A-Z]/.test(l) && !l.startsWith('Audit'));
    expect(headings).toEqual(['Plan', 'Proposal and validation', 'Training', 'Evaluation', 'Incumbent', 'Journal']);
    expect(text).toContain('Audit of run 002 (proposal, quick mode, session 0001): completed');
    expect(text).toContain('proposer:   random, seed 12');
    expect(text).toContain(`#${seqs.rejected}  2026-01-01 00:00:${String(seqs.rejected).padStart(2, '0')}Z  ProposalRejected`);
    expect(text).toContain('error: train.learning_rate = 5: train.learning_rate = 5 is outside [1e-5, 0.1] (allowed: number in [1e-5, 0.1]; rule range)');
    expect(text).toContain('diff train.learning_rate: 0.001 -> 0.003');
    expect(text).toContain('normalized train.batch_size: 500 -> 512 (power of two)');
    expect(text).toContain("argv: bash scripts/run_training.sh 'it has spaces'");
    expect(text).toContain('attempt 1 FAILED (crashed): exit 3, signal none');
    expect(text).toContain('improved — mean_reward 130 (n=2) vs run 001 100 (n=2), delta +30');
    expect(text).toContain('progress: 2 report(s), last agent_steps 1000, mean_reward 128');
    for (const step of a.steps) expect(text).toContain(`#${step.seq} `);
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

  it('says who became the incumbent in the report', () => {
    expect(renderAudit(a)).toMatch(/incumbent: {2}run 001 became the incumbent \(replacing none\) at #\d+/);
  });
});

describe('when the evaluation carries fields the catalogue adds later', () => {
  const { log } = eventfulLog({ ci: { low: 12.5, high: 47.5, level: 0.95 }, resamples: 2000 });
  const a = audit(log, '002');

  it('passes them through in the verdict and prints them', () => {
    expect(a.verdict).toMatchObject({ ci: { low: 12.5, high: 47.5, level: 0.95 }, resamples: 2000 });
    const text = renderAudit(a);
    expect(text).toContain('ci: {"low":12.5,"high":47.5,"level":0.95}');
    expect(text).toContain('resamples: 2000');
  });
});

describe('when the loop was stopped while the run trained', () => {
  const log = new LogBuilder();
  log.add('LoopStarted', loopStarted());
  log.add('RunPlanned', { runId: '001', index: 1, kind: 'baseline', mode: 'quick' });
  log.add('ProposalAccepted', {
    runId: '001',
    attempt: 0,
    proposer: 'baseline',
    base: 'baseline',
    config: {},
    override: {},
    diff: [],
    normalizations: [],
    rationale: 'baseline config, unchanged',
    hypothesis: 'h',
  });
  log.add('RunStarted', runStarted('001', 1, 77));
  const stop = log.add('StopRequested', { reason: 'SIGINT', now: true });
  log.add('StopRequested', { reason: 'other session', now: true }, '0002');
  const failed = log.add('RunFailed', { runId: '001', attempt: 1, reason: 'killed', exitCode: null, signal: 'SIGTERM', durationMs: 50, message: 'killed on stop' });
  const halted = log.add('LoopHalted', { reason: 'stop requested: SIGINT', runsCompleted: 0 });
  const a = audit(log, '001');

  it('includes the stop and the halt of its session, and ends halted', () => {
    expect(a.steps.map((s) => s.type)).toEqual(['RunPlanned', 'ProposalAccepted', 'RunStarted', 'StopRequested', 'RunFailed', 'LoopHalted']);
    expect(a.steps.find((s) => s.seq === stop)).toMatchObject({ type: 'StopRequested', reason: 'SIGINT', now: true, stream: 'session-0001' });
    expect(a.outcome).toMatchObject({ seq: failed, reason: 'killed', signal: 'SIGTERM', exit_code: null });
    expect(a.status).toBe('halted');
    expect(a.steps.at(-1)!.seq).toBe(halted);
  });

  it('prints the loop events under their own heading, in order', () => {
    const text = renderAudit(a);
    const headings = text.split('\n').filter((l) => /^[A-Z]/.test(l) && !l.startsWith('Audit'));
    expect(headings).toEqual(['Plan', 'Proposal and validation', 'Training', 'Loop', 'Training', 'Loop']);
    expect(text).toContain('attempt 1 FAILED (killed): exit none, signal SIGTERM');
    expect(text).toContain('verdict:    none yet');
  });
});

describe('when the proposer failed before it answered', () => {
  const log = new LogBuilder();
  log.add('LoopStarted', loopStarted());
  log.add('RunPlanned', { runId: '002', index: 2, kind: 'proposal', mode: 'quick' });
  log.add('ProposalRequested', { runId: '002', attempt: 1, proposer: 'codex', previousErrors: [] });
  const failed = log.add('ProposalFailed', { runId: '002', attempt: 1, proposer: 'codex', message: 'timed out after 600s' });
  const a = audit(log, '002');

  it('records the attempt as failed with the message, and no proposer yet', () => {
    expect(a.proposals).toEqual([{ attempt: 1, proposer: 'codex', seed: null, seq: null, result: 'failed', result_seq: failed, errors: [], message: 'timed out after 600s' }]);
    expect(a.proposer).toBeNull();
    expect(a.status).toBe('in progress');
    expect(renderAudit(a)).toContain('proposer:   none yet');
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
  const log = new LogBuilder();
  log.add('LoopStarted', loopStarted());
  log.add('RunPlanned', { runId: '002', index: 2, kind: 'proposal', mode: 'quick' });
  log.add('ProposalRequested', { runId: '002', attempt: 1, proposer: 'codex', previousErrors: [] });
  log.add('ProposalReceived', {
    runId: '002',
    attempt: 1,
    proposer: 'codex',
    seed: null,
    overrides: { train: { gamma: 0.98 } },
    rationale: 'longer horizon hurts here',
    hypothesis: 'gamma 0.98 trains faster',
    process: { argv: ['codex', 'exec'], exitCode: 0, signal: null, durationMs: 1200 },
  });
  const violation = log.add('GuardrailViolation', {
    runId: '002',
    attempt: 1,
    proposer: 'codex',
    paths: [{ path: 'policy.json', change: 'modified', restored: true }],
    action: 'reverted',
  });
  const a = audit(log, '002');

  it('passes the process record through with the proposal and keeps the violation as a step', () => {
    expect(a.steps.find((s) => s.type === 'ProposalReceived')).toMatchObject({ process: { argv: ['codex', 'exec'], exitCode: 0 } });
    expect(a.steps.find((s) => s.seq === violation)).toMatchObject({ type: 'GuardrailViolation', action: 'reverted', paths: [{ path: 'policy.json' }] });
    expect(a.proposer).toMatchObject({ kind: 'codex', seed: null });
  });

  it('prints both', () => {
    const text = renderAudit(a);
    expect(text).toContain('process: {"argv":["codex","exec"],"exitCode":0,"signal":null,"durationMs":1200}');
    expect(text).toContain('attempt 1: codex changed 1 path(s) it may not touch (reverted)');
    expect(text).toContain('modified policy.json (restored)');
    expect(text).toContain('proposer:   codex\n');
  });
});

describe('when a violation names 500 paths', () => {
  const a = audit(manyPathsViolation(500), '002');

  it('keeps every path in the step', () => {
    expect(a.steps.find((s) => s.type === 'GuardrailViolation')).toMatchObject({ paths: expect.arrayContaining([{ path: 'junk/f499', change: 'created', restored: true }]) });
    expect((a.steps.find((s) => s.type === 'GuardrailViolation') as { paths: unknown[] }).paths).toHaveLength(500);
  });

  it('prints the count, the first 20 paths and how many more', () => {
    const text = renderAudit(a);
    expect(text).toContain('attempt 1: command changed 500 path(s) it may not touch (reverted)');
    expect(text).toContain('created junk/f019 (restored)');
    expect(text).not.toContain('junk/f020');
    expect(text).toContain('… and 480 more path(s)');
    expect(text.split('\n').filter((l) => l.includes('junk/f'))).toHaveLength(20);
  });
});
