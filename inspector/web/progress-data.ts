/**
 * The optimizer-progress chart's data: per run (in run order) its mean and interval, the incumbent
 * in force after it, and whether it failed, as the column arrays uPlot draws. Pure.
 */
import type { RunRow } from '../api.js';

/** uPlot's aligned data: x, then one array per series (null: no point). */
export interface ProgressData {
  /** Run ids, by x. */
  ids: string[];
  x: number[];
  mean: (number | null)[];
  lo: (number | null)[];
  hi: (number | null)[];
  /** The incumbent's mean after each run (a step line). */
  incumbent: (number | null)[];
  /** A point at the incumbent's level (or the last mean) for each failed or interrupted run. */
  failed: (number | null)[];
}

/**
 * Rows → chart columns. The incumbent after a run is the one the next judged run was compared with
 * (`delta.incumbent`: what the loop really held, confirmations included); after the last judged run,
 * the last one known. A measured baseline is the incumbent until a judged run says otherwise.
 */
export function progressData(rows: readonly RunRow[]): ProgressData {
  const meanOf = new Map(rows.map((r) => [r.id, r.metric?.mean ?? null]));
  // Walking back: the incumbent the next judged run (after index i) was compared with.
  const judgedAfter: (string | null)[] = new Array<string | null>(rows.length).fill(null);
  let next: string | null = null;
  for (let i = rows.length - 1; i >= 0; i--) {
    judgedAfter[i] = next;
    const delta = rows[i]!.delta;
    if (delta) next = delta.incumbent;
  }
  const d: ProgressData = { ids: [], x: [], mean: [], lo: [], hi: [], incumbent: [], failed: [] };
  let incumbent: string | null = null;
  let lastLevel: number | null = null;
  rows.forEach((r, i) => {
    if (r.kind === 'baseline' && r.metric && r.status === 'finished' && incumbent === null) incumbent = r.id;
    if (r.delta) incumbent = r.delta.incumbent;
    incumbent = judgedAfter[i] ?? incumbent;
    const level = incumbent === null ? null : (meanOf.get(incumbent) ?? null);
    const mean = r.metric?.mean ?? null;
    if (mean !== null) lastLevel = mean;
    d.ids.push(r.id);
    d.x.push(i + 1);
    d.mean.push(mean);
    d.lo.push(r.metric?.interval?.[0] ?? null);
    d.hi.push(r.metric?.interval?.[1] ?? null);
    d.incumbent.push(level);
    d.failed.push(r.status === 'failed' || r.status === 'interrupted' ? (level ?? lastLevel ?? 0) : null);
  });
  return d;
}

/** Whether every drawn value is positive, so a log y axis can show them all. */
export function logAxisPossible(d: ProgressData): boolean {
  return [d.mean, d.lo, d.hi, d.incumbent].every((s) => s.every((v) => v === null || v > 0));
}
