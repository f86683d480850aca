/**
 * `autopilot diff RUN_A RUN_B` as a pure function of the view: B's config against A's, key by key,
 * and B's sample compared with A's the way the evaluate step compares a run with the incumbent (the
 * same statistics, seeded from B's run id as RunEvaluated is, so the interval is reproducible).
 */
import { diffConfigs, type ConfigChange } from '../domain/config/diff.js';
import { AutopilotError } from '../domain/errors.js';
import { evaluateRun, mean, sampleOf, type EvaluationSettings } from '../domain/judging/evaluate.js';
import { verdictText, type EvaluationFacts } from '../domain/judging/verdict-text.js';
import { fmt } from '../domain/text/numbers.js';
import { textOfLines } from '../domain/text/escape.js';
import { missingRunMessage } from './audit/fold.js';
import type { RunView, WorkspaceView } from './view.js';

/** What `diff` reports (also its `--json` object). */
export interface RunDiff {
  a: string;
  b: string;
  metric: string;
  /** B's config against A's (from: A's value, to: B's). */
  changes: ConfigChange[];
  /** B compared with A (null: one of them has no sample of the metric). */
  comparison: EvaluationFacts | null;
  /** Why there is no comparison. */
  reason: string | null;
}

function runOf(view: WorkspaceView, runId: string): RunView {
  const r = view.runs.get(runId);
  if (!r) throw new AutopilotError('not-found', missingRunMessage(runId, [...view.runs.keys()].sort()));
  if (!r.accepted) throw new AutopilotError('failed', `run ${runId} has no accepted config: there is nothing to compare`);
  return r;
}

/** Run B against run A on `metric`, judged with `stats` (autopilot.json's statistics). */
export function diffRuns(view: WorkspaceView, a: string, b: string, metric: { name: string; direction: 'maximize' | 'minimize' }, stats: EvaluationSettings): RunDiff {
  const ra = runOf(view, a);
  const rb = runOf(view, b);
  const changes = diffConfigs(ra.accepted!.config, rb.accepted!.config);
  const sa = ra.finished ? sampleOf(ra.finished, metric.name) : [];
  const sb = rb.finished ? sampleOf(rb.finished, metric.name) : [];
  const missing = [sa.length === 0 ? a : null, sb.length === 0 ? b : null].filter((x) => x !== null);
  if (missing.length > 0) return { a, b, metric: metric.name, changes, comparison: null, reason: `no sample of ${metric.name} for run ${missing.join(' and run ')}` };
  const incumbent = { runId: a, metric: metric.name, mean: mean(sa), n: sa.length, sample: sa, override: {} };
  return { a, b, metric: metric.name, changes, comparison: evaluateRun({ runId: b, sample: sb }, incumbent, metric, stats), reason: null };
}

function value(v: ConfigChange['from']): string {
  return v === null ? '(unset)' : typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** The report as text (each line escaped: a value from the log cannot forge one). */
export function renderRunDiff(d: RunDiff): string {
  const lines = [`Config of run ${d.b} against run ${d.a}: ${d.changes.length} change(s)`];
  for (const c of d.changes) lines.push(`  ${c.key}: ${value(c.from)} -> ${value(c.to)}`);
  lines.push('', `Run ${d.b} compared with run ${d.a} on ${d.metric}:`);
  const c = d.comparison;
  if (!c) lines.push(`  none: ${d.reason ?? 'no comparison'}`);
  else {
    lines.push(`  ${verdictText(c, { style: 'audit' })}`);
    if (c.interval) lines.push(`  interval of the gain (positive: run ${d.b} better): [${fmt(c.interval[0])}, ${fmt(c.interval[1])}]`);
    lines.push(`  seed ${c.seed ?? 'none'} (the evaluation seed of run ${d.b}, as its RunEvaluated would draw it)`);
  }
  return textOfLines(lines);
}
