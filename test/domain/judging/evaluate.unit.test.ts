import { describe, expect, it } from 'vitest';
import { evaluateRun, type EvaluationSettings } from '../../../domain/judging/evaluate.js';
import { evaluationSeed } from '../../../domain/stats/index.js';
import type { IncumbentRef } from '../../../events/catalogue.js';
import { RunEvaluated } from '../../../events/catalogue.js';

const STATS: EvaluationSettings = { alpha: 0.05, sidedness: 'two-sided', resamples: 10_000, interval: 'percentile' };
const MAX = { name: 'mean_reward', direction: 'maximize' } as const;
const spread = (center: number, n = 32) => Array.from({ length: n }, (_, i) => center + ((i * 7) % 11) - 5);
const incumbent = (sample: number[]): IncumbentRef => ({
  runId: '004',
  metric: 'mean_reward',
  mean: sample.reduce((a, b) => a + b, 0) / sample.length,
  n: sample.length,
  sample,
  override: {},
});

describe('when a run is evaluated against the incumbent', () => {
  it('is the baseline when there is no incumbent, with no draw made', () => {
    const v = evaluateRun({ runId: '001', sample: spread(100) }, null, MAX, STATS);
    expect(v).toMatchObject({ verdict: 'baseline', incumbent: null, delta: null, seed: null, candidate: { n: 32 } });
  });

  it('is improved, with an interval above zero, when the candidate is clearly better', () => {
    const v = evaluateRun({ runId: '005', sample: spread(140) }, incumbent(spread(100)), MAX, STATS);
    expect(v.verdict).toBe('improved');
    expect(v.delta).toBeCloseTo(40, 10);
    expect(v.interval![0]).toBeGreaterThan(0);
    expect(v.interval![0]).toBeLessThan(40);
    expect(v.interval![1]).toBeGreaterThan(40);
    expect(v.welch!.t).toBeGreaterThan(0);
    expect(v.welch!.p).toBeLessThan(0.001);
  });

  it('is regressed when the candidate is clearly worse, and inconclusive when the samples overlap', () => {
    expect(evaluateRun({ runId: '005', sample: spread(60) }, incumbent(spread(100)), MAX, STATS).verdict).toBe('regressed');
    const noisy = [90, 110, 95, 105, 100, 98, 102, 97, 103, 99];
    expect(evaluateRun({ runId: '005', sample: noisy.map((x) => x + 1) }, incumbent(noisy), MAX, STATS).verdict).toBe('inconclusive');
  });

  it('turns the orientation for a metric to minimize: lower is improved, the delta stays candidate minus incumbent', () => {
    const v = evaluateRun({ runId: '005', sample: spread(60) }, incumbent(spread(100)), { name: 'loss', direction: 'minimize' }, STATS);
    expect(v.verdict).toBe('improved');
    expect(v.delta).toBeCloseTo(-40, 10);
    expect(v.interval![0]).toBeGreaterThan(0);
  });

  it('seeds the bootstrap from the run id, records the seed, and gives the same verdict bit for bit again', () => {
    const a = evaluateRun({ runId: '005', sample: spread(104) }, incumbent(spread(100)), MAX, STATS);
    const b = evaluateRun({ runId: '005', sample: spread(104) }, incumbent(spread(100)), MAX, STATS);
    expect(a.seed).toBe(evaluationSeed('005'));
    expect(b).toEqual(a);
    const other = evaluateRun({ runId: '006', sample: spread(104) }, incumbent(spread(100)), MAX, STATS);
    expect(other.seed).not.toBe(a.seed);
    expect(other.interval).not.toEqual(a.interval);
    expect(a).toMatchObject({ alpha: 0.05, sidedness: 'two-sided', resamples: 10_000, method: 'bootstrap-percentile' });
  });

  it('is inconclusive, saying why, when a side has fewer than 2 values', () => {
    const v = evaluateRun({ runId: '005', sample: [140] }, incumbent(spread(100)), MAX, STATS);
    expect(v.verdict).toBe('inconclusive');
    expect(v.interval).toBeNull();
    expect(v.reason).toMatch(/candidate/);
  });

  it('records the runs a replicate pooled, and makes an event the catalogue accepts', () => {
    const v = evaluateRun({ runId: '006', sample: spread(140, 64), pooled: ['005', '006'] }, incumbent(spread(100)), MAX, STATS);
    expect(v.pooled).toEqual(['005', '006']);
    expect(v.candidate.n).toBe(64);
    expect(() => RunEvaluated.parse({ type: 'RunEvaluated', data: { runId: '006', ...v }, metadata: { session: '0001', at: '2026-11-29T00:00:00.000Z' } })).not.toThrow();
  });
});
