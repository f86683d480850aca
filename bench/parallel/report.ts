/**
 * The numbers of bench:parallel (issue 18 b): per test function, the median over bench seeds of the
 * regret after the budget at each number of workers (as bench:proposers' core suite reports regret:
 * |median best − optimum|), its ratio to one worker, and the geometric mean of those ratios against
 * the target.
 */
import type { Objective } from '../objectives/objective.js';
import { bestSoFar, fmt, median } from '../proposers/report.js';
import { simulateParallel, type ParallelRun } from './sim.js';

/** Issue 18's target: regret with 4 workers at most 1.3x that with one. */
export const TARGET = 1.3;

/** One test function at every number of workers. */
export interface ParallelSummary {
  name: string;
  /** Per number of workers: median regret over seeds after the budget. */
  regret: Record<number, number>;
  /** Per number of workers: its median regret / one worker's (1 when both are 0). */
  ratio: Record<number, number>;
  /** Seeds where the most workers ended strictly better / strictly worse than one worker. */
  better: number;
  worse: number;
  /** Per number of workers: median simulated time to the budget. */
  makespan: Record<number, number>;
  /** Validator rejections over every run (the built-in's must stay 0). */
  rejected: number;
  /** Per number of workers: each seed's run, in seed order. */
  runs: Record<number, ParallelRun[]>;
}

/** Lower-is-better ratio of `ours` to `theirs`, as bench:proposers' summaries take it (0 / 0 is a tie). */
export function ratioOf(ours: number, theirs: number): number {
  return theirs === 0 ? (ours === 0 ? 1 : Infinity) : ours / theirs;
}

/** Geometric mean of positive ratios (Infinity if any is). */
export function geometricMean(xs: readonly number[]): number {
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

/** Runs `objective` on every seed at every number of workers in `ks` (the first is the reference, 1) and summarizes it. */
export async function summarizeParallel(objective: Objective, seeds: readonly number[], budget: number, ks: readonly number[]): Promise<ParallelSummary> {
  const runs: Record<number, ParallelRun[]> = {};
  for (const k of ks) runs[k] = await Promise.all(seeds.map((seed) => simulateParallel(objective, seed, budget, k)));
  const best = (k: number) => (runs[k] ?? []).map((r) => bestSoFar(r.values, budget, objective.direction));
  const show = (b: number) => (objective.optimum === null ? b : Math.abs(b - objective.optimum));
  const regret = Object.fromEntries(ks.map((k) => [k, show(median(best(k)))]));
  const ref = ks[0] as number;
  const most = Math.max(...ks);
  const sign = objective.direction === 'maximize' ? -1 : 1;
  const diffs = best(most).map((b, i) => sign * (b - (best(ref)[i] as number)));
  return {
    name: objective.name,
    regret,
    ratio: Object.fromEntries(ks.map((k) => [k, ratioOf(regret[k] as number, regret[ref] as number)])),
    better: diffs.filter((d) => d < 0).length,
    worse: diffs.filter((d) => d > 0).length,
    makespan: Object.fromEntries(ks.map((k) => [k, median((runs[k] ?? []).map((r) => r.makespan))])),
    rejected: ks.reduce((n, k) => n + (runs[k] ?? []).reduce((s, r) => s + r.rejected, 0), 0),
    runs,
  };
}

/** The overall ratio per number of workers: the geometric mean over functions of their ratios. */
export function overall(summaries: readonly ParallelSummary[], ks: readonly number[]): Record<number, number> {
  return Object.fromEntries(ks.map((k) => [k, geometricMean(summaries.map((s) => s.ratio[k] as number))]));
}

/** The markdown table: one row per function. */
export function parallelTable(summaries: readonly ParallelSummary[], ks: readonly number[]): string {
  const others = ks.slice(1);
  const most = Math.max(...ks);
  const head = `| function | median regret k = ${ks.join(' / ')} | ${others.map((k) => `k=${k} / k=1`).join(' | ')} | seeds k=${most} better / worse than k=1 | median makespan k = ${ks.join(' / ')} |`;
  const rows = summaries.map(
    (s) =>
      `| ${s.name} | ${ks.map((k) => fmt(s.regret[k] as number)).join(' / ')} | ${others.map((k) => `${(s.ratio[k] as number).toFixed(2)}x`).join(' | ')} | ` +
      `${s.better} / ${s.worse} | ${ks.map((k) => (s.makespan[k] as number).toFixed(1)).join(' / ')} |`,
  );
  return [head, `|${' --- |'.repeat(4 + others.length)}`, ...rows].join('\n');
}
