/** The optimizer-progress chart: each evaluated run's metric mean with its interval, the incumbent over time, failed runs. */
import type { WorkspaceView } from '../view.js';
import { metricOfView, type PlotLog } from './fold.js';
import { meanInterval } from '../../domain/stats/mean-interval.js';
import { renderChart, type ChartSpec, type Point } from './svg.js';

/** Options of the plots. */
export interface PlotOptions {
  logY?: boolean;
  width?: number;
}

/** The progress chart's spec (x: run index). */
export function progressSpec(view: WorkspaceView, log: PlotLog, opts: PlotOptions = {}): ChartSpec {
  const metric = metricOfView(view);
  const runs: Point[] = [];
  const failed: { x: number; y: null }[] = [];
  let direction: string | null = null;
  for (const r of view.runs.values()) {
    if (r.evaluation) {
      direction = r.evaluation.direction;
      const interval = meanInterval(r.finished?.samples[r.evaluation.metric] ?? []).interval;
      runs.push({ x: r.index, y: r.evaluation.candidate.mean, ...(interval ? { lo: interval[0], hi: interval[1] } : {}) });
    } else if (r.journal?.status === 'failed' || (r.interrupted && r.failures.length > 0)) failed.push({ x: r.index, y: null });
  }
  const name = metric ?? 'metric';
  return {
    title: `Optimizer progress: ${name}${direction ? ` (${direction})` : ''}`,
    subtitle: runs.length > 0 ? `${runs.length} evaluated run(s), ${failed.length} failed; whiskers: 95% t-interval of the mean` : undefined,
    xLabel: 'run',
    yLabel: name,
    integerX: true,
    series: [
      { kind: 'points', name: 'run mean', points: runs },
      { kind: 'step', name: 'incumbent', points: log.incumbents.map((c) => ({ x: c.at, y: c.mean })) },
      { kind: 'crosses', name: 'failed run', points: failed },
    ],
    empty: 'no evaluated runs yet',
    ...(opts.logY ? { logY: true } : {}),
    ...(opts.width !== undefined ? { width: opts.width } : {}),
  };
}

/** The progress chart as SVG text. */
export function progressSvg(view: WorkspaceView, log: PlotLog, opts: PlotOptions = {}): string {
  return renderChart(progressSpec(view, log, opts));
}
