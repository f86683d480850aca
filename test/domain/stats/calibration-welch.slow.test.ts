import { describe, expect, it } from 'vitest';
import { compareSamples, evaluationSeed } from '../../../domain/stats/index.js';
import { createSampler, tally, type Tally } from './samplers.js';

const COMPARISONS = 1_000;
const ALPHA = 0.05;
/** 1,000 comparisons with 10,000 permutations each take a few seconds alone. */
const CALIBRATION_TIMEOUT = { timeout: 120_000 };
const welch = (candidate: number[], incumbent: number[], runId: string) =>
  compareSamples(candidate, incumbent, { direction: 'maximize', seed: evaluationSeed(runId), alpha: ALPHA, method: 'welch' });
const percentile = (candidate: number[], incumbent: number[], runId: string) => compareSamples(candidate, incumbent, { direction: 'maximize', seed: evaluationSeed(runId), alpha: ALPHA });

/** False verdicts of both kinds within alpha + 0.01, and neither kind far past its alpha/2. */
function holdsItsLevel(t: Tally): void {
  expect((t.improved + t.regressed) / t.count).toBeLessThanOrEqual(ALPHA + 0.01);
  expect(t.improved / t.count).toBeLessThanOrEqual(ALPHA / 2 + 0.015);
  expect(t.regressed / t.count).toBeLessThanOrEqual(ALPHA / 2 + 0.015);
}

describe("Welch's interval with the studentized permutation test (statistics.interval: welch), A/A", () => {
  it('holds its level for normal samples, 32 per side', CALIBRATION_TIMEOUT, () => {
    const sampler = createSampler(20_260_201);
    const t = tally(COMPARISONS, () => [sampler.normals(32, 200, 50), sampler.normals(32, 200, 50)], welch);
    holdsItsLevel(t);
    expect(t.improved).toBeGreaterThan(0);
    expect(t.regressed).toBeGreaterThan(0);
  });

  it('holds its level for lognormal (σ = 1) samples, 32 per side', CALIBRATION_TIMEOUT, () => {
    const sampler = createSampler(20_260_202);
    holdsItsLevel(tally(COMPARISONS, () => [sampler.lognormals(32), sampler.lognormals(32)], welch));
  });

  it('holds its level for unequal skewed samples (lognormal, 16 vs 48, both ways), where the percentile bootstrap does not', CALIBRATION_TIMEOUT, () => {
    const sampler = createSampler(20_260_203);
    const pairs = Array.from({ length: COMPARISONS }, () => [sampler.lognormals(16), sampler.lognormals(48)] as [number[], number[]]);
    const on = (compare: typeof welch, flip: boolean) => {
      let i = 0;
      return tally(COMPARISONS, () => (flip ? ([pairs[i]![1], pairs[i++]![0]] as [number[], number[]]) : pairs[i++]!), compare);
    };
    holdsItsLevel(on(welch, false));
    holdsItsLevel(on(welch, true));
    // The same data, judged by the percentile bootstrap: the small skewed side is called worse far too often.
    expect(on(percentile, false).regressed / COMPARISONS).toBeGreaterThan(ALPHA + 0.01);
  });

  it('keeps the power of Welch’s t: improved in about half the comparisons at a true 0.5 sd, n = 32', CALIBRATION_TIMEOUT, () => {
    const sampler = createSampler(20_260_204);
    const t = tally(500, () => [sampler.normals(32, 0.5, 1), sampler.normals(32, 0, 1)], welch);
    // A two-sided t-test at 0.05 has power 0.50 here; the permutation check costs almost none of it.
    expect(t.improved / t.count).toBeGreaterThanOrEqual(0.43);
    expect(t.welchImproved - t.improved).toBeLessThanOrEqual(0.02 * t.count);
  });
});
