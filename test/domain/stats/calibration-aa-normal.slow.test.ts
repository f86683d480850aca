import { describe, expect, it } from 'vitest';
import { compareSamples, evaluationSeed } from '../../../domain/stats/index.js';
import { createSampler, tally } from './samplers.js';

const COMPARISONS = 1_000;
const ALPHA = 0.05;
/** 1,000 comparisons take ~10 s alone, more on a loaded machine. */
const CALIBRATION_TIMEOUT = { timeout: 120_000 };

describe('when both samples come from the same normal distribution (A/A, n = 32 each)', () => {
  it('says improved in at most alpha + 0.01 of 1,000 comparisons, and regressed as rarely', CALIBRATION_TIMEOUT, () => {
    const sampler = createSampler(20_260_101);
    const t = tally(
      COMPARISONS,
      () => [sampler.normals(32, 200, 50), sampler.normals(32, 200, 50)],
      (candidate, incumbent, runId) => compareSamples(candidate, incumbent, { direction: 'maximize', seed: evaluationSeed(runId), alpha: ALPHA }),
    );
    // Two-sided 95% interval: a false "improved" is expected in ~alpha/2 = 2.5% of comparisons
    // (~2.8% measured over 5,000: the bootstrap interval is a little narrow at n = 32).
    expect(t.improved / t.count).toBeLessThanOrEqual(ALPHA + 0.01);
    expect(t.regressed / t.count).toBeLessThanOrEqual(ALPHA + 0.01);
    // ... and it is a real test, not one that never says anything.
    expect(t.improved).toBeGreaterThan(0);
    expect(t.regressed).toBeGreaterThan(0);
  });
});
