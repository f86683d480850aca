/** A run's learning curves: its metric against agent steps (or epochs, or report order), one line per attempt, as the inspector draws them. */
import { curvesOfReports } from '../inspector/curves.js';
import type { WorkspaceView } from '../view.js';
import { metricOfView, type ProgressReport } from './fold.js';
import type { PlotOptions } from './progress.js';
import { renderChart, type ChartSpec } from './svg.js';

/** Most points drawn per attempt: a long run's every report would make a file of megabytes and no finer picture. */
export const MAX_CURVE_POINTS = 2000;

/** The learning-curve spec of run `runId` from its progress reports (downsampled keeping first, last and extremes). */
export function curveSpec(view: WorkspaceView, runId: string, reports: readonly ProgressReport[], opts: PlotOptions = {}): ChartSpec {
  const metric = metricOfView(view) ?? 'metric';
  const curves = curvesOfReports(reports, metric, MAX_CURVE_POINTS);
  // Attempts may count on different axes (one reports steps, a resumed one does not): the label names each.
  const axes = [...new Set(curves.map((c) => (c.x === 'order' ? 'progress report' : c.x)))];
  return {
    title: `Run ${runId}: learning curve`,
    subtitle: `${reports.length} progress report(s)${curves.some((c) => c.total > MAX_CURVE_POINTS) ? `; at most ${MAX_CURVE_POINTS} drawn per attempt` : ''}`,
    xLabel: axes.length === 0 ? 'progress report' : axes.join(' / '),
    yLabel: metric,
    integerX: true,
    series: curves.map((c) => ({ kind: 'line' as const, name: `attempt ${c.attempt}`, points: c.points })),
    empty: `no ${metric} in run ${runId}'s progress reports`,
    ...(opts.logY ? { logY: true } : {}),
    ...(opts.width !== undefined ? { width: opts.width } : {}),
  };
}

/** The learning curves of run `runId` as SVG text. */
export function curveSvg(view: WorkspaceView, runId: string, reports: readonly ProgressReport[], opts: PlotOptions = {}): string {
  return renderChart(curveSpec(view, runId, reports, opts));
}
