/** Seeded samplers for the statistics tests (data generation only; the code under test never uses them). */
import { createRng } from '../../../domain/rng.js';

/** A seeded source of draws from a few distributions, on `createRng` (mulberry32). */
export interface Sampler {
  /** Standard normal N(0, 1), by Box–Muller (both values of each pair are used). */
  normal(): number;
  /** `n` draws of N(mean, sd²). */
  normals(n: number, mean?: number, sd?: number): number[];
  /** `n` draws of exp(N(mu, sigma²)) (lognormal: right-skewed, skewness ≈ 6.2 for sigma = 1). */
  lognormals(n: number, mu?: number, sigma?: number): number[];
  /** `n` draws of an exponential with the given mean (skewness 2). */
  exponentials(n: number, mean?: number): number[];
}

/** A sampler whose every draw is fixed by `seed`. */
export function createSampler(seed: number): Sampler {
  const rng = createRng(seed);
  let spare: number | null = null;
  const normal = (): number => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    const u1 = 1 - rng(); // (0, 1]: log is finite
    const u2 = rng();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
  return {
    normal,
    normals: (n, mean = 0, sd = 1) => Array.from({ length: n }, () => mean + sd * normal()),
    lognormals: (n, mu = 0, sigma = 1) => Array.from({ length: n }, () => Math.exp(mu + sigma * normal())),
    exponentials: (n, mean = 1) => Array.from({ length: n }, () => -mean * Math.log(1 - rng())),
  };
}

/** How often each verdict came out of a series of comparisons. */
export interface Tally {
  count: number;
  improved: number;
  regressed: number;
  /** Welch's two-sided test at the same alpha, in the better orientation: t > 0 and p < alpha. */
  welchImproved: number;
}

/**
 * Runs `count` comparisons of fresh (candidate, incumbent) samples from `generate`, each with the
 * bootstrap seed the loop would give run `001`, `002`, …, and counts the verdicts.
 */
export function tally(
  count: number,
  generate: () => [number[], number[]],
  compare: (
    candidate: number[],
    incumbent: number[],
    runId: string,
  ) => {
    verdict: string;
    alpha: number;
    welch: { t: number; p: number } | null;
  },
): Tally {
  const out: Tally = { count, improved: 0, regressed: 0, welchImproved: 0 };
  for (let k = 1; k <= count; k++) {
    const [candidate, incumbent] = generate();
    const r = compare(candidate, incumbent, String(k).padStart(3, '0'));
    if (r.verdict === 'improved') out.improved++;
    if (r.verdict === 'regressed') out.regressed++;
    if (r.welch && r.welch.t > 0 && r.welch.p < r.alpha) out.welchImproved++;
  }
  return out;
}
