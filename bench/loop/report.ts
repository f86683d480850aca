/**
 * The numbers of the through-the-loop suite: the best-so-far config by pooled observed mean and
 * its true regret, how many values each discrete key took late in a session, and the summary of
 * one objective over bench seeds and methods.
 */
import type { Scalar } from '../../domain/config/config.js';
import { median } from '../proposers/report.js';
import type { LoopRun } from './results.js';
import type { LoopMethod } from './workspace.js';

/** The discrete keys whose spread late in a session shows whether a proposer still explores them. */
export const DISCRETE_KEYS = ['train.minibatch_size', 'train.update_epochs', 'model.activation'] as const;

/** A config's identity: its policy keys' values (the seed is not one: replicates pool with their parent). */
function configKey(config: Record<string, Scalar>): string {
  return JSON.stringify(
    Object.keys(config)
      .sort()
      .map((k) => [k, config[k]]),
  );
}

/**
 * The true regret of the config a user would pick after the first `k` runs (replicates and
 * re-runs counted): among configs run so far, the one with the best pooled observed mean (the
 * samples of every run of that config pooled; maximized); ties go to the config run first.
 * Infinity when no run has scored.
 */
export function bestSoFarRegret(runs: readonly LoopRun[], k: number): number {
  const pools = new Map<string, { sum: number; n: number; regret: number; first: number }>();
  runs.slice(0, k).forEach((r, i) => {
    if (r.sample === null || r.sample.length === 0) return;
    const key = configKey(r.config);
    const pool = pools.get(key) ?? { sum: 0, n: 0, regret: r.regret, first: i };
    for (const v of r.sample) pool.sum += v;
    pool.n += r.sample.length;
    pools.set(key, pool);
  });
  let best: { mean: number; regret: number } | null = null;
  // Map order is first-run order, so a strict > keeps the earlier config on a tie.
  for (const p of pools.values()) if (best === null || p.sum / p.n > best.mean) best = { mean: p.sum / p.n, regret: p.regret };
  return best === null ? Infinity : best.regret;
}

/** How many distinct values `key` took in the last `last` runs. */
export function distinctValues(runs: readonly LoopRun[], key: string, last = 20): number {
  return new Set(runs.slice(-last).map((r) => JSON.stringify(r.config[key] ?? null))).size;
}

/** One method's sessions on one objective, by bench seed. */
export interface MethodSessions {
  runs: LoopRun[][];
  rejected: number[];
}

/** Median, min and max of some counts. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

function spread(xs: readonly number[]): Spread {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

/** What the loop suite reports of one objective. */
export interface LoopSummary {
  name: string;
  checkpoints: number[];
  /** Median over seeds of the best-so-far regret at each checkpoint. */
  medians: Record<LoopMethod, number[]>;
  randomLong: { budget: number; median: number };
  /** Bench seeds where built-in's regret at the budget is strictly lower / higher than Optuna's. */
  wins: number;
  losses: number;
  /** Per method and discrete key: distinct values in the last 20 runs, over seeds. */
  distinct: Record<LoopMethod, Record<string, Spread>>;
  /** Per method: replicates of candidates and re-runs of the incumbent per session, over seeds. */
  replicates: Record<LoopMethod, Spread>;
  reruns: Record<LoopMethod, Spread>;
  /** Validator rejections per method, summed over seeds. */
  rejected: Record<LoopMethod, number>;
  atLeastOptuna: boolean;
  beatsLongRandom: boolean;
}

const METHODS: LoopMethod[] = ['builtin', 'optuna', 'random'];

/**
 * Summarizes one objective. Each method's sessions are read at `checkpoints` (the last is the
 * budget; random search's sessions ran `randomBudget` runs, read at the checkpoints by prefix,
 * and the discrete-key spread and replicate counts are of its first `budget` runs, like the others').
 */
export function summarizeLoop(name: string, sessions: Record<LoopMethod, MethodSessions>, checkpoints: number[], randomBudget: number): LoopSummary {
  const budget = checkpoints.at(-1) as number;
  const at = (m: LoopMethod, k: number) => sessions[m].runs.map((runs) => bestSoFarRegret(runs, k));
  const medians = Object.fromEntries(METHODS.map((m) => [m, checkpoints.map((k) => median(at(m, k)))])) as Record<LoopMethod, number[]>;
  const b = at('builtin', budget);
  const o = at('optuna', budget);
  const upTo = (m: LoopMethod) => sessions[m].runs.map((runs) => runs.slice(0, budget));
  const count = (m: LoopMethod, kind: LoopRun['kind']) => spread(upTo(m).map((runs) => runs.filter((r) => r.kind === kind).length));
  const randomLong = { budget: randomBudget, median: median(at('random', randomBudget)) };
  return {
    name,
    checkpoints,
    medians,
    randomLong,
    wins: b.filter((x, i) => x < (o[i] as number)).length,
    losses: b.filter((x, i) => x > (o[i] as number)).length,
    distinct: Object.fromEntries(METHODS.map((m) => [m, Object.fromEntries(DISCRETE_KEYS.map((key) => [key, spread(upTo(m).map((runs) => distinctValues(runs, key)))]))])) as Record<
      LoopMethod,
      Record<string, Spread>
    >,
    replicates: Object.fromEntries(METHODS.map((m) => [m, count(m, 'replicate')])) as Record<LoopMethod, Spread>,
    reruns: Object.fromEntries(METHODS.map((m) => [m, count(m, 'rerun')])) as Record<LoopMethod, Spread>,
    rejected: Object.fromEntries(METHODS.map((m) => [m, sessions[m].rejected.reduce((s, n) => s + n, 0)])) as Record<LoopMethod, number>,
    atLeastOptuna: (medians.builtin.at(-1) as number) <= (medians.optuna.at(-1) as number),
    beatsLongRandom: (medians.builtin.at(-1) as number) < randomLong.median,
  };
}
