/** Audit fixtures: logs of runs whose decision chains the fold and the renderer are tested on. */
import type { DataOf } from '../../../events/catalogue.js';
import { auditRun } from '../../../projections/audit/fold.js';
import type { RunAudit } from '../../../projections/audit/steps.js';
import { baselineRun, LogBuilder, loopStarted, rangeError, runStarted } from '../support.js';

/** The audit of `runId`, which the log must hold. */
export function audit(log: LogBuilder, runId: string): RunAudit {
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
export function eventfulLog(extraEvaluation: Record<string, unknown> = {}) {
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

/** Session 0001: baseline 001 trains, a SIGINT stop arrives, the run is killed and the loop halts. */
export function stoppedLog() {
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
  return { log, stop, failed, halted };
}

/** Session 0001: run 002's proposer (codex) times out before it answers. */
export function proposerFailedLog() {
  const log = new LogBuilder();
  log.add('LoopStarted', loopStarted());
  log.add('RunPlanned', { runId: '002', index: 2, kind: 'proposal', mode: 'quick' });
  log.add('ProposalRequested', { runId: '002', attempt: 1, proposer: 'codex', previousErrors: [] });
  const failed = log.add('ProposalFailed', { runId: '002', attempt: 1, proposer: 'codex', message: 'timed out after 600s' });
  return { log, failed };
}

/** Session 0001: codex proposes 002 as a process and touches policy.json, which is reverted. */
export function agentViolationLog() {
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
  return { log, violation };
}
