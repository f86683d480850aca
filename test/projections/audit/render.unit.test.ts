import { describe, expect, it } from 'vitest';
import { renderAudit } from '../../../projections/audit/render.js';
import { manyPathsViolation } from '../support.js';
import { agentViolationLog, audit, eventfulLog, proposerFailedLog, stoppedLog } from './support.js';

describe('when a run went through a rejection, a crash and a retry', () => {
  const { log, seqs } = eventfulLog();
  const a = audit(log, '002');

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

  it('says who became the incumbent in the report', () => {
    expect(renderAudit(a)).toMatch(/incumbent: {2}run 001 became the incumbent \(replacing none\) at #\d+/);
  });
});

describe('when the evaluation carries fields the catalogue adds later', () => {
  const { log } = eventfulLog({ ci: { low: 12.5, high: 47.5, level: 0.95 }, resamples: 2000 });
  const a = audit(log, '002');

  it('prints them', () => {
    const text = renderAudit(a);
    expect(text).toContain('ci: {"low":12.5,"high":47.5,"level":0.95}');
    expect(text).toContain('resamples: 2000');
  });
});

describe('when the loop was stopped while the run trained', () => {
  const { log } = stoppedLog();
  const a = audit(log, '001');

  it('prints the loop events under their own heading, in order', () => {
    const text = renderAudit(a);
    const headings = text.split('\n').filter((l) => /^[A-Z]/.test(l) && !l.startsWith('Audit'));
    expect(headings).toEqual(['Plan', 'Proposal and validation', 'Training', 'Loop', 'Training', 'Loop']);
    expect(text).toContain('attempt 1 FAILED (killed): exit none, signal SIGTERM');
    expect(text).toContain('verdict:    none yet');
  });
});

describe('when the proposer failed before it answered', () => {
  const { log } = proposerFailedLog();
  const a = audit(log, '002');

  it('says there is no proposer yet', () => {
    expect(renderAudit(a)).toContain('proposer:   none yet');
  });
});

describe('when an agent proposer ran as a process and touched files it may not', () => {
  const { log } = agentViolationLog();
  const a = audit(log, '002');

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

  it('prints the count, the first 20 paths and how many more', () => {
    const text = renderAudit(a);
    expect(text).toContain('attempt 1: command changed 500 path(s) it may not touch (reverted)');
    expect(text).toContain('created junk/f019 (restored)');
    expect(text).not.toContain('junk/f020');
    expect(text).toContain('… and 480 more path(s)');
    expect(text.split('\n').filter((l) => l.includes('junk/f'))).toHaveLength(20);
  });
});
