import { describe, expect, it } from 'vitest';
import { confirmationOf, needsConfirmation, unconfirmedEntry } from '../../../domain/evaluation/confirmation.js';
import type { DataOf, IncumbentRef } from '../../../events/catalogue.js';

const ref = (runId: string): IncumbentRef => ({ runId, metric: 'm', mean: 1, n: 3, sample: [1, 1, 1], override: {} });
const target = (runId: string) => ({ spec: runId, runId, checkpoint: `runs/${runId}/checkpoints/model_000001.json`, sha256: 'a'.repeat(64), argv: ['t'] });
const planned: DataOf<'EvaluationPlanned'> = {
  evaluationId: 'e004',
  targets: [target('002'), target('001')],
  metric: 'm',
  direction: 'maximize',
  seeds: { first: 1_000_000_000, count: 3, training: { count: 2, max: 2 } },
  bootstrapSeed: 7,
  by: 'promotion',
  runId: '002',
};
const finished = (verdict: 'improved' | 'regressed' | 'inconclusive', interval: [number, number]): DataOf<'EvaluationFinished'> => ({
  evaluationId: 'e004',
  results: [],
  paired: {
    verdict,
    method: 'paired-bootstrap-percentile',
    direction: 'maximize',
    alpha: 0.05,
    level: 0.95,
    resamples: 100,
    seed: 7,
    n: 3,
    candidateMean: 1,
    baselineMean: 1,
    delta: interval[0],
    sdDifference: 1,
    interval,
  },
});

describe('needsConfirmation', () => {
  it('asks only for a change of incumbent, and only when the setting is on', () => {
    expect(needsConfirmation(true, ref('002'), ref('001'))).toBe(true);
    expect(needsConfirmation(false, ref('002'), ref('001'))).toBe(false);
    // The baseline has nothing to beat; a re-run of the incumbent grows its own sample.
    expect(needsConfirmation(true, ref('001'), null)).toBe(false);
    expect(needsConfirmation(true, ref('001'), ref('001'))).toBe(false);
  });
});

describe('confirmationOf', () => {
  it('confirms only when the paired interval says the candidate is better', () => {
    expect(confirmationOf(planned, finished('improved', [0.5, 1.5]))).toEqual({ confirmed: true, evaluationId: 'e004' });
    for (const verdict of ['regressed', 'inconclusive'] as const) {
      const c = confirmationOf(planned, finished(verdict, [-1.5, -0.5]));
      expect(c.confirmed).toBe(false);
      if (!c.confirmed)
        expect(c.why).toMatch(new RegExp(`^evaluation e004 on held-out seeds: ${verdict}: 002 \\(runs/002/.*\\) .* 001 \\(runs/001/.*95% paired interval \\[-1\\.5, -0\\.5\\]`));
    }
  });
});

describe('unconfirmedEntry', () => {
  it('drops the promotion from the outcome, says why and that the incumbent stays', () => {
    const entry = { status: 'completed', outcome: 'improved: +1 [0.5, 1.5] vs 001 -> incumbent' };
    expect(unconfirmedEntry(entry, '002', ref('002'), ref('001'), 'why')).toEqual({
      status: 'completed',
      outcome: 'improved: +1 [0.5, 1.5] vs 001; promotion of 002 not confirmed: why; incumbent stays 001',
    });
    // A replicate promoting its parent names it.
    const replicate = { outcome: 'improved; replicate 1 of 1 of 002: confirmed -> incumbent 002' };
    expect(unconfirmedEntry(replicate, '004', ref('002'), ref('001'), 'why').outcome).toBe(
      'improved; replicate 1 of 1 of 002: confirmed; promotion of 002 not confirmed: why; incumbent stays 001',
    );
  });
});
