/**
 * What the plots need beyond the workspace view (projections/view.ts), which keeps only the
 * latest incumbent and the latest progress report of a run: every incumbent change, placed at the
 * run being worked on when it happened, and every progress report of every run.
 */
import type { AutopilotEvent } from '../../events/catalogue.js';
import type { StoredEvent } from '../../events/store.js';
import { emptyView, evolveView, type WorkspaceView } from '../view.js';

/** One progress report of a run's attempt. */
export interface ProgressReport {
  attempt: number;
  metrics: Record<string, number>;
}

/** The plots' part of the log, beside the view. */
export interface PlotLog {
  /** Each incumbent change: at the index of the latest planned run, with the new incumbent's mean. */
  incumbents: { at: number; runId: string; mean: number }[];
  /** Every RunProgress of each run, in log order. */
  progress: Map<string, ProgressReport[]>;
  lastPlanned: number;
}

/** Nothing seen yet. */
export function emptyPlotLog(): PlotLog {
  return { incumbents: [], progress: new Map(), lastPlanned: 0 };
}

/** Adds one event to `log` (pure; only the four event types it keeps are read). */
export function evolvePlotLog(log: PlotLog, stored: StoredEvent<AutopilotEvent>): PlotLog {
  const e = stored.event;
  if (e.type === 'RunPlanned') log.lastPlanned = Math.max(log.lastPlanned, e.data.index);
  else if (e.type === 'IncumbentChanged') log.incumbents.push({ at: log.lastPlanned, runId: e.data.runId, mean: e.data.incumbent.mean });
  // A rollback steps the incumbent line back to the run it names.
  else if (e.type === 'RolledBack') log.incumbents.push({ at: log.lastPlanned, runId: e.data.to, mean: e.data.incumbent.mean });
  else if (e.type === 'RunProgress') {
    const reports = log.progress.get(e.data.runId) ?? [];
    reports.push({ attempt: e.data.attempt, metrics: e.data.metrics });
    log.progress.set(e.data.runId, reports);
  }
  return log;
}

/** The view and the plot log of `events`, in one pass. */
export function foldForPlots(events: Iterable<StoredEvent<AutopilotEvent>>): { view: WorkspaceView; log: PlotLog } {
  const view = emptyView();
  const log = emptyPlotLog();
  for (const stored of events) {
    evolveView(view, stored);
    evolvePlotLog(log, stored);
  }
  return { view, log };
}

/** The session's metric: the latest evaluation's, else the incumbent's, else autopilot.json's as the loop bound it; null when the log names none. */
export function metricOfView(view: WorkspaceView): string | null {
  let metric: string | null = null;
  for (const r of view.runs.values()) if (r.evaluation) metric = r.evaluation.metric;
  if (metric !== null) return metric;
  if (view.incumbent) return view.incumbent.ref.metric;
  const text = view.inputs.get('autopilot.json')?.text;
  if (text === undefined) return null;
  try {
    const name = (JSON.parse(text) as { metric?: { name?: unknown } }).metric?.name;
    return typeof name === 'string' ? name : null;
  } catch {
    return null;
  }
}
