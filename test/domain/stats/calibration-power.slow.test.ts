import { describe, expect, it } from 'vitest';
import { compareSamples, evaluationSeed } from '../../../domain/stats/index.js';
import { createSampler, tally } from './samplers.js';

const COMPARISONS = 1_000;
const ALPHA = 0.05;
/** 1,000 comparisons take ~10 s alone, more on a loaded machine. */
const CALIBRATION_TIMEOUT = { timeout: 120_000 };
/** Monte Carlo slack: three standard errors of a rate near 0.5 over 1,000 comparisons. */
const SLACK = 3 * Math.sqrt((0.5 * 0.5) / COMPARISONS);

/*
 * The issue asked for `improved` in >= 80% of comparisons at a true difference of 0.5 sd with
 * n = 32 per side. No calibrated test reaches that: the noncentrality is 0.5·√(32/2) = 2, and a
 * two-sided t-test at alpha 0.05 (df 62) has power 0.504 (noncentral t; scipy.stats.nct), a
 * one-sided one 0.631. 80% needs n = 64 per side (two-sided) or 51 (one-sided) at d = 0.5, or
 * d = 0.711 (two-sided) / 0.629 (one-sided) at n = 32. So the bound below is the achievable
 * one — the t-test's power less Monte Carlo slack — not the 80%; the 80% is checked at
 * the effect size where a calibrated test can reach it, in calibration-power-80.unit.test.ts.
 */
describe('when the candidate is truly better by 0.5 sd (n = 32 each)', () => {
  it("says improved about as often as Welch's t-test can (theory 0.504), far below the issue's 80%", CALIBRATION_TIMEOUT, () => {
    const sampler = createSampler(20_260_103);
    const t = tally(
      COMPARISONS,
      () => [sampler.normals(32, 225, 50), sampler.normals(32, 200, 50)],
      (candidate, incumbent, runId) => compareSamples(candidate, incumbent, { direction: 'maximize', seed: evaluationSeed(runId), alpha: ALPHA }),
    );
    const power = t.improved / t.count;
    expect(power).toBeGreaterThanOrEqual(0.504 - SLACK);
    expect(Math.abs(power - t.welchImproved / t.count)).toBeLessThan(0.05); // same data, same verdicts mostly
    expect(t.regressed).toBe(0);
  });
});
