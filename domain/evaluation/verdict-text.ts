/** The sentence of a paired verdict, one formatter for the console, the journal and the loop's output. Pure. */
import type { Verdict } from '../stats/verdict.js';
import { fmt } from '../text/numbers.js';

/** What the sentence needs of a paired comparison (domain/stats/paired.ts, as recorded). */
export interface PairedFacts {
  verdict: Verdict;
  level: number;
  n: number;
  delta: number | null;
  interval: [number, number] | null;
  seed: number;
  resamples: number;
  reason?: string | undefined;
}

const signed = (x: number): string => (x > 0 ? `+${fmt(x)}` : fmt(x));

/** `improved: 001@32 is better than 001@4 on mean_reward by +377.2 (95% paired interval [+350.1, +400.3] over 100 seeds; bootstrap seed 12, 10000 resamples)`. */
export function pairedVerdictText(p: PairedFacts, candidate: string, baseline: string, metric: string): string {
  const how = p.verdict === 'improved' ? 'is better than' : p.verdict === 'regressed' ? 'is worse than' : 'is not told apart from';
  const delta = p.delta === null ? 'no difference could be computed' : `by ${signed(p.delta)}`;
  const interval = p.interval === null ? 'no interval' : `${fmt(p.level * 100)}% paired interval [${signed(p.interval[0])}, ${signed(p.interval[1])}]`;
  const why = p.verdict === 'inconclusive' && p.reason ? `: ${p.reason}` : '';
  return `${p.verdict}: ${candidate} ${how} ${baseline} on ${metric} ${delta} (${interval} over ${p.n} seeds; bootstrap seed ${p.seed}, ${p.resamples} resamples)${why}`;
}
