/**
 * The paired comparison of two checkpoints evaluated on the same seeds: a seeded bootstrap of the
 * mean of the per-seed differences, with its percentile interval. Pairing removes what the seeds
 * share (an easy start is easy for both), so for the same episodes it detects smaller differences
 * than the two-sample comparison of `compare.ts`. Pure: no I/O, no clock, no global state.
 */
import { quantileSorted } from 'simple-statistics';
import { createIndexDraw, seedFromString } from '../rng.js';
import { DEFAULT_ALPHA, MAX_RESAMPLES, MIN_RESAMPLES, type Direction } from './compare.js';
import type { Verdict } from './verdict.js';

/** Options of {@link pairedBootstrap}. */
export interface PairedOptions {
  /** Which way the metric is better: sets the orientation of `delta` and `interval`. */
  direction: Direction;
  /** Seed of the resampling, an integer in [0, 2³²); recorded in the result. */
  seed: number;
  /** Bootstrap resamples, in [{@link MIN_RESAMPLES}, {@link MAX_RESAMPLES}]; default 10,000. */
  resamples?: number;
  /** Significance level in (0, 0.5]; the interval is two-sided at 1 − alpha. Default 0.05. */
  alpha?: number;
}

/** The result of {@link pairedBootstrap}: plain JSON data, the same for the same inputs and options. */
export interface PairedComparison {
  /** `improved` when the whole interval is above 0, `regressed` when below, else `inconclusive`. */
  verdict: Verdict;
  method: 'paired-bootstrap-percentile';
  direction: Direction;
  alpha: number;
  /** Two-sided coverage of the interval, `1 − alpha`. */
  level: number;
  resamples: number;
  seed: number;
  /** Pairs compared. */
  n: number;
  /** Means of each side, in the metric's units and sign (null: no finite mean). */
  candidateMean: number | null;
  baselineMean: number | null;
  /** Mean of the per-seed differences in the better orientation (positive: candidate better). */
  delta: number | null;
  /** Sample standard deviation of the per-seed differences (null below 2 pairs). */
  sdDifference: number | null;
  /** Percentile interval of `delta` (`lo <= hi`); null when it cannot be computed (see `reason`). */
  interval: [number, number] | null;
  /** Why the verdict is inconclusive; present exactly when it is. */
  reason?: string;
}

/** The resampling seed of evaluation `id`: `seedFromString('paired:' + id)`, stable everywhere. */
export function pairedSeed(id: string): number {
  return seedFromString(`paired:${id}`);
}

/**
 * `resamples` replicates of the mean of `d*`, drawn with replacement from `d` (per replicate,
 * `d.length` indices from `createIndexDraw(seed)`), in draw order.
 */
export function resamplePairedMeans(d: Float64Array, resamples: number, seed: number): Float64Array {
  const n = d.length;
  if (n === 0) throw new RangeError('the differences must be non-empty');
  const draw = createIndexDraw(seed);
  const out = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[draw(n)]!;
    out[b] = s / n;
  }
  return out;
}

/**
 * Compares `candidate[i]` with `baseline[i]` (the same seed's episode on both sides) by a seeded
 * bootstrap of the mean per-seed difference, in the better orientation (`candidate − baseline` to
 * maximize, `baseline − candidate` to minimize): `improved` when its `1 − alpha` percentile
 * interval lies above 0, `regressed` below, `inconclusive` otherwise or with fewer than 2 pairs or
 * a non-finite value (with the reason). Every difference equal: the interval is that point.
 * @throws RangeError when the sides differ in length, or for an invalid seed, resamples, alpha or direction
 */
export function pairedBootstrap(candidate: readonly number[], baseline: readonly number[], options: PairedOptions): PairedComparison {
  const resamples = options.resamples ?? MIN_RESAMPLES;
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  validate(candidate, baseline, options, resamples, alpha);
  const n = candidate.length;
  const sign = options.direction === 'maximize' ? 1 : -1;
  const base = { method: 'paired-bootstrap-percentile' as const, direction: options.direction, alpha, level: 1 - alpha, resamples, seed: options.seed, n };
  const finite = candidate.every(Number.isFinite) && baseline.every(Number.isFinite);
  const means = { candidateMean: finite && n > 0 ? mean(candidate) : null, baselineMean: finite && n > 0 ? mean(baseline) : null };
  if (!finite || n < 2) {
    const reason = !finite ? 'a value is not a finite number' : `fewer than 2 pairs (n=${n})`;
    return { verdict: 'inconclusive', ...base, ...means, delta: null, sdDifference: null, interval: null, reason };
  }
  const d = Float64Array.from(candidate, (c, i) => sign * (c - baseline[i]!));
  const delta = mean(d);
  const sdDifference = sd(d, delta);
  const constant = d.every((v) => v === d[0]);
  const sorted = constant ? null : Array.from(resamplePairedMeans(d, resamples, options.seed).sort());
  const interval: [number, number] = sorted ? [quantileSorted(sorted, alpha / 2), quantileSorted(sorted, 1 - alpha / 2)] : [d[0]!, d[0]!];
  const verdict: Verdict = interval[0] > 0 ? 'improved' : interval[1] < 0 ? 'regressed' : 'inconclusive';
  const result: PairedComparison = { verdict, ...base, ...means, delta, sdDifference, interval };
  if (verdict === 'inconclusive') result.reason = constant ? 'every pair is equal' : `the ${Number(((1 - alpha) * 100).toPrecision(6))}% interval contains 0`;
  return result;
}

function validate(candidate: readonly number[], baseline: readonly number[], o: PairedOptions, resamples: number, alpha: number): void {
  if (candidate.length !== baseline.length) throw new RangeError(`paired samples must have one value per seed on both sides, got ${candidate.length} and ${baseline.length}`);
  if (o.direction !== 'maximize' && o.direction !== 'minimize') throw new RangeError(`direction must be 'maximize' or 'minimize', got ${String(o.direction)}`);
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) throw new RangeError(`seed must be an integer in [0, 2^32), got ${o.seed}`);
  if (!Number.isInteger(resamples) || resamples < MIN_RESAMPLES || resamples > MAX_RESAMPLES) {
    throw new RangeError(`resamples must be an integer in [${MIN_RESAMPLES}, ${MAX_RESAMPLES}], got ${resamples}`);
  }
  if (!(alpha > 0 && alpha <= 0.5)) throw new RangeError(`alpha must be in (0, 0.5], got ${alpha}`);
}

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

function sd(xs: Float64Array, m: number): number {
  let ss = 0;
  for (const x of xs) ss += (x - m) ** 2;
  return Math.sqrt(ss / (xs.length - 1));
}
