/**
 * How precisely bench:parallel's (b) ratio is known from the seeds it ran: a paired percentile
 * bootstrap over bench seeds. Each resample draws seeds with replacement, the same draw for every
 * number of workers and every function (the seeds pair up: k = 1 and k = 4 share proposal seeds),
 * and recomputes the statistic the target is read on (per function, median regret at k over median
 * regret at 1; then their geometric mean). Pure; its seed is printed with it.
 */
import { createRng } from '../../domain/rng.js';
import { bestSoFar, median } from '../proposers/report.js';
import { geometricMean, ratioOf, type ParallelSummary } from './report.js';

/** The interval and what makes it reproducible. */
export interface RatioInterval {
  lo: number;
  hi: number;
  /** Share of resamples whose ratio is at most the target. */
  atMostTarget: number;
  seed: number;
  resamples: number;
  level: number;
}

/** What each summary needs beside its runs: how its regret is read. */
export interface ObjectiveRegret {
  optimum: number | null;
  direction: 'minimize' | 'maximize';
}

/** The `level` percentile bootstrap interval of the k / ref ratio over the summaries' seeds. */
export function ratioInterval(
  summaries: readonly ParallelSummary[],
  objectives: readonly ObjectiveRegret[],
  o: { ref: number; k: number; budget: number; seed: number; resamples: number; level: number; target: number },
): RatioInterval {
  // Each seed's best value after the budget, per function and number of workers.
  const bests = summaries.map((s, i) => {
    const obj = objectives[i] as ObjectiveRegret;
    const of = (k: number) => (s.runs[k] ?? []).map((r) => bestSoFar(r.values, o.budget, obj.direction));
    return { ref: of(o.ref), k: of(o.k), optimum: obj.optimum };
  });
  const n = bests[0]?.ref.length ?? 0;
  if (n === 0) throw new Error('ratioInterval: no seeds');
  const rng = createRng(o.seed);
  const stats: number[] = [];
  for (let b = 0; b < o.resamples; b++) {
    const pick = Array.from({ length: n }, () => Math.floor(rng() * n));
    const ratios = bests.map(({ ref, k, optimum }) => {
      const regret = (xs: number[]) => {
        const m = median(pick.map((j) => xs[j] as number));
        return optimum === null ? m : Math.abs(m - optimum);
      };
      return ratioOf(regret(k), regret(ref));
    });
    stats.push(geometricMean(ratios));
  }
  stats.sort((a, b) => a - b);
  const at = (q: number) => stats[Math.min(stats.length - 1, Math.max(0, Math.floor(q * stats.length)))] as number;
  const tail = (1 - o.level) / 2;
  return {
    lo: at(tail),
    hi: at(1 - tail),
    atMostTarget: stats.filter((x) => x <= o.target).length / stats.length,
    seed: o.seed,
    resamples: o.resamples,
    level: o.level,
  };
}
