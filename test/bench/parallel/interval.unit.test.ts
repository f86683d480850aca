import { describe, expect, it } from 'vitest';
import { ratioInterval, type ObjectiveRegret } from '../../../bench/parallel/interval.js';
import type { ParallelSummary } from '../../../bench/parallel/report.js';
import type { ParallelRun } from '../../../bench/parallel/sim.js';

const MIN: ObjectiveRegret = { optimum: 0, direction: 'minimize' };
const OPTIONS = { ref: 1, k: 4, budget: 3, seed: 7, resamples: 500, level: 0.95, target: 1.3 };

/** A summary whose seed i ended on best `ref[i]` with one worker and `k4[i]` with four (only the runs are read). */
function summary(ref: number[], k4: number[], direction: ObjectiveRegret['direction'] = 'minimize'): ParallelSummary {
  // The best of three values, the others worse in the direction asked.
  const s = direction === 'minimize' ? 1 : -1;
  const runs = (bests: number[]) => bests.map((b) => ({ values: [b + s, b, b + 2 * s] }) as unknown as ParallelRun);
  return { name: 'f', runs: { 1: runs(ref), 4: runs(k4) } } as unknown as ParallelSummary;
}

describe('the paired bootstrap interval of bench:parallel’s ratio', () => {
  it('keeps seeds paired: four workers exactly twice as far from the optimum on every seed is [2x, 2x], however the seeds differ', () => {
    const ref = [0.1, 5, 0.3, 40, 2, 0.01, 9, 1, 3, 0.7];
    const i = ratioInterval(
      [
        summary(
          ref,
          ref.map((x) => 2 * x),
        ),
      ],
      [MIN],
      OPTIONS,
    );
    expect(i.lo).toBeCloseTo(2, 12);
    expect(i.hi).toBeCloseTo(2, 12);
    expect(i.atMostTarget).toBe(0);
  });

  it('is [1x, 1x] with every resample at most the target when both numbers of workers end alike', () => {
    const ref = [1, 2, 3, 4, 5];
    expect(ratioInterval([summary(ref, ref), summary([7, 8, 9, 10, 11], [7, 8, 9, 10, 11])], [MIN, MIN], OPTIONS)).toMatchObject({ lo: 1, hi: 1, atMostTarget: 1 });
  });

  it('spreads around the point ratio when seeds disagree, reads regret from the optimum, and repeats for the same seed only', () => {
    const ref = [1, 3, 2, 5, 4, 8, 6, 7, 10, 9];
    const k4 = [2, 1, 6, 4, 9, 5, 8, 12, 7, 11];
    const maximize: ObjectiveRegret = { optimum: 20, direction: 'maximize' };
    // Maximized towards 20, a best of 20 - x is x away: median regrets 6.5 and 5.5.
    const asMax = (xs: number[]) => xs.map((x) => 20 - x);
    const of = (seed: number) => ratioInterval([summary(asMax(ref), asMax(k4), 'maximize')], [maximize], { ...OPTIONS, seed });
    const a = of(7);
    const point = 6.5 / 5.5;
    expect(a.lo).toBeLessThan(point);
    expect(a.hi).toBeGreaterThan(point);
    expect(a.atMostTarget).toBeGreaterThan(0);
    expect(a.atMostTarget).toBeLessThan(1);
    expect(a.lo).toBeGreaterThan(0.3);
    expect(a.hi).toBeLessThan(4);
    expect(of(7)).toEqual(a);
    expect(of(8)).not.toEqual(a);
  });
});
