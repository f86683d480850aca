/** A run's learning curves: its metric against agent steps (or epochs, or report order), one line per attempt. */
import type { WorkspaceView } from '../view.js';
import { metricOfView, type ProgressReport } from './fold.js';
import type { PlotOptions } from './progress.js';
import { renderChart, type ChartSpec, type Point } from './svg.js';

/** The x of the curve: the first of these every report has, else the report's place in the run. */
const X_KEYS = ['agent_steps', 'epoch'] as const;

/** Most points drawn per attempt: a long run's every report would make a file of megabytes and no finer picture. */
export const MAX_CURVE_POINTS = 2000;

/** Every k-th point (and the last), so at most `max` remain. */
function thin(points: Point[], max: number): Point[] {
  if (points.length <= max) return points;
  const k = Math.ceil(points.length / max);
  return points.filter((_, i) => i % k === 0 || i === points.length - 1);
}

/** The learning-curve spec of run `runId` from its progress reports. */
export function curveSpec(view: WorkspaceView, runId: string, reports: readonly ProgressReport[], opts: PlotOptions = {}): ChartSpec {
  const metric = metricOfView(view) ?? 'metric';
  const xKey = X_KEYS.find((k) => reports.length > 0 && reports.every((r) => typeof r.metrics[k] === 'number'));
  const byAttempt = new Map<number, Point[]>();
  reports.forEach((r, i) => {
    const y = r.metrics[metric];
    if (typeof y !== 'number') return;
    const points = byAttempt.get(r.attempt) ?? [];
    points.push({ x: xKey ? r.metrics[xKey]! : i + 1, y });
    byAttempt.set(r.attempt, points);
  });
  const attempts = [...byAttempt.keys()].sort((a, b) => a - b);
  return {
    title: `Run ${runId}: learning curve`,
    subtitle: `${reports.length} progress report(s)${[...byAttempt.values()].some((p) => p.length > MAX_CURVE_POINTS) ? `; at most ${MAX_CURVE_POINTS} drawn per attempt` : ''}`,
    xLabel: xKey ?? 'progress report',
    yLabel: metric,
    integerX: xKey !== undefined || reports.length > 0,
    series: attempts.map((a) => ({ kind: 'line' as const, name: `attempt ${a}`, points: thin(byAttempt.get(a)!, MAX_CURVE_POINTS) })),
    empty: `no ${metric} in run ${runId}'s progress reports`,
    ...(opts.logY ? { logY: true } : {}),
    ...(opts.width !== undefined ? { width: opts.width } : {}),
  };
}

/** The learning curves of run `runId` as SVG text. */
export function curveSvg(view: WorkspaceView, runId: string, reports: readonly ProgressReport[], opts: PlotOptions = {}): string {
  return renderChart(curveSpec(view, runId, reports, opts));
}
