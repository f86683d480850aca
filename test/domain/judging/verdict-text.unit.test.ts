import { describe, expect, it } from 'vitest';
import { type EvaluationFacts, verdictText } from '../../../domain/judging/verdict-text.js';
import { type Comparison, compareSamples } from '../../../domain/stats/index.js';
import { evaluation } from '../fixtures.js';

/** The evaluation the loop records for a comparison with `incumbentRunId` (its delta raw, as recorded). */
function recorded(c: Comparison, incumbentRunId: string): EvaluationFacts {
  return {
    metric: 'mean_reward',
    direction: c.direction,
    verdict: c.verdict,
    method: c.method,
    candidate: { mean: c.candidate.mean ?? 0, n: c.candidate.n },
    incumbent: { runId: incumbentRunId, mean: c.incumbent.mean ?? 0, n: c.incumbent.n },
    delta: c.rawDelta,
    seed: c.seed,
    interval: c.interval,
    ...(c.reason ? { reason: c.reason } : {}),
  };
}

const labbook = (ev: EvaluationFacts) => verdictText(ev, { style: 'labbook' });
const audit = (ev: EvaluationFacts) => verdictText(ev, { style: 'audit' });

describe('when the labbook states a verdict', () => {
  it('gives the gain with its interval, the incumbent and both sample sizes', () => {
    expect(labbook(evaluation())).toBe('improved: +41.2 [18.5, 63.0] vs 004 (n=32/32)');
    expect(labbook(evaluation({ verdict: 'regressed', delta: -12.25, interval: [-20.5, -4.0] }))).toBe('regressed: -12.3 [-20.5, -4.0] vs 004 (n=32/32)');
  });

  it('states the gain in the better direction for a metric to minimize', () => {
    expect(labbook(evaluation({ direction: 'minimize', delta: -0.0123, interval: [0.0051, 0.0195] }))).toBe('improved: +0.0123 [0.0051, 0.0195] vs 004 (n=32/32)');
  });

  it.each([
    ['regressed', -3.214, [-5.02, -1.4], 'regressed: -3.21 [-5.02, -1.40] vs 004 (n=32/32)'],
    ['improved', 0.01234, [0.00514, 0.01951], 'improved: +0.0123 [0.0051, 0.0195] vs 004 (n=32/32)'],
    ['inconclusive', 1234.4, [-80.2, 2549.3], 'inconclusive: +1234 [-80, 2549] vs 004 (n=32/32)'],
    ['inconclusive', 0.5, [-0.04, 1.2], 'inconclusive: +0.50 [-0.04, 1.20] vs 004 (n=32/32)'],
    ['improved', 99.96, [99.95, 99.97], 'improved: +100.0 [100.0, 100.0] vs 004 (n=32/32)'],
    ['inconclusive', 0, [0, 0], 'inconclusive: +0 [0, 0] vs 004 (n=32/32)'],
    ['inconclusive', -0.004, [-0.3, 0.2], 'inconclusive: -0.004 [-0.300, 0.200] vs 004 (n=32/32)'],
    ['inconclusive', -0.04, [-0.03, 9.9], 'inconclusive: -0.04 [-0.03, 9.90] vs 004 (n=32/32)'],
    ['inconclusive', -0.01, [-0.04, 12.3], 'inconclusive: -0.0 [-0.0, 12.3] vs 004 (n=32/32)'],
  ] as const)('prints %s %d %o with one shared precision', (verdict, delta, interval, line) => {
    expect(labbook(evaluation({ verdict, delta, interval: [...interval] }))).toBe(line);
  });

  it('prints no negative zero on a bound that is exactly zero, nor on a zero gain of a metric to minimize', () => {
    expect(labbook(evaluation({ delta: 1, interval: [-0, 2] }))).toBe('improved: +1.00 [0.00, 2.00] vs 004 (n=32/32)');
    expect(labbook(evaluation({ direction: 'minimize', verdict: 'inconclusive', delta: 0, interval: [0, 0] }))).toBe('inconclusive: +0 [0, 0] vs 004 (n=32/32)');
  });

  it('says why when there is no interval, and prints no number when there is no delta', () => {
    const few = evaluation({ verdict: 'inconclusive', delta: 12, interval: null, candidate: { mean: 412, n: 1 }, reason: 'candidate has fewer than 2 values (n=1)' });
    expect(labbook(few)).toBe('inconclusive: +12.0 vs 004 (n=1/32) — candidate has fewer than 2 values (n=1)');
    const none = evaluation({ verdict: 'inconclusive', delta: null, interval: null, candidate: { mean: 0, n: 0 }, reason: 'candidate has fewer than 2 values (n=0)' });
    expect(labbook({ ...none, incumbent: { runId: '012', mean: 400, n: 32 } })).toBe('inconclusive vs 012 (n=0/32) — candidate has fewer than 2 values (n=0)');
  });

  it('states a baseline by its own mean, and a baseline verdict against an incumbent as inconclusive', () => {
    expect(labbook(evaluation({ verdict: 'baseline', incumbent: null, delta: null, interval: null }))).toBe('baseline: mean_reward 441.2 (n=32)');
    expect(labbook(evaluation({ verdict: 'baseline' }))).toBe('inconclusive: +41.2 [18.5, 63.0] vs 004 (n=32/32)');
  });

  it('formats real comparisons, in the better orientation for a minimized metric', () => {
    const loss = compareSamples([0.41, 0.43, 0.4, 0.42, 0.44, 0.39], [0.5, 0.52, 0.49, 0.51, 0.53, 0.5], { direction: 'minimize', seed: 3 });
    expect(loss.verdict).toBe('improved');
    expect(labbook(recorded(loss, '007'))).toMatch(/^improved: \+0\.0\d\d \[0\.0\d\d, 0\.\d\d\d\] vs 007 \(n=6\/6\)$/);
    const equal = compareSamples([500, 500], [500, 500, 500], { direction: 'maximize', seed: 3 });
    expect(labbook(recorded(equal, '002'))).toBe('inconclusive: +0 [0, 0] vs 002 (n=2/3)');
  });
});

describe('when the audit states a verdict', () => {
  it('gives both means and sizes, the raw delta, the interval with its level and method, and Welch', () => {
    expect(audit(evaluation())).toBe(
      'improved — mean_reward 441.2 (n=32) vs run 004 400 (n=32), delta +41.2; 95% interval of the gain [18.5, 63] (bootstrap-percentile, 10000 resamples, seed 123); Welch t=3.1 df=61.2 p=0.003',
    );
  });

  it('keeps the raw delta of a metric to minimize, and the level of a one-sided interval', () => {
    const ev = evaluation({ direction: 'minimize', delta: -0.5, interval: [0.1, 0.9], sidedness: 'one-sided', alpha: 0.05, welch: null });
    expect(audit(ev)).toBe('improved — mean_reward 441.2 (n=32) vs run 004 400 (n=32), delta -0.5; 90% interval of the gain [0.1, 0.9] (bootstrap-percentile, 10000 resamples, seed 123)');
  });

  it("names Welch's interval with its permutations, and marks what was not recorded", () => {
    const ev = evaluation({ method: 'welch-t', alpha: undefined, resamples: undefined, seed: null, welch: undefined });
    expect(audit(ev)).toBe(
      "improved — mean_reward 441.2 (n=32) vs run 004 400 (n=32), delta +41.2; interval of the gain [18.5, 63] (Welch's t, with a studentized permutation test: ? permutations, seed -)",
    );
  });

  it('says why there is no interval, and which runs were pooled', () => {
    const ev = evaluation({ verdict: 'inconclusive', interval: null, welch: null, reason: 'candidate has fewer than 2 values (n=1)', pooled: ['005', '007'] });
    expect(audit(ev)).toBe('inconclusive — mean_reward 441.2 (n=32) vs run 004 400 (n=32), delta +41.2; no interval: candidate has fewer than 2 values (n=1); pooled 005 + 007');
  });

  it('states a baseline by its own mean alone', () => {
    expect(audit(evaluation({ verdict: 'baseline', incumbent: null, delta: null, interval: undefined, welch: undefined }))).toBe('baseline — mean_reward 441.2 (n=32)');
  });
});
