/** The printed tables of the through-the-loop suite. */
import { fmt } from '../proposers/report.js';
import { DISCRETE_KEYS, type LoopSummary, type Spread } from './report.js';
import type { LoopMethod } from './workspace.js';

const LABEL: Record<LoopMethod, string> = { builtin: 'built-in', optuna: 'Optuna TPE', random: 'random' };
const METHODS: LoopMethod[] = ['builtin', 'optuna', 'random'];

const range = (s: Spread) => (s.min === s.max ? fmt(s.median) : `${fmt(s.median)} (${s.min}–${s.max})`);

/** Best-so-far regret medians per objective and method, seeds won/lost, and validator rejections. */
export function regretTable(summaries: readonly LoopSummary[]): string {
  const cps = summaries[0]?.checkpoints ?? [];
  const long = summaries[0]?.randomLong.budget ?? 0;
  const head =
    `| objective (true regret of the best pooled mean; lower is better) | ${METHODS.map((m) => `${LABEL[m]} ${cps.join(' / ')}`).join(' | ')} | random ${long} | ` +
    `built-in won / lost vs Optuna at ${cps.at(-1)} | rejections (built-in / Optuna / random) |`;
  const rows = summaries.map(
    (s) =>
      `| ${s.name} | ${METHODS.map((m) => s.medians[m].map(fmt).join(' / ')).join(' | ')} | ${fmt(s.randomLong.median)} | ${s.wins} / ${s.losses} | ` +
      `${METHODS.map((m) => s.rejected[m]).join(' / ')} |`,
  );
  return [head, `|${' --- |'.repeat(7)}`, ...rows].join('\n');
}

/** Per objective and method: distinct values of each discrete key in the last 20 runs, and replicates / re-runs per session (median, min–max over seeds). */
export function behaviourTable(summaries: readonly LoopSummary[]): string {
  const head = `| objective | method | ${DISCRETE_KEYS.map((k) => `${k} values`).join(' | ')} | replicates | incumbent re-runs |`;
  const rows = summaries.flatMap((s) =>
    METHODS.map((m) => `| ${s.name} | ${LABEL[m]} | ${DISCRETE_KEYS.map((k) => range(s.distinct[m][k] as Spread)).join(' | ')} | ${range(s.replicates[m])} | ${range(s.reruns[m])} |`),
  );
  return [head, `|${' --- |'.repeat(DISCRETE_KEYS.length + 4)}`, ...rows].join('\n');
}

/** The PASS/FAIL lines of the two targets, over the objectives run. */
export function targetLines(summaries: readonly LoopSummary[]): { lines: string[]; pass: boolean } {
  const budget = summaries[0]?.checkpoints.at(-1) ?? 0;
  const long = summaries[0]?.randomLong.budget ?? 0;
  const t1 = summaries.every((s) => s.atLeastOptuna);
  const t2 = summaries.every((s) => s.beatsLongRandom);
  const each = (ok: (s: LoopSummary) => boolean, other: (s: LoopSummary) => number) =>
    summaries.map((s) => `${s.name} ${fmt(s.medians.builtin.at(-1) as number)} vs ${fmt(other(s))}${ok(s) ? '' : ' ✗'}`).join(', ');
  return {
    pass: t1 && t2,
    lines: [
      `${t1 ? 'PASS' : 'FAIL'} loop: built-in at or above Optuna's TPE at ${budget} runs (median regret <=) on every objective: ${each(
        (s) => s.atLeastOptuna,
        (s) => s.medians.optuna.at(-1) as number,
      )}`,
      `${t2 ? 'PASS' : 'FAIL'} loop: built-in at ${budget} runs better than random search at ${long} (median regret <) on every objective: ${each(
        (s) => s.beatsLongRandom,
        (s) => s.randomLong.median,
      )}`,
    ],
  };
}
