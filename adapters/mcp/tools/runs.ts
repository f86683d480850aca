/** `list_runs` and `get_run`: the history of runs, from the log, in the shapes the projections render. */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { runIdOf } from '../../../domain/text/numbers.js';
import { renderRunFiles } from '../../../projections/render.js';
import { summaryOfView, summaryReport } from '../../../projections/summary.js';
import type { RunView, WorkspaceView } from '../../../projections/view.js';
import { clip, jsonResult, toolInputError } from '../results.js';

/** Runs `list_runs` shows unless asked for more. */
export const DEFAULT_RUN_LIMIT = 50;
/** Most runs one `list_runs` answer holds. */
export const MAX_RUN_LIMIT = 1000;
/** Longest rationale `list_runs` quotes (get_run has it in full). */
const RATIONALE_CHARS = 400;
/** Most run ids an unknown-run error lists in full. */
const MAX_IDS_LISTED = 100;

/** One line of `list_runs`. */
export interface RunListEntry {
  run_id: string;
  kind: RunView['kind'];
  parent?: string;
  mode: RunView['mode'];
  status: string;
  attempts: number;
  verdict: string | null;
  /** CI of the difference with the incumbent (positive: this run better), when evaluated against one. */
  interval: [number, number] | null;
  delta: number | null;
  mean: number | null;
  n: number | null;
  /** The keys this run changed, flat (null until its proposal is accepted). */
  override: Record<string, unknown> | null;
  rationale: string | null;
}

/** `list_runs`: the newest `limit` runs, oldest first (newest last), with the incumbent. */
export function listRuns(view: WorkspaceView, limit = DEFAULT_RUN_LIMIT): CallToolResult {
  // The same status, verdict and mean `autopilot status --json` prints.
  const report = summaryReport(summaryOfView(view));
  const rows = new Map(report.runs.map((r) => [r.run_id, r]));
  const all = [...view.runs.values()];
  const shown = all.slice(-limit).map((r): RunListEntry => {
    const row = rows.get(r.runId);
    return {
      run_id: r.runId,
      kind: r.kind,
      ...(r.parent ? { parent: r.parent } : {}),
      mode: r.mode,
      status: row?.status ?? 'unknown',
      attempts: row?.attempts ?? r.launches.length,
      verdict: r.evaluation?.verdict ?? null,
      interval: r.evaluation?.interval ?? null,
      delta: r.evaluation?.delta ?? null,
      mean: r.evaluation?.candidate.mean ?? null,
      n: r.evaluation?.candidate.n ?? null,
      override: r.accepted?.override ?? null,
      rationale: r.accepted ? clip(r.accepted.rationale, RATIONALE_CHARS) : null,
    };
  });
  return jsonResult({
    total: all.length,
    shown: shown.length,
    ...(shown.length < all.length ? { note: `the newest ${shown.length} of ${all.length} runs; pass limit (up to ${MAX_RUN_LIMIT}) for more` } : {}),
    metric: latestMetric(view),
    incumbent: report.incumbent,
    runs: shown,
  });
}

/** `get_run`: one run's run.json, config, override, config_diff.json, summary.json and notes.txt, as the projections render them. */
export function getRun(view: WorkspaceView, runArg: string): CallToolResult {
  const runId = normalizeRunId(runArg);
  const run = view.runs.get(runId);
  if (!run) throw toolInputError(`no run ${JSON.stringify(runArg)} in the log; ${knownRuns(view)}`);
  const files = renderRunFiles(run);
  const json = (name: string): unknown => {
    const text = files.get(`runs/${runId}/${name}`);
    return text === undefined ? null : (JSON.parse(text) as unknown);
  };
  return jsonResult({
    run_id: runId,
    run: json('run.json'),
    override: json('override.json'),
    config_diff: json('config_diff.json'),
    summary: json('summary.json'),
    config: json('config.json'),
    notes: files.get(`runs/${runId}/notes.txt`) ?? null,
  });
}

/** `2` and `002` name the same run (ids are zero-padded indexes). */
function normalizeRunId(arg: string): string {
  const trimmed = arg.trim();
  return /^\d+$/.test(trimmed) ? runIdOf(Number(trimmed)) : trimmed;
}

/** The run ids that exist, for an error message (first and last ones when there are many). */
function knownRuns(view: WorkspaceView): string {
  const ids = [...view.runs.keys()];
  if (ids.length === 0) return 'the log holds no runs yet';
  if (ids.length <= MAX_IDS_LISTED) return `runs in the log: ${ids.join(', ')}`;
  return `runs in the log (${ids.length}): ${ids.slice(0, 10).join(', ')}, …, ${ids.slice(-10).join(', ')}`;
}

/** The metric and direction runs are judged by, from the newest evaluation. */
function latestMetric(view: WorkspaceView): { name: string; direction: string } | null {
  let metric: { name: string; direction: string } | null = null;
  for (const r of view.runs.values()) if (r.evaluation) metric = { name: r.evaluation.metric, direction: r.evaluation.direction };
  return metric;
}
