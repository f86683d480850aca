import { describe, expect, it } from 'vitest';
import { compareSamples, evaluationSeed } from '../../../domain/stats/index.js';
import { createSampler, tally } from './samplers.js';

const COMPARISONS = 1_000;
const ALPHA = 0.05;
/** 1,000 comparisons take ~10 s alone, more on a loaded machine. */
const CALIBRATION_TIMEOUT = { timeout: 120_000 };

/*
 * The 80% power target, at the effect size where a calibrated two-sided test at alpha
 * 0.05 with n = 32 per side can reach it: d = 0.7115 sd gives a two-sided t-test (df 62) power
 * 0.800 (noncentral t; scipy.stats.nct). At the d = 0.5 see calibration-power.unit.test.ts.
 */
describe('when the candidate is truly better by 0.711 sd (n = 32 each), where a t-test has 80% power', () => {
  it('says improved in at least 80% of comparisons, less Monte Carlo slack', CALIBRATION_TIMEOUT, () => {
    const sampler = createSampler(20_260_104);
    const t = tally(
      COMPARISONS,
      () => [sampler.normals(32, 200 + 0.7115 * 50, 50), sampler.normals(32, 200, 50)],
      (candidate, incumbent, runId) => compareSamples(candidate, incumbent, { direction: 'maximize', seed: evaluationSeed(runId), alpha: ALPHA }),
    );
    expect(t.improved / t.count).toBeGreaterThanOrEqual(0.8 - 3 * Math.sqrt((0.8 * 0.2) / COMPARISONS));
  });
});
