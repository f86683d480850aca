import { describe, expect, it } from 'vitest';
import { createRng, seedFromString } from '../../../domain/rng.js';
import {
  type Comparison,
  type CompareOptions,
  MIN_RESAMPLES,
  bootstrapInterval,
  compareSamples,
  evaluationSeed,
  meanDifferenceAcceleration,
  resampleMeanDifferences,
  welchTest,
} from '../../../domain/stats/index.js';
import { createSampler } from './samplers.js';

const MAX: CompareOptions = { direction: 'maximize', seed: 42 };
const MIN: CompareOptions = { direction: 'minimize', seed: 42 };

function normalPair(seed: number, shift = 0, n = 32): [number[], number[]] {
  const s = createSampler(seed);
  return [s.normals(n, 100 + shift, 20), s.normals(n, 100, 20)];
}

describe('when deriving the evaluation seed of a run', () => {
  it('is the seed of "eval:" + run id', () => {
    expect(evaluationSeed('004')).toBe(seedFromString('eval:004'));
    expect(evaluationSeed('004')).toBe(evaluationSeed('004'));
    expect(evaluationSeed('004')).not.toBe(evaluationSeed('005'));
    const seed = evaluationSeed('004');
    expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true);
  });
});

describe('when the same comparison is run twice', () => {
  it('gives a deep-equal, bit-identical result for the same seed', () => {
    const [a, b] = normalPair(1, 10);
    const first = compareSamples(a, b, MAX);
    const second = compareSamples([...a], [...b], { ...MAX });
    expect(second).toEqual(first);
    expect(Object.is(second.interval![0], first.interval![0])).toBe(true);
    expect(Object.is(second.interval![1], first.interval![1])).toBe(true);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it('records the seed, the number of resamples, alpha, sidedness and method', () => {
    const [a, b] = normalPair(1, 10);
    const r = compareSamples(a, b, { direction: 'maximize', seed: 7, resamples: 20_000, alpha: 0.1 });
    expect(r).toMatchObject({
      seed: 7,
      resamples: 20_000,
      alpha: 0.1,
      level: 0.9,
      sidedness: 'two-sided',
      method: 'bootstrap-percentile',
      direction: 'maximize',
    });
    expect(compareSamples(a, b, MAX)).toMatchObject({ resamples: MIN_RESAMPLES, alpha: 0.05, level: 0.95 });
    expect(compareSamples(a, b, { ...MAX, method: 'bca' }).method).toBe('bootstrap-bca');
    const oneSided = compareSamples(a, b, { ...MAX, sidedness: 'one-sided' });
    expect(oneSided.sidedness).toBe('one-sided');
    expect(oneSided.level).toBeCloseTo(0.9, 12);
  });

  it('gives different interval endpoints for different seeds', () => {
    const [a, b] = normalPair(2, 10);
    const base = compareSamples(a, b, { ...MAX, seed: 0 });
    for (let seed = 1; seed <= 10; seed++) {
      const other = compareSamples(a, b, { ...MAX, seed });
      expect(other.delta).toBe(base.delta);
      expect(other.welch).toEqual(base.welch);
      expect(other.interval![0]).not.toBe(base.interval![0]);
      expect(other.interval![1]).not.toBe(base.interval![1]);
      // ... but only by Monte Carlo error: well under a tenth of the interval's width.
      const width = base.interval![1] - base.interval![0];
      expect(Math.abs(other.interval![0] - base.interval![0])).toBeLessThan(width / 10);
    }
  });

  it('pins the replicates and the interval so evaluations stay reproducible across versions', () => {
    const x = Float64Array.from([1, 2, 3, 4]);
    const y = Float64Array.from([0, 10]);
    const reps = resampleMeanDifferences(x, y, 3, 42);
    expect(Array.from(reps)).toEqual([-2, -2.25, -7.75]);
    // The documented draw order: per replicate, floor(u·4) four times into x, then floor(u·2) twice into y.
    const rng = createRng(42);
    const draw = (xs: Float64Array): number => {
      let sum = 0;
      for (let i = 0; i < xs.length; i++) sum += xs[Math.floor(rng() * xs.length)]!;
      return sum / xs.length;
    };
    expect(Array.from({ length: 3 }, () => draw(x) - draw(y))).toEqual(Array.from(reps));
    // Arithmetic-only data (no Math.log/cos), so the pin holds on any engine. The same numbers
    // come out of an independent Python re-implementation (mulberry32, the draw order above,
    // numpy.quantile(method='linear')).
    const a = Array.from({ length: 32 }, (_, i) => 100 + ((i * 37) % 41) / 4);
    const b = Array.from({ length: 32 }, (_, i) => 95 + ((i * 53) % 43) / 4);
    expect(evaluationSeed('004')).toBe(779886793);
    const r = compareSamples(a, b, { direction: 'maximize', seed: evaluationSeed('004') });
    expect(r).toMatchObject({ verdict: 'improved', delta: 4.84375, interval: [3.375, 6.375] });
  });
});

describe('when the candidate is clearly better or worse', () => {
  it('says improved with an interval above 0, and regressed the other way round', () => {
    const [a, b] = normalPair(4, 40);
    const up = compareSamples(a, b, MAX);
    expect(up.verdict).toBe('improved');
    expect(up.interval![0]).toBeGreaterThan(0);
    expect(up.interval![0]).toBeLessThan(up.delta!);
    expect(up.interval![1]).toBeGreaterThan(up.delta!);
    expect(up.reason).toBeUndefined();
    expect(up.welch!.t).toBeGreaterThan(0);
    expect(up.welch!.p).toBeLessThan(0.05);

    const down = compareSamples(b, a, MAX);
    expect(down.verdict).toBe('regressed');
    expect(down.interval![1]).toBeLessThan(0);
    expect(down.welch!.t).toBeLessThan(0);
  });

  it('says inconclusive, with the reason, when the interval contains 0', () => {
    const [a, b] = normalPair(5, 0);
    const r = compareSamples(a, b, MAX);
    expect(r.verdict).toBe('inconclusive');
    expect(r.interval![0]).toBeLessThanOrEqual(0);
    expect(r.interval![1]).toBeGreaterThanOrEqual(0);
    expect(r.reason).toBe('the 95% interval contains 0');
    expect(compareSamples(a, b, { ...MAX, sidedness: 'one-sided' }).reason).toBe('the 90% interval contains 0');
  });

  it('gives a one-sided interval inside the two-sided one (same replicates)', () => {
    const [a, b] = normalPair(6, 10);
    const two = compareSamples(a, b, MAX);
    const one = compareSamples(a, b, { ...MAX, sidedness: 'one-sided' });
    // One-sided at alpha is two-sided at 2·alpha.
    expect(compareSamples(a, b, { ...MAX, alpha: 0.1 }).interval).toEqual(one.interval);
    expect(one.interval![0]).toBeGreaterThan(two.interval![0]);
    expect(one.interval![1]).toBeLessThan(two.interval![1]);
  });
});

describe('when the metric is minimized', () => {
  it('flips the orientation: positive delta and interval mean the candidate is lower (better)', () => {
    const [a, b] = normalPair(7, 40); // a has the higher mean
    const r = compareSamples(b, a, MIN); // candidate b is lower: better when minimizing
    expect(r.verdict).toBe('improved');
    expect(r.delta!).toBeGreaterThan(0);
    expect(r.rawDelta!).toBe(-r.delta!);
    expect(r.candidate.mean! - r.incumbent.mean!).toBeCloseTo(r.rawDelta!, 9);
    expect(r.interval![0]).toBeGreaterThan(0);
    expect(r.welch!.t).toBeGreaterThan(0);
    expect(compareSamples(a, b, MIN).verdict).toBe('regressed');
  });

  it('is bit for bit the maximize comparison of the negated samples', () => {
    const [a, b] = normalPair(8, 5);
    const min = compareSamples(a, b, MIN);
    const max = compareSamples(
      a.map((v) => -v),
      b.map((v) => -v),
      MAX,
    );
    expect({ ...min, direction: null, rawDelta: null, candidate: null, incumbent: null }).toEqual({
      ...max,
      direction: null,
      rawDelta: null,
      candidate: null,
      incumbent: null,
    });
    expect(min.candidate.mean).toBe(-max.candidate.mean!);
    expect(min.candidate.sd).toBe(max.candidate.sd);
  });

  it('mirrors the maximize interval of the same samples, up to Monte Carlo error', () => {
    const [a, b] = normalPair(9, 5);
    const min = compareSamples(a, b, MIN);
    const max = compareSamples(a, b, MAX);
    expect(min.delta).toBe(-max.delta!);
    const width = max.interval![1] - max.interval![0];
    expect(Math.abs(min.interval![0] + max.interval![1])).toBeLessThan(width / 20);
    expect(Math.abs(min.interval![1] + max.interval![0])).toBeLessThan(width / 20);
  });
});

describe('when a side has fewer than 2 values', () => {
  it('is inconclusive with no interval, and says which side', () => {
    const [, b] = normalPair(10);
    const r = compareSamples([130], b, MAX);
    expect(r.verdict).toBe('inconclusive');
    expect(r.interval).toBeNull();
    expect(r.welch).toBeNull();
    expect(r.reason).toBe('candidate has fewer than 2 values (n=1)');
    expect(r.candidate).toEqual({ n: 1, mean: 130, sd: null });
    expect(r.delta).toBeCloseTo(130 - r.incumbent.mean!, 9);
  });

  it('has no delta at all when a side is empty, and lists every problem', () => {
    const r = compareSamples([], [1], MAX);
    expect(r).toMatchObject({
      verdict: 'inconclusive',
      delta: null,
      rawDelta: null,
      interval: null,
      welch: null,
      candidate: { n: 0, mean: null, sd: null },
      incumbent: { n: 1, mean: 1, sd: null },
      reason: 'candidate has fewer than 2 values (n=0); incumbent has fewer than 2 values (n=1)',
    });
  });
});

describe('when the data has NaN or infinite values', () => {
  it('is inconclusive, with no interval and no means, and says how many', () => {
    const [a, b] = normalPair(11);
    const withNaN = [...a.slice(0, 31), Number.NaN];
    const r = compareSamples(withNaN, b, MAX);
    expect(r).toMatchObject({ verdict: 'inconclusive', interval: null, welch: null, delta: null, rawDelta: null });
    expect(r.candidate).toEqual({ n: 32, mean: null, sd: null });
    expect(r.reason).toBe('candidate has non-finite values (1 of 32)');

    const inf = compareSamples(a, [...b.slice(0, 30), Infinity, -Infinity], MIN);
    expect(inf.verdict).toBe('inconclusive');
    expect(inf.reason).toBe('incumbent has non-finite values (2 of 32)');
  });

  it('is inconclusive when finite values overflow the means', () => {
    const r = compareSamples([1e308, 1.5e308], [-1e308, -1.2e308], MAX);
    expect(r.verdict).toBe('inconclusive');
    expect(r.interval).toBeNull();
    expect(r.reason).toBe('the means overflow double precision');
  });
});

describe('when both samples are constant', () => {
  it('is inconclusive with a zero-width interval at 0 when the constants are equal', () => {
    for (const c of [5, 0.1, -3.7e-5]) {
      for (const method of ['percentile', 'bca'] as const) {
        const r = compareSamples(Array(8).fill(c), Array(6).fill(c), { ...MAX, method });
        expect(r.verdict).toBe('inconclusive');
        expect(r.interval).toEqual([0, 0]);
        expect(r.delta).toBe(0);
        expect(r.welch).toBeNull();
        expect(r.candidate.sd).toBe(0);
        expect(r.reason).toBe('both samples are constant and equal');
        expect(r.method).toBe(method === 'bca' ? 'bootstrap-bca' : 'bootstrap-percentile'); // ties: ẑ₀ = 0, â = 0
      }
    }
  });

  it('decides by the sign of the difference when the constants differ (no variability at all)', () => {
    const up = compareSamples(Array(8).fill(0.3), Array(8).fill(0.1), MAX);
    expect(up.verdict).toBe('improved');
    expect(compareSamples(Array(8).fill(0.3), Array(8).fill(0.1), { ...MAX, method: 'bca' })).toMatchObject({
      verdict: 'improved',
      method: 'bootstrap-bca',
    });
    expect(up.interval![0]).toBeCloseTo(0.2, 12);
    expect(up.interval![1]).toBeCloseTo(0.2, 12);
    expect(up.welch).toBeNull();
    expect(compareSamples(Array(8).fill(0.3), Array(8).fill(0.1), MIN).verdict).toBe('regressed');
    expect(compareSamples(Array(8).fill(480), Array(8).fill(500), MAX)).toMatchObject({
      verdict: 'regressed',
      interval: [-20, -20],
    });
  });

  it('treats one constant side like any other sample', () => {
    const [a] = normalPair(12, 0, 32);
    const r = compareSamples(a, Array(32).fill(60), MAX);
    expect(r.verdict).toBe('improved');
    expect(r.welch).not.toBeNull();
    expect(r.welch!.df).toBeCloseTo(31, 9); // all the variance is on one side: df = n − 1
  });
});

describe('when the options are invalid', () => {
  const [a, b] = normalPair(13);
  it.each([
    [{ seed: -1 }, /seed/],
    [{ seed: 2 ** 32 }, /seed/],
    [{ seed: 1.5 }, /seed/],
    [{ seed: Number.NaN }, /seed/],
    [{ resamples: MIN_RESAMPLES - 1 }, /resamples/],
    [{ resamples: 10_000.5 }, /resamples/],
    [{ alpha: 0 }, /alpha/],
    [{ alpha: 0.51 }, /alpha/],
    [{ alpha: Number.NaN }, /alpha/],
    [{ sidedness: 'both' as never }, /sidedness/],
    [{ method: 'bc' as never }, /method/],
    [{ direction: 'up' as never }, /direction/],
  ])('throws a RangeError for %o', (override, message) => {
    expect(() => compareSamples(a, b, { ...MAX, ...override })).toThrow(RangeError);
    expect(() => compareSamples(a, b, { ...MAX, ...override })).toThrow(message);
  });
});

describe('when a result is stored in the event log', () => {
  it('survives JSON unchanged (no NaN, no Infinity, no undefined)', () => {
    const [a, b] = normalPair(14, 10);
    const cases: Comparison[] = [
      compareSamples(a, b, MAX),
      compareSamples(a, b, MIN),
      compareSamples([1], b, MAX),
      compareSamples([], [], MAX),
      compareSamples([Number.NaN, 1], b, MAX),
      compareSamples([2, 2], [2, 2], MAX),
      compareSamples([3, 3], [2, 2], MAX),
      compareSamples([1e308, 1.5e308], [-1e308, -1.2e308], MAX),
    ];
    for (const r of cases) expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});

describe('when the Welch cross-check is computed', () => {
  it('matches a reference implementation (scipy.stats.ttest_ind, equal_var=False)', () => {
    const x = [12.1, 15.3, 9.8, 14.2, 11.7, 13.9, 10.4, 16.8, 12.6, 14.9];
    const y = [10.2, 9.1, 11.8, 8.7, 12.3, 9.9, 10.6, 7.4];
    const w = welchTest(x, y)!;
    expect(w.t).toBeCloseTo(3.490972076822287, 10);
    expect(w.df).toBeCloseTo(15.87872675008109, 10);
    expect(w.p).toBeCloseTo(0.0030501443699127487, 10);
    expect(compareSamples(x, y, MAX).welch).toEqual(w);
    const flipped = compareSamples(x, y, MIN).welch!;
    expect(flipped.t).toBeCloseTo(-w.t, 12);
    expect(flipped.p).toBeCloseTo(w.p, 12);
  });

  it('is null where the test is undefined', () => {
    expect(welchTest([1], [1, 2])).toBeNull();
    expect(welchTest([1, 2], [Number.NaN, 2])).toBeNull();
    expect(welchTest([1, 1], [2, 2])).toBeNull();
  });
});

describe('when the BCa interval is computed', () => {
  it('uses the two-sample jackknife acceleration', () => {
    const s = createSampler(15);
    const x = Float64Array.from(s.lognormals(12));
    const y = Float64Array.from(s.exponentials(9));
    // Brute force: delete-one jackknife of each sample, U = (n − 1)(θ̄₍.₎ − θ₍ᵢ₎), per-sample scaling.
    const jack = (xs: Float64Array, sign: number): number[] => {
      const n = xs.length;
      const total = xs.reduce((s1, v) => s1 + v, 0);
      const loo = Array.from(xs, (v) => (sign * (total - v)) / (n - 1));
      const avg = loo.reduce((s1, v) => s1 + v, 0) / n;
      return loo.map((t) => (n - 1) * (avg - t));
    };
    const ux = jack(x, 1);
    const uy = jack(y, -1);
    const sum = (us: number[], p: number, n: number): number => us.reduce((s1, u) => s1 + u ** p, 0) / n ** p;
    const expected = (sum(ux, 3, x.length) + sum(uy, 3, y.length)) / (6 * (sum(ux, 2, x.length) + sum(uy, 2, y.length)) ** 1.5);
    expect(meanDifferenceAcceleration(x, y)).toBeCloseTo(expected, 12);
    expect(meanDifferenceAcceleration(x, y)).toBeGreaterThan(0); // right-skewed candidate
    expect(meanDifferenceAcceleration(Float64Array.from([2, 2]), Float64Array.from([1, 1]))).toBe(0);
  });

  it('agrees with scipy.stats.bootstrap(method="BCa") on skewed data, up to Monte Carlo error', () => {
    const s = createSampler(99);
    for (let skip = 0; skip < 2; skip++) s.lognormals(64);
    const a = s.lognormals(32);
    const b = s.lognormals(32);
    const r = compareSamples(a, b, { ...MAX, seed: 2, method: 'bca', resamples: 200_000 });
    expect(r.method).toBe('bootstrap-bca');
    // scipy 1.17: mean of 4 runs with 500,000 resamples each (sd 0.001 and 0.003).
    expect(r.interval![0]).toBeCloseTo(0.38565, 2);
    expect(r.interval![1]).toBeCloseTo(2.31129, 2);
    const pct = compareSamples(a, b, { ...MAX, seed: 2, resamples: 200_000 });
    expect(pct.interval![0]).toBeLessThan(r.interval![0] - 0.05); // BCa moved it: the test is not vacuous
  });

  it('shifts the interval towards the long tail of a skewed candidate, compared with the percentile one', () => {
    const s = createSampler(16);
    const a = s.lognormals(32, 0, 1.2);
    const b = s.normals(32, 1, 0.2);
    const bca = compareSamples(a, b, { ...MAX, method: 'bca' });
    const pct = compareSamples(a, b, MAX);
    expect(bca.method).toBe('bootstrap-bca');
    expect(bca.interval![0]).toBeGreaterThan(pct.interval![0]);
    expect(bca.interval![1]).toBeGreaterThan(pct.interval![1]);
  });

  it('reduces to the percentile interval when there is no bias and no acceleration', () => {
    const sorted = Float64Array.from({ length: 1001 }, (_, i) => i / 1000 - 0.5);
    const bca = bootstrapInterval(sorted, 0, 0, 0.025, 0.975, 'bca');
    const pct = bootstrapInterval(sorted, 0, 0, 0.025, 0.975, 'percentile');
    expect(bca.method).toBe('bca');
    expect(bca.z0).toBe(0);
    expect(bca.lo).toBeCloseTo(pct.lo, 12);
    expect(bca.hi).toBeCloseTo(pct.hi, 12);
    expect(pct.lo).toBeCloseTo(-0.475, 12);
  });

  it('falls back to the percentile interval, and says so, when the estimate lies outside every replicate', () => {
    const sorted = Float64Array.from([1, 2, 3, 4]);
    const r = bootstrapInterval(sorted, 10, 0, 0.025, 0.975, 'bca');
    expect(r.method).toBe('percentile');
    expect(r.lo).toBeCloseTo(1.075, 12);
  });
});

describe('when timing one comparison of 32 vs 32 values with B = 10,000', () => {
  it('takes about 10 ms (well under 50 ms even on a loaded machine)', () => {
    const [a, b] = normalPair(17, 10);
    for (let i = 0; i < 5; i++) compareSamples(a, b, { ...MAX, seed: i }); // warm up
    const runs = 20;
    const start = performance.now();
    for (let i = 0; i < runs; i++) compareSamples(a, b, { ...MAX, seed: i });
    const perComparison = (performance.now() - start) / runs;
    expect(perComparison).toBeLessThan(50);
  });
});
