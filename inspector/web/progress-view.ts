/**
 * The optimizer's progress (uPlot): each run's metric mean with its interval as a whisker, the
 * incumbent as a step line, failed runs as crosses, and a log y axis on request.
 */
import uPlot from 'uplot';
import type { MetricInfo, RunRow } from '../api.js';
import { el, replace } from './dom.js';
import { logAxisPossible, progressData, type ProgressData } from './progress-data.js';

const COLOURS = { mean: '#1f6feb', whisker: '#1f6feb88', incumbent: '#2da44e', failed: '#cf222e' };

// Draws the whiskers (interval of each mean) and the failed runs' crosses over the plotted series.
function overlay(d: ProgressData): uPlot.Plugin {
  return {
    hooks: {
      draw: (u: uPlot) => {
        const ctx = u.ctx;
        ctx.save();
        ctx.lineWidth = 1.5 * devicePixelRatio;
        for (let i = 0; i < d.x.length; i++) {
          const x = u.valToPos(d.x[i]!, 'x', true);
          const lo = d.lo[i];
          const hi = d.hi[i];
          if (lo != null && hi != null) {
            ctx.strokeStyle = COLOURS.whisker;
            ctx.beginPath();
            ctx.moveTo(x, u.valToPos(lo, 'y', true));
            ctx.lineTo(x, u.valToPos(hi, 'y', true));
            ctx.stroke();
          }
          const f = d.failed[i];
          if (f != null) {
            const y = u.valToPos(f, 'y', true);
            const r = 5 * devicePixelRatio;
            ctx.strokeStyle = COLOURS.failed;
            ctx.beginPath();
            ctx.moveTo(x - r, y - r);
            ctx.lineTo(x + r, y + r);
            ctx.moveTo(x + r, y - r);
            ctx.lineTo(x - r, y + r);
            ctx.stroke();
          }
        }
        ctx.restore();
      },
    },
  };
}

// The y range covering every mean, whisker and incumbent level (hidden series count for nothing in uPlot's own).
function yRange(d: ProgressData, log: boolean): [number, number] {
  const values = [d.mean, d.lo, d.hi, d.incumbent].flat().filter((v): v is number => v !== null && Number.isFinite(v) && (!log || v > 0));
  if (values.length === 0) return log ? [1, 10] : [0, 1];
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (log) return [min / 1.25, max * 1.25];
  const pad = (max - min) * 0.08 || Math.abs(max) * 0.1 || 1;
  return [min - pad, max + pad];
}

/** Draws the progress chart of `rows` into `host`; calls `drawn` once the canvas has been painted. */
export function renderProgress(host: HTMLElement, rows: readonly RunRow[], metric: MetricInfo | null, drawn: () => void = () => {}): (rows: readonly RunRow[]) => void {
  let d = progressData(rows);
  let log = false;
  let chart: uPlot | null = null;
  const box = el('div', { class: 'chart', 'data-testid': 'progress-chart' });
  const toggle = el('button', { type: 'button', 'data-testid': 'log-toggle' }, 'log y axis');
  const allowLog = () => {
    const canLog = logAxisPossible(d);
    toggle.disabled = !canLog;
    toggle.title = canLog ? '' : 'a log axis needs every value above 0';
    if (!canLog && log) {
      log = false;
      toggle.classList.remove('on');
    }
  };
  allowLog();
  const name = metric ? `${metric.name} (${metric.direction === 'maximize' ? 'higher' : 'lower'} is better)` : 'metric';

  const draw = () => {
    chart?.destroy();
    const width = Math.max(320, host.clientWidth - 16);
    const opts: uPlot.Options = {
      width,
      height: 260,
      scales: { x: { time: false, range: () => [0.5, d.x.length + 0.5] }, y: { distr: log ? 3 : 1, range: () => yRange(d, log) } },
      axes: [
        { label: 'run', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000] },
        { label: name, size: 70 },
      ],
      series: [
        { label: 'run', value: (_u, v) => (v == null ? '' : (d.ids[v - 1] ?? '')) },
        { label: 'mean', stroke: COLOURS.mean, width: 0, points: { show: true, size: 7, fill: COLOURS.mean }, paths: () => null },
        { label: 'incumbent', stroke: COLOURS.incumbent, width: 2, paths: uPlot.paths.stepped!({ align: 1 }), spanGaps: true },
        { label: 'failed', stroke: COLOURS.failed, width: 0, points: { show: false }, paths: () => null },
      ],
      plugins: [overlay(d)],
      hooks: { draw: [() => drawn()] },
    };
    chart = new uPlot(opts, [d.x, d.mean, d.incumbent, d.failed] as uPlot.AlignedData, box);
    box.dataset['runs'] = String(d.x.length);
  };
  toggle.addEventListener('click', () => {
    log = !log;
    toggle.classList.toggle('on', log);
    draw();
  });
  replace(host, el('div', { class: 'toolbar' }, el('strong', {}, 'Optimizer progress'), toggle), box);
  // Drawn again with new rows (a live loop), keeping the axis the user chose.
  const update = (next: readonly RunRow[]) => {
    d = progressData(next);
    allowLog();
    if (d.x.length > 0) {
      replace(box);
      draw();
    }
  };
  if (d.x.length === 0) {
    box.append(el('p', { class: 'muted' }, 'no runs to plot yet'));
    drawn();
    return update;
  }
  draw();
  return update;
}
