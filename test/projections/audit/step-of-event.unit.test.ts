import { describe, expect, it } from 'vitest';
import type { AutopilotEvent } from '../../../events/catalogue.js';
import { contextStep, runStep } from '../../../projections/audit/step-of-event.js';

const base = { seq: 7, at: '2026-01-01T00:00:07.000Z', stream: 'run-002' };
const event = (type: string, data: unknown, session = '0001') => ({ type, data, metadata: { session, at: base.at } }) as AutopilotEvent;

describe("when a run's own event becomes a step", () => {
  it('keeps the sample sizes of a finished run and leaves the samples in the log', () => {
    const finished = event('RunFinished', { runId: '002', attempt: 1, exitCode: 0, durationMs: 10, summarySource: 'log', metrics: { r: 2 }, samples: { r: [1, 2, 3] } });
    expect(runStep(base, finished)).toEqual({ ...base, type: 'RunFinished', attempt: 1, exit_code: 0, duration_ms: 10, summary_source: 'log', metrics: { r: 2 }, sample_sizes: { r: 3 } });
  });

  it('passes fields the catalogue adds later through, under their own names', () => {
    const failed = event('ProposalFailed', { runId: '002', attempt: 2, proposer: 'codex', message: 'timed out', reason: 'timeout' });
    expect(runStep(base, failed)).toEqual({ ...base, type: 'ProposalFailed', attempt: 2, proposer: 'codex', message: 'timed out', reason: 'timeout' });
  });

  it('makes no step of progress, nor of a session event', () => {
    expect(runStep(base, event('RunProgress', { runId: '002', attempt: 1, metrics: { r: 1 } }))).toBeNull();
    expect(runStep(base, event('StopRequested', { reason: 'SIGINT', now: true }))).toBeNull();
  });
});

describe('when a session event happens while the run is open', () => {
  it('makes a step of a stop and of a violation outside any run, not of a run event', () => {
    expect(contextStep(base, event('StopRequested', { reason: 'SIGINT', now: false }))).toEqual({ ...base, type: 'StopRequested', reason: 'SIGINT', now: false });
    const violation = event('GuardrailViolation', { source: 'workspace', action: 'halted', paths: [{ path: 'x', change: 'deleted' }] });
    expect(contextStep(base, violation)).toEqual({ ...base, type: 'GuardrailViolation', source: 'workspace', action: 'halted', paths: [{ path: 'x', change: 'deleted' }] });
    expect(contextStep(base, event('GuardrailViolation', { runId: '003', action: 'reverted', paths: [] }))).toBeNull();
    expect(contextStep(base, event('RunProgress', { runId: '002', attempt: 1, metrics: {} }))).toBeNull();
  });
});
