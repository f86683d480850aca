import { describe, expect, it } from 'vitest';
import { testFunctions } from '../../bench/objectives/functions.js';
import { DURATION, simulateParallel, type ParallelRun } from '../../bench/parallel/sim.js';
import { geometricMean, overall, parallelTable, summarizeParallel } from '../../bench/parallel/report.js';
import { runBuiltin } from '../../bench/proposers/methods.js';
import type { Scalar } from '../../domain/config/config.js';
import { proposeTpe, type Observation } from '../../domain/proposers/tpe.js';

const [branin] = testFunctions();
if (branin === undefined) throw new Error('bench:proposers has no test functions');
const BUDGET = 8;
const SEEDS = [0, 1];

/** Indices of the trials in flight when `t` was dispatched, from the recorded times alone (started before it, not yet ended). */
function inFlightAt(run: ParallelRun, index: number): number[] {
  const t = run.trials[index];
  if (t === undefined) throw new Error(`no trial ${index}`);
  return run.trials.filter((o) => o.index < index && o.end > t.start).map((o) => o.index);
}

describe('bench:parallel’s schedule with 4 workers', () => {
  it('gets results back out of order, and the history holds only what completed before each proposal', async () => {
    for (const seed of SEEDS) {
      const run = await simulateParallel(branin, seed, BUDGET, 4);
      expect(run.completed).toHaveLength(BUDGET);
      expect([...run.completed].sort((a, b) => a - b)).toEqual(run.trials.map((t) => t.index));
      expect(run.completed).not.toEqual(run.trials.map((t) => t.index));
      for (const t of run.trials) {
        expect(t.end - t.start).toBeGreaterThanOrEqual(DURATION.min);
        expect(t.end - t.start).toBeLessThanOrEqual(DURATION.max);
        expect(t.history).toEqual(run.completed.filter((i) => (run.trials[i]?.end ?? Infinity) <= t.start));
      }
      expect(run.values).toEqual(run.completed.map((i) => run.trials[i]?.value));
    }
  });

  it('makes every proposal after the first with the other configs in flight as pending, 4 at a time at most', async () => {
    for (const seed of SEEDS) {
      const run = await simulateParallel(branin, seed, BUDGET, 4);
      expect(run.trials[0]?.pending).toEqual([]);
      for (const t of run.trials.slice(1)) {
        expect(t.pending).toEqual(inFlightAt(run, t.index));
        // Up to the budget's tail, a proposal is made only when a worker frees: the other three are busy.
        expect(t.pending).toHaveLength(Math.min(t.index, 3));
      }
      // The four first start at once on four workers; later ones reuse the worker that freed.
      expect(run.trials.slice(0, 4).map((t) => [t.start, t.worker])).toEqual([
        [0, 0],
        [0, 1],
        [0, 2],
        [0, 3],
      ]);
      for (const t of run.trials.slice(4)) expect(run.trials.some((o) => o.end === t.start && o.worker === t.worker)).toBe(true);
    }
  });

  it('proposes what the TPE proposes from the recorded history and pending configs, and the pending ones change its proposals', async () => {
    const seed = 3;
    const run = await simulateParallel(branin, seed, 16, 4);
    const config = (i: number) => run.trials[i]?.config ?? {};
    const observation = (i: number): Observation => ({ runId: String(i + 1).padStart(3, '0'), overrides: config(i), value: run.trials[i]?.value ?? null });
    let changed = 0;
    for (const t of run.trials) {
      const ask = (pending: Array<Record<string, Scalar>>) =>
        proposeTpe(branin.policy, t.history.map(observation), { seed: seed * 7_919 + t.index, direction: 'minimize', base: branin.base, pending })[0]?.overrides;
      expect(ask(t.pending.map(config))).toEqual(t.config);
      if (JSON.stringify(ask([])) !== JSON.stringify(t.config)) changed++;
    }
    // The model proposals (after 5 completed evaluations) see the liars; the random start does not.
    expect(run.trials.filter((t) => t.history.length >= 5).length).toBeGreaterThan(3);
    expect(changed).toBeGreaterThan(0);
  });

  it('gives the same result twice for the same seed, and another for another seed', async () => {
    const a = await simulateParallel(branin, 0, BUDGET, 4);
    expect(await simulateParallel(branin, 0, BUDGET, 4)).toEqual(a);
    expect((await simulateParallel(branin, 1, BUDGET, 4)).values).not.toEqual(a.values);
  });
});

describe('bench:parallel with one worker', () => {
  it('is bench:proposers’ sequential built-in: the same values in order, nothing pending, every earlier run in the history', async () => {
    for (const seed of SEEDS) {
      const run = await simulateParallel(branin, seed, BUDGET, 1);
      const sequential = await runBuiltin(branin, seed, BUDGET);
      expect(run.values).toEqual(sequential.values);
      expect(new Set(run.values).size).toBe(BUDGET);
      expect(run.completed).toEqual(run.trials.map((t) => t.index));
      for (const t of run.trials) expect([t.pending, t.history]).toEqual([[], run.trials.slice(0, t.index).map((o) => o.index)]);
    }
  });
});

describe('bench:parallel’s report', () => {
  it('compares each number of workers with one on the same seeds, as median regrets and their ratios', async () => {
    const s = await summarizeParallel(branin, SEEDS, BUDGET, [1, 4]);
    const regret = (k: number) => {
      const bests = (s.runs[k] ?? []).map((r) => Math.min(...r.values.map((v) => v ?? Infinity)));
      return Math.abs(((bests[0] as number) + (bests[1] as number)) / 2 - (branin.optimum as number));
    };
    expect(s.regret[1]).toBeCloseTo(regret(1), 12);
    expect(s.regret[4]).toBeCloseTo(regret(4), 12);
    expect(s.ratio[4]).toBeCloseTo((s.regret[4] as number) / (s.regret[1] as number), 12);
    expect(s.ratio[1]).toBe(1);
    expect(s.better + s.worse).toBeLessThanOrEqual(SEEDS.length);
    expect(s.makespan[4] as number).toBeLessThan(s.makespan[1] as number);
    expect(s.rejected).toBe(0);
    expect(overall([s, { ...s, ratio: { 1: 1, 4: 4 } }], [1, 4])[4]).toBeCloseTo(Math.sqrt((s.ratio[4] as number) * 4), 12);
    expect(parallelTable([s], [1, 4]).split('\n')[2]).toMatch(/^\| branin \| .+ \| \d+\.\d\dx \| \d \/ \d \| [\d.]+ \/ [\d.]+ \|$/);
  });

  it('takes the geometric mean of the ratios', () => {
    expect(geometricMean([1, 4])).toBeCloseTo(2, 12);
    expect(geometricMean([2, 2, 2])).toBeCloseTo(2, 12);
  });
});
