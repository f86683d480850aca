/**
 * The one verdict formatter: a recorded evaluation as one line of text, compact for the labbook, the
 * agent's prompt and the loop's output, or with every recorded number for the audit. Pure.
 */
import type { DataOf } from '../../events/catalogue.js';
import { decimalsFor } from '../stats/format.js';
import { fmt } from '../text/numbers.js';

/** A recorded evaluation as a verdict line reads it (the audit's step keeps the same fields). */
export type EvaluationFacts = Omit<DataOf<'RunEvaluated'>, 'runId'>;

/** How much a verdict line says. */
export interface VerdictTextOptions {
  /**
   * `labbook`: `improved: +41.2 [18.5, 63.0] vs 004 (n=32/32)`, the gain in the better orientation;
   * `audit`: `improved — mean_reward 480 (n=32) vs run 001 461.8 (n=32), delta +18.2; 95% interval of
   * the gain [5.1, 30.2] (bootstrap-percentile, 10000 resamples, seed 123); Welch t=2.31 df=60.2 p=0.024`,
   * the raw delta and every number recorded.
   */
  style: 'labbook' | 'audit';
}

/** One line for a recorded evaluation, in the style of `options` (see {@link VerdictTextOptions}). */
export function verdictText(ev: EvaluationFacts, options: VerdictTextOptions): string {
  return options.style === 'labbook' ? labbookLine(ev) : auditLine(ev);
}

/**
 * The labbook's line: against the incumbent, `improved: +41.2 [18.5, 63.0] vs 004 (n=32/32)`, or
 * without an interval `inconclusive: +12.0 vs 004 (n=1/32) — candidate has fewer than 2 values (n=1)`
 * (no number at all when there is no delta); for a baseline `baseline: mean_reward 441 (n=32)`.
 *
 * The delta is turned to the better orientation (positive = candidate better, also for `minimize`)
 * and always carries its sign (`+` for zero), taken from the unrounded value; the interval is
 * recorded in that orientation already. All numbers share the precision of {@link decimalsFor}, so
 * `+0.0123 [0.0051, 0.0195]` and `+1234 [-80, 2549]` stay readable. `n` is candidate/incumbent.
 */
function labbookLine(ev: EvaluationFacts): string {
  if (!ev.incumbent) return `baseline: ${ev.metric} ${fmt(ev.candidate.mean)} (n=${ev.candidate.n})`;
  const sign = ev.direction === 'maximize' ? 1 : -1;
  const verdict = ev.verdict === 'baseline' ? 'inconclusive' : ev.verdict;
  const delta = ev.delta === null ? null : sign * ev.delta;
  const interval = ev.interval ?? null;
  const decimals = decimalsFor([delta, ...(interval ?? [])].filter((v): v is number => v !== null));
  const head =
    delta === null
      ? verdict
      : `${verdict}: ${delta < 0 ? '-' : '+'}${Math.abs(delta).toFixed(decimals)}` + (interval ? ` [${fixed(interval[0], decimals)}, ${fixed(interval[1], decimals)}]` : '');
  const tail = `vs ${ev.incumbent.runId} (n=${ev.candidate.n}/${ev.incumbent.n})`;
  return interval === null && ev.reason ? `${head} ${tail} — ${ev.reason}` : `${head} ${tail}`;
}

/** The audit's line: the raw numbers as recorded, the interval with its level and method, Welch's cross-check, the pooled runs. */
function auditLine(ev: EvaluationFacts): string {
  const cand = `${ev.metric} ${fmt(ev.candidate.mean)} (n=${ev.candidate.n})`;
  const inc = ev.incumbent ? ` vs run ${ev.incumbent.runId} ${fmt(ev.incumbent.mean)} (n=${ev.incumbent.n})` : '';
  const delta = ev.delta === null ? '' : `, delta ${ev.delta >= 0 ? '+' : ''}${fmt(ev.delta)}`;
  const level = ev.alpha === undefined ? null : ev.sidedness === 'one-sided' ? 1 - 2 * ev.alpha : 1 - ev.alpha;
  const how =
    ev.method === 'welch-t'
      ? `Welch's t, with a studentized permutation test: ${ev.resamples ?? '?'} permutations, seed ${ev.seed ?? '-'}`
      : `${ev.method}, ${ev.resamples ?? '?'} resamples, seed ${ev.seed ?? '-'}`;
  const ci = ev.interval
    ? `; ${level === null ? '' : `${fmt(level * 100)}% `}interval of the gain [${fmt(ev.interval[0])}, ${fmt(ev.interval[1])}] (${how})`
    : ev.reason
      ? `; no interval: ${ev.reason}`
      : '';
  const welch = ev.welch ? `; Welch t=${fmt(ev.welch.t)} df=${fmt(ev.welch.df)} p=${fmt(ev.welch.p)}` : '';
  const pooled = ev.pooled ? `; pooled ${ev.pooled.join(' + ')}` : '';
  return `${ev.verdict} — ${cand}${inc}${delta}${ci}${welch}${pooled}`;
}

/** `toFixed`, printing a negative zero as `0`. */
function fixed(v: number, decimals: number): string {
  return (v === 0 ? 0 : v).toFixed(decimals);
}
