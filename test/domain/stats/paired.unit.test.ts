import { describe, expect, it } from 'vitest';
import { seedFromString } from '../../../domain/rng.js';
import { compareSamples, pairedBootstrap, pairedSeed, resamplePairedMeans } from '../../../domain/stats/index.js';
import { createSampler } from './samplers.js';

const MAX = { direction: 'maximize' as const, seed: 7 };

/** `n` seeds whose difficulty (sd 50) both sides share, the candidate `shift` better, each side with its own noise (sd `noise`). */
function correlated(seed: number, n: number, shift: number, noise = 5): [number[], number[]] {
  const s = createSampler(seed);
  const difficulty = s.normals(n, 200, 50);
  return [difficulty.map((x) => x + shift + noise * s.normal()), difficulty.map((x) => x + noise * s.normal())];
}

describe('when two checkpoints are compared seed by seed', () => {
  it('records its seed, derived from the evaluation id, and gives a bit-identical result for it', () => {
    expect(pairedSeed('e001')).toBe(seedFromString('paired:e001'));
    const [a, b] = correlated(1, 40, 3);
    const first = pairedBootstrap(a, b, MAX);
    expect(pairedBootstrap([...a], [...b], { ...MAX })).toEqual(first);
    expect(first).toMatchObject({ seed: 7, resamples: 10_000, alpha: 0.05, level: 0.95, n: 40, method: 'paired-bootstrap-percentile' });
    expect(pairedBootstrap(a, b, { ...MAX, seed: 8 }).interval).not.toEqual(first.interval);
  });

  it('is the mean of the per-seed differences, with an interval around it', () => {
    const r = pairedBootstrap([3, 5, 7, 9], [1, 2, 3, 4], MAX);
    expect(r.delta).toBe(3.5);
    expect(r.candidateMean).toBe(6);
    expect(r.baselineMean).toBe(2.5);
    expect(r.interval![0]).toBeLessThanOrEqual(3.5);
    expect(r.interval![1]).toBeGreaterThanOrEqual(3.5);
    expect(r.verdict).toBe('improved');
  });

  it('turns the orientation round for a metric to minimize', () => {
    const [a, b] = correlated(2, 40, 10);
    const max = pairedBootstrap(a, b, MAX);
    const min = pairedBootstrap(a, b, { ...MAX, direction: 'minimize' });
    expect(max.verdict).toBe('improved');
    expect(min.verdict).toBe('regressed');
    expect(min.delta).toBeCloseTo(-max.delta!, 12);
  });

  it('resamples the differences in a fixed draw order', () => {
    const d = Float64Array.from([1, 2, 3]);
    expect(Array.from(resamplePairedMeans(d, 5, 3))).toEqual(Array.from(resamplePairedMeans(d, 5, 3)));
    expect(() => resamplePairedMeans(new Float64Array(0), 5, 3)).toThrow(RangeError);
  });

  it('makes the interval a point when every pair differs by the same amount', () => {
    const r = pairedBootstrap([5, 6, 7], [4, 5, 6], MAX);
    expect(r.interval).toEqual([1, 1]);
    expect(r.verdict).toBe('improved');
    const same = pairedBootstrap([5, 6], [5, 6], MAX);
    expect(same.verdict).toBe('inconclusive');
    expect(same.reason).toBe('every pair is equal');
  });

  it('is inconclusive, saying why, with fewer than 2 pairs or a value that is not finite', () => {
    expect(pairedBootstrap([1], [0], MAX)).toMatchObject({ verdict: 'inconclusive', interval: null, reason: 'fewer than 2 pairs (n=1)' });
    expect(pairedBootstrap([1, Number.NaN], [0, 0], MAX)).toMatchObject({ verdict: 'inconclusive', interval: null, reason: 'a value is not a finite number' });
  });

  it('refuses sides of different lengths and bad options', () => {
    expect(() => pairedBootstrap([1, 2], [1], MAX)).toThrow(/one value per seed/);
    expect(() => pairedBootstrap([1, 2], [1, 2], { ...MAX, seed: -1 })).toThrow(RangeError);
    expect(() => pairedBootstrap([1, 2], [1, 2], { ...MAX, resamples: 10 })).toThrow(RangeError);
    expect(() => pairedBootstrap([1, 2], [1, 2], { ...MAX, alpha: 0.9 })).toThrow(RangeError);
  });
});

describe('when the seeds share most of the spread (the case pairing is for)', () => {
  const trials = 40;
  const rate = (shift: number, judge: (a: number[], b: number[], seed: number) => string) => {
    let improved = 0;
    for (let t = 0; t < trials; t++) {
      const [a, b] = correlated(1000 + t, 32, shift);
      if (judge(a, b, t) === 'improved') improved++;
    }
    return improved / trials;
  };
  const paired = (a: number[], b: number[], seed: number) => pairedBootstrap(a, b, { direction: 'maximize', seed }).verdict;
  const unpaired = (a: number[], b: number[], seed: number) => compareSamples(a, b, { direction: 'maximize', seed, method: 'percentile' }).verdict;

  it('detects a difference of a tenth of the spread nearly always, where the unpaired test almost never does', () => {
    // 5 points against seeds whose difficulty varies with sd 50: the unpaired test sees 0.1 sd, the paired one 0.7 sd of differences.
    const pairedPower = rate(5, paired);
    const unpairedPower = rate(5, unpaired);
    expect(pairedPower).toBeGreaterThan(0.8);
    expect(unpairedPower).toBeLessThan(0.2);
  });

  it('keeps its false improvements rare when there is no difference', () => {
    expect(rate(0, paired)).toBeLessThanOrEqual(0.1);
  });
});
