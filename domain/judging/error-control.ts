/**
 * Session-level error control: how likely a session is to promote a config no better than the
 * incumbent, and the confirmation level that keeps that under `statistics.session_alpha`. Pure.
 *
 * A false promotion needs a false screen (the candidate judged `improved`, at most `screening` per
 * comparison) and then `rounds` false confirmations, each on fresh samples of both sides and so
 * independent of the screen (at most `confirmation` each). By the union bound over the session's
 * comparisons, P(any false promotion) <= comparisons · screening · confirmation^rounds.
 */
import type { Settings } from '../config/settings.js';

/** The statistics settings of `autopilot.json`. */
export type StatisticsSettings = Settings['statistics'];

/** A session's error budget, as LoopStarted records it and `status` and the labbook state it. */
export interface ErrorControl {
  /** Chance that one comparison of equal configs says `improved`. */
  screening: number;
  /** Level of each confirmation (one-sided); null when nothing is confirmed. */
  confirmation: number | null;
  /** Confirmation rounds a promotion needs. */
  rounds: number;
  /** Comparisons the session can make: one per proposal, plus the extra looks of inconclusive replication. */
  comparisons: number;
  /** The bound on P(promoting something no better); null when the rule gives none (pooled, or no incumbent re-runs). */
  bound: number | null;
}

/** The error budget of a session of `runsRequested` runs under `stats`. */
export function errorControl(stats: StatisticsSettings, runsRequested: number): ErrorControl {
  const screening = stats.sidedness === 'two-sided' ? stats.alpha / 2 : stats.alpha;
  const extra = stats.inconclusive_replicates > 0 ? (stats.max_extra_runs ?? Math.max(0, runsRequested - 1) * stats.inconclusive_replicates) : 0;
  const comparisons = Math.max(1, runsRequested - 1) + extra;
  const rounds = stats.replicates;
  if (rounds === 0) return { screening, confirmation: null, rounds, comparisons, bound: Math.min(1, comparisons * screening) };
  const confirmation = Math.min(screening, Math.pow(stats.session_alpha / (comparisons * screening), 1 / rounds));
  const independent = stats.confirmation === 'independent' && stats.incumbent_replicates > 0;
  return { screening, confirmation, rounds, comparisons, bound: independent ? comparisons * screening * Math.pow(confirmation, rounds) : null };
}

/** The budget in one sentence, e.g. for the labbook and `status`. */
export function describeErrorControl(e: ErrorControl): string {
  const pct = (p: number) => `${Number((p * 100).toPrecision(2))}%`;
  if (e.bound === null)
    return `no session-level bound: replicates are not judged on fresh samples of both sides (statistics.confirmation "independent" with incumbent_replicates >= 1 gives one)`;
  if (e.confirmation === null)
    return `at most ${pct(e.bound)} chance of promoting a config no better than the incumbent (${e.comparisons} comparisons x ${pct(e.screening)}, no confirmation)`;
  return `at most ${pct(e.bound)} chance of promoting a config no better than the incumbent (${e.comparisons} comparisons x ${pct(e.screening)} screening x ${pct(e.confirmation)} per confirmation on fresh samples${e.rounds > 1 ? `, ${e.rounds} rounds` : ''})`;
}
