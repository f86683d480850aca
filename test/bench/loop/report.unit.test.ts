import { describe, expect, it } from 'vitest';
import { bestSoFarRegret, distinctValues, summarizeLoop } from '../../../bench/loop/report.js';
import type { LoopRun } from '../../../bench/loop/results.js';

const run = (runId: string, lr: number, sample: number[] | null, regret: number, kind: LoopRun['kind'] = 'proposal', activation = 'relu'): LoopRun => ({
  runId,
  kind,
  config: { 'train.learning_rate': lr, 'model.activation': activation },
  sample,
  regret,
});

describe('when the loop suite picks the best config so far', () => {
  it('takes the best pooled observed mean and reports its true regret', () => {
    const runs = [run('001', 1, [0, 0], 3, 'baseline'), run('002', 2, [1, 1], 1), run('003', 2, [-3, -3], 1, 'replicate'), run('004', 3, [-1], 0.5)];
    expect(bestSoFarRegret(runs, 1)).toBe(3);
    // Run 002 alone looks best...
    expect(bestSoFarRegret(runs, 2)).toBe(1);
    // ...until its replicate pools it down to -1, below the baseline's 0.
    expect(bestSoFarRegret(runs, 3)).toBe(3);
    expect(bestSoFarRegret(runs, 4)).toBe(3);
  });

  it('pools by config whatever the run kind, skips failed runs, and keeps the earlier config on a tie', () => {
    const runs = [run('001', 1, null, 9, 'baseline'), run('002', 2, [1], 2), run('003', 3, [1], 1), run('004', 3, [2], 1, 'rerun')];
    expect(bestSoFarRegret(runs.slice(0, 1), 1)).toBe(Infinity);
    expect(bestSoFarRegret(runs, 3)).toBe(2);
    expect(bestSoFarRegret(runs, 4)).toBe(1);
    // A different activation is a different config.
    expect(bestSoFarRegret([run('001', 1, [0], 3), run('002', 1, [1], 2, 'proposal', 'tanh')], 2)).toBe(2);
  });

  it('counts the distinct values a key took in the last runs', () => {
    const runs = Array.from({ length: 30 }, (_, i) => run(String(i + 1), i < 10 ? i : 100 + (i % 3), [0], 0));
    expect(distinctValues(runs, 'train.learning_rate')).toBe(3);
    expect(distinctValues(runs, 'train.learning_rate', 25)).toBe(8);
    expect(distinctValues(runs, 'model.activation')).toBe(1);
  });

  it('summarizes seeds: medians at the checkpoints, wins, replicates and the two targets', () => {
    const session = (regrets: number[]) => regrets.map((r, i) => run(String(i + 1), i, [-r], r, i === 1 ? 'replicate' : 'proposal'));
    const s = summarizeLoop(
      'toy',
      {
        builtin: { runs: [session([3, 2, 1]), session([3, 3, 0.5])], rejected: [0, 0] },
        optuna: { runs: [session([3, 1, 1]), session([3, 3, 3])], rejected: [1, 0] },
        random: { runs: [session([3, 3, 3, 3, 2, 2]), session([3, 3, 3, 1, 3, 3])], rejected: [0, 0] },
      },
      [1, 3],
      6,
    );
    expect(s.medians.builtin).toEqual([3, 0.75]);
    expect(s.medians.optuna).toEqual([3, 2]);
    expect(s.randomLong.median).toBe(1.5);
    expect([s.wins, s.losses]).toEqual([1, 0]);
    expect(s.replicates.builtin).toEqual({ median: 1, min: 1, max: 1 });
    expect(s.rejected.optuna).toBe(1);
    expect(s.atLeastOptuna).toBe(true);
    expect(s.beatsLongRandom).toBe(true);
  });
});
