/**
 * The evaluations of `autopilot eval` as the log tells them, and their files: `journal/evaluations.md`
 * (one section each) and `runs/<id>/eval/<evaluation>.json` in the folder of every run evaluated.
 * Pure: the same events give the same bytes, so `rebuild` reproduces them.
 */
import type { AutopilotEvent, DataOf } from '../events/catalogue.js';
import { pairedVerdictText } from '../domain/evaluation/verdict-text.js';
import { escapeText, jsonText } from '../domain/text/escape.js';
import { fmt } from '../domain/text/numbers.js';

/** One evaluation: its plan and how it ended (both null while it runs, or if it never ended). */
export interface EvaluationView {
  planned: DataOf<'EvaluationPlanned'> & { at: string };
  finished: (DataOf<'EvaluationFinished'> & { at: string }) | null;
  failed: (DataOf<'EvaluationFailed'> & { at: string }) | null;
  /** The evaluators launched for it, in order (a restarted loop stops those an interrupted one left). */
  evaluators: DataOf<'EvaluatorStarted'>[];
  /** Its evaluators' cluster jobs recorded before submission, in order (one without an EvaluatorStarted of its index is looked for by name). */
  jobsPlanned: DataOf<'EvaluatorJobPlanned'>[];
}

/** The evaluation events. */
export type EvaluationEvent = Extract<AutopilotEvent, { type: 'EvaluationPlanned' | 'EvaluatorJobPlanned' | 'EvaluatorStarted' | 'EvaluationFinished' | 'EvaluationFailed' }>;

/** The path of the journal of evaluations. */
export const EVALUATIONS_JOURNAL = 'journal/evaluations.md';

/** Folds one evaluation event into `evaluations` (by id, in the order they were planned). */
export function evolveEvaluations(evaluations: Map<string, EvaluationView>, e: EvaluationEvent): void {
  const at = e.metadata.at;
  if (e.type === 'EvaluationPlanned') {
    evaluations.set(e.data.evaluationId, { planned: { ...e.data, at }, finished: null, failed: null, evaluators: [], jobsPlanned: [] });
    return;
  }
  const ev = evaluations.get(e.data.evaluationId);
  if (!ev) throw new Error(`event for evaluation ${e.data.evaluationId} before EvaluationPlanned`);
  if (e.type === 'EvaluatorStarted') ev.evaluators.push(e.data);
  else if (e.type === 'EvaluatorJobPlanned') ev.jobsPlanned.push(e.data);
  else if (e.type === 'EvaluationFinished') ev.finished = { ...e.data, at };
  else ev.failed = { ...e.data, at };
}

function status(ev: EvaluationView): 'finished' | 'failed' | 'unfinished' {
  return ev.finished ? 'finished' : ev.failed ? 'failed' : 'unfinished';
}

/** `runs/<id>/eval/<evaluation>.json`: the whole record of one evaluation. */
export function renderEvaluationJson(ev: EvaluationView): string {
  const p = ev.planned;
  return `${jsonText(
    {
      evaluation: p.evaluationId,
      status: status(ev),
      planned_at: p.at,
      by: p.by,
      metric: p.metric,
      direction: p.direction,
      seeds: { first: p.seeds.first, last: p.seeds.first + p.seeds.count - 1, count: p.seeds.count, training: p.seeds.training },
      bootstrap_seed: p.bootstrapSeed,
      targets: p.targets,
      ...(ev.finished ? { finished_at: ev.finished.at, results: ev.finished.results, paired: ev.finished.paired } : {}),
      ...(ev.failed ? { failed_at: ev.failed.at, failure: { target: ev.failed.target ?? null, reason: ev.failed.reason, message: ev.failed.message } } : {}),
    },
    2,
  )}\n`;
}

/** The section of one evaluation in the journal. */
function section(ev: EvaluationView): string[] {
  const p = ev.planned;
  const last = p.seeds.first + p.seeds.count - 1;
  const lines = [`## ${p.evaluationId} — ${p.at.slice(0, 10)} ${p.at.slice(11, 19)}Z — ${status(ev)}`, ''];
  for (const t of p.targets) {
    const r = ev.finished?.results.find((x) => x.runId === t.runId && x.checkpoint === t.checkpoint);
    const mean = r && r.samples.length > 0 ? `: ${p.metric} mean ${fmt(r.samples.reduce((a, b) => a + b, 0) / r.samples.length)}` : '';
    lines.push(`- ${t.spec}: run ${t.runId}, ${t.checkpoint} (sha256 ${t.sha256.slice(0, 12)}…)${mean}`);
  }
  lines.push(`- held-out seeds ${p.seeds.first}–${last} (one episode each; ${p.seeds.training.count} training seed(s) in the log, the largest ${p.seeds.training.max ?? 'none'})`);
  const paired = ev.finished?.paired;
  if (paired && p.targets.length === 2) lines.push(`- ${pairedVerdictText(paired, p.targets[0]!.spec, p.targets[1]!.spec, p.metric)}`);
  if (ev.failed) lines.push(`- failed${ev.failed.target ? ` (${ev.failed.target})` : ''}, ${ev.failed.reason}: ${ev.failed.message}`);
  return [...lines.map(escapeText), ''];
}

/** Every evaluation file, none before the first evaluation (`relative path → content`). */
export function renderEvaluations(evaluations: ReadonlyMap<string, EvaluationView>): Map<string, string> {
  const files = new Map<string, string>();
  if (evaluations.size === 0) return files;
  const head = ['# Evaluations', '', 'Checkpoints evaluated on held-out seeds (`autopilot eval`). Rebuilt from `events.db`.', ''];
  files.set(EVALUATIONS_JOURNAL, `${[...head, ...[...evaluations.values()].flatMap(section)].join('\n')}`);
  for (const ev of evaluations.values()) {
    const json = renderEvaluationJson(ev);
    for (const runId of new Set(ev.planned.targets.map((t) => t.runId))) files.set(`runs/${runId}/eval/${ev.planned.evaluationId}.json`, json);
  }
  return files;
}
