import { describe, expect, it } from 'vitest';
import type { DataOf } from '../../events/catalogue.js';
import type { FallbackFacts } from '../../projections/labbook-entry.js';
import { labbookText } from '../../projections/labbook-text.js';
import { rangeError } from './support.js';

const at = '2026-01-01T00:00:00.000Z';
const requested: DataOf<'ProposalRequested'> = { runId: '002', attempt: 3, proposer: 'builtin', previousErrors: [], fallbackFrom: 'codex' };
const fallback = (facts: Partial<FallbackFacts>) => labbookText({ type: 'ProposalRequested', at, data: requested, fallback: { from: 'codex', failure: null, rejected: null, ...facts } });

describe('when the built-in optimizer stands in for a proposer', () => {
  it('says whom it asks instead, and that it fell back', () => {
    expect(fallback({})).toEqual({
      at,
      action: 'run 002: ask builtin instead of codex (attempt 3)',
      observation: 'codex gave no valid proposal',
      outcome: 'fell back to the built-in proposer',
      next: 'validate its proposal',
    });
  });

  it('tells how the later of its last failure and its last rejection ended', () => {
    const failure = { attempt: 2, message: 'no answer in 600s', reason: 'timeout' };
    const rejected = { attempt: 1, errors: [rangeError], omitted: 0 };
    expect(fallback({ failure, rejected }).observation).toBe('codex timeout: no answer in 600s');
    expect(fallback({ failure: { attempt: 1, message: 'exit 3' }, rejected: { ...rejected, attempt: 2 } }).observation).toMatch(
      /^codex gave no valid proposal; last rejected: train\.learning_rate/,
    );
    expect(fallback({ failure: { attempt: 1, message: 'exit 3' } }).observation).toBe('codex failed: exit 3');
  });
});

describe('when a session ends', () => {
  it('names the session the fold recorded, and what it left', () => {
    expect(labbookText({ type: 'LoopCompleted', at, data: { runsCompleted: 2, incumbent: '002' }, session: '0003' })).toEqual({
      at,
      action: 'loop 0003 completed',
      observation: '2 run(s)',
      outcome: 'incumbent 002',
      next: 'autopilot loop --runs N continues the history',
    });
    expect(labbookText({ type: 'LoopHalted', at, data: { reason: 'stop requested: SIGINT', runsCompleted: 0 }, session: '0001' }).outcome).toBe('halted after 0 run(s)');
  });

  it('says how far a resumed session goes, when its start is in the log', () => {
    const data: DataOf<'LoopResumed'> = { session: '0001', pid: 42, state: 'training' };
    expect(labbookText({ type: 'LoopResumed', at, data, runsRequested: 5 }).next).toBe('continue towards 5 run(s)');
    expect(labbookText({ type: 'LoopResumed', at, data, runsRequested: null }).next).toBe('continue');
  });
});
