/**
 * The numbers of bench:proposers: best-so-far per bench seed, medians over seeds, the ratio of
 * the built-in optimizer to Optuna, and the two targets of issue 7.
 */
import type { Method, Sequence } from './methods.js';

/** Whether a larger score is better. */
export type Direction = 'minimize' | 'maximize';

/** The best score among the first `n` evaluations (failures skipped); the worst possible when none scored. */
export function bestSoFar(values: ReadonlyArray<number | null>, n: number, direction: Direction): number {
  let best = direction === 'maximize' ? -Infinity : Infinity;
  for (const v of values.slice(0, n)) if (v !== null) best = direction === 'maximize' ? Math.max(best, v) : Math.min(best, v);
  return best;
}

/** The median (mean of the two middle values for an even count); NaN for none. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The 1-based evaluation at which `values` first reach `ceiling`; null when they never do. */
export function firstReach(values: ReadonlyArray<number | null>, ceiling: number, direction: Direction): number | null {
  const i = values.findIndex((v) => v !== null && (direction === 'maximize' ? v >= ceiling : v <= ceiling));
  return i < 0 ? null : i + 1;
}

/** What the table shows of one objective. */
export interface ObjectiveSummary {
  name: string;
  direction: Direction;
  optimum: number | null;
  /** Evaluation counts the medians are taken at (e.g. 10, 20, 30). */
  checkpoints: number[];
  /** Median over seeds of the best-so-far at each checkpoint; for a known optimum, its regret |best − optimum|. */
  medians: Record<Method, number[]>;
  /** Random search's median at its longer budget (`randomBudget`). */
  randomLong: { budget: number; median: number };
  /** Bench seeds (sequences per method). */
  seeds: number;
  /** Built-in vs Optuna at the last checkpoint: regret ratio (lower is better) or score ratio (higher is better). */
  ratio: number;
  /** The built-in optimizer is at or above Optuna's TPE at the last checkpoint. */
  atLeastOptuna: boolean;
  /** Bench seeds where the built-in optimizer's best at the last checkpoint is strictly better / strictly worse than Optuna's. */
  wins: number;
  losses: number;
  /** Validator rejections per method (the built-in's must be 0). */
  rejected: Record<Method, number>;
  /** For an objective with a ceiling: per method, the median evaluation at which a seed first reached it (never: Infinity), and on how many seeds it did. */
  ceiling: { value: number; medianFirst: Record<Method, number>; seedsReached: Record<Method, number> } | null;
}

/** Summarizes the sequences of one objective (one per bench seed and method). */
export function summarize(
  name: string,
  direction: Direction,
  optimum: number | null,
  runs: Record<Method, Sequence[]>,
  checkpoints: number[],
  randomBudget: number,
  ceiling: number | null = null,
): ObjectiveSummary {
  // With a known optimum the table shows regret (lower is better), whatever the direction.
  const show = (best: number) => (optimum === null ? best : Math.abs(best - optimum));
  const at = (m: Method, n: number) => runs[m].map((s) => bestSoFar(s.values, n, direction));
  const methods: Method[] = ['builtin', 'optuna', 'random'];
  const medians = Object.fromEntries(methods.map((m) => [m, checkpoints.map((n) => show(median(at(m, n))))])) as Record<Method, number[]>;
  const last = checkpoints.at(-1) as number;
  const ours = medians.builtin.at(-1) as number;
  const theirs = medians.optuna.at(-1) as number;
  const ratio = optimum === null ? ours / theirs : theirs === 0 ? (ours === 0 ? 1 : Infinity) : ours / theirs;
  const atLeastOptuna = optimum === null ? (direction === 'maximize' ? ours >= theirs : ours <= theirs) : ours <= theirs;
  const better = (a: number, b: number) => (direction === 'maximize' ? a > b : a < b);
  const b = at('builtin', last);
  const o = at('optuna', last);
  return {
    name,
    direction,
    optimum,
    seeds: runs.builtin.length,
    checkpoints,
    medians,
    randomLong: { budget: randomBudget, median: show(median(at('random', randomBudget))) },
    ratio,
    atLeastOptuna,
    wins: b.filter((x, i) => better(x, o[i] as number)).length,
    losses: b.filter((x, i) => better(o[i] as number, x)).length,
    rejected: Object.fromEntries(methods.map((m) => [m, runs[m].reduce((s, r) => s + r.rejected, 0)])) as Record<Method, number>,
    ceiling: ceiling === null ? null : ceilingStats(runs, ceiling, direction, methods),
  };
}

function ceilingStats(runs: Record<Method, Sequence[]>, value: number, direction: Direction, methods: Method[]): NonNullable<ObjectiveSummary['ceiling']> {
  const firsts = (m: Method) => runs[m].map((s) => firstReach(s.values, value, direction));
  return {
    value,
    medianFirst: Object.fromEntries(methods.map((m) => [m, median(firsts(m).map((f) => f ?? Infinity))])) as Record<Method, number>,
    seedsReached: Object.fromEntries(methods.map((m) => [m, firsts(m).filter((f) => f !== null).length])) as Record<Method, number>,
  };
}

/** A line on how soon each method reached the objective's ceiling; null without one. */
export function ceilingNote(s: ObjectiveSummary): string | null {
  if (s.ceiling === null) return null;
  const c = s.ceiling;
  const part = (label: string, m: Method) => `${label} ${Number.isFinite(c.medianFirst[m]) ? c.medianFirst[m] : 'never'} (${c.seedsReached[m]} of ${s.seeds} seeds)`;
  return `${s.name}: scores cap at ${fmt(c.value)}; median evaluation that first reached it: ` + `${part('built-in', 'builtin')}, ${part('Optuna', 'optuna')}, ${part('random', 'random')}`;
}

/** The built-in optimizer at `checkpoints.at(-1)` is at least as good as random search at its longer budget. */
export function beatsLongRandom(s: ObjectiveSummary): boolean {
  const ours = s.medians.builtin.at(-1) as number;
  if (s.optimum !== null) return ours <= s.randomLong.median;
  return s.direction === 'maximize' ? ours >= s.randomLong.median : ours <= s.randomLong.median;
}

/** A number with 4 significant digits (3 decimals at most for large ones). */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1000 ? x.toFixed(0) : a >= 0.001 ? String(Number(x.toPrecision(4))) : x.toExponential(2);
}

/** The markdown table of the summaries, one row per objective. */
export function table(summaries: readonly ObjectiveSummary[]): string {
  const cps = summaries[0]?.checkpoints ?? [];
  const long = summaries[0]?.randomLong.budget ?? 0;
  const head =
    `| objective (shown) | built-in ${cps.join(' / ')} | Optuna TPE ${cps.join(' / ')} | random ${cps.join(' / ')} | random ${long} | ` +
    `built-in / Optuna at ${cps.at(-1)} | seeds won / lost vs Optuna |`;
  const rows = summaries.map((s) => {
    const shown = s.optimum === null ? `${s.direction === 'maximize' ? 'max' : 'min'} score, ${s.direction === 'maximize' ? 'higher' : 'lower'} is better` : 'regret, lower is better';
    const verdict = s.atLeastOptuna ? 'at or above Optuna' : 'below Optuna';
    return (
      `| ${s.name} (${shown}) | ${s.medians.builtin.map(fmt).join(' / ')} | ${s.medians.optuna.map(fmt).join(' / ')} | ${s.medians.random.map(fmt).join(' / ')} | ` +
      `${fmt(s.randomLong.median)} | ${s.ratio.toFixed(2)}x (${verdict}) | ${s.wins} / ${s.losses} |`
    );
  });
  return [head, `|${' --- |'.repeat(7)}`, ...rows].join('\n');
}
