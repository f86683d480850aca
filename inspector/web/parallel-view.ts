/**
 * Parallel coordinates, drawn on a canvas: one vertical axis per policy key and one for the metric,
 * one line per finished run coloured by its metric (better is brighter). Hovering a line names its
 * run, with a link to its page; a click opens it.
 */
import { axisTicks, FAINT, INK, sharpCanvas, toPx } from './canvas.js';
import { el, replace } from './dom.js';
import { fmtNum } from './format.js';
import { nearestLine, type ParallelModel } from './params-data.js';

const MARGIN = { left: 56, right: 56, top: 46, bottom: 16 };
const HEIGHT = 340;

/** Draws `m` into `host` (a canvas with `data-lines` and `data-axes`, and a line naming the hovered run). */
export function renderParallel(host: HTMLElement, m: ParallelModel, metricName: string): void {
  const canvas = el('canvas', { 'data-testid': 'parallel', 'data-lines': String(m.runs.length), 'data-axes': String(m.axes.length) });
  const info = el('p', { class: 'muted parallel-info', 'data-testid': 'parallel-info' }, 'hover a line to name its run; click it to open the run');
  replace(host, canvas, info);
  const width = Math.max(360, host.clientWidth - 8);
  const span = width - MARGIN.left - MARGIN.right;
  const xs = m.axes.map((_, i) => MARGIN.left + (m.axes.length > 1 ? (i * span) / (m.axes.length - 1) : span / 2));
  // Place 0 at the foot of an axis, 1 at its head.
  const [foot, head] = [HEIGHT - MARGIN.bottom, MARGIN.top];
  const ys = m.places.map((line) => line.map((p) => (p === null ? null : toPx(p, foot, head))));
  let hovered: number | null = null;

  const stroke = (ctx: CanvasRenderingContext2D, line: (number | null)[]) => {
    ctx.beginPath();
    let pen = false;
    line.forEach((y, a) => {
      if (y === null) return void (pen = false);
      if (pen) ctx.lineTo(xs[a]!, y);
      else ctx.moveTo(xs[a]!, y);
      pen = true;
    });
    ctx.stroke();
  };

  const draw = () => {
    const ctx = sharpCanvas(canvas, width, HEIGHT);
    ctx.clearRect(0, 0, width, HEIGHT);
    ctx.lineWidth = 1.5;
    ctx.globalAlpha = hovered === null ? 0.8 : 0.35;
    ys.forEach((line, i) => {
      ctx.strokeStyle = m.colours[i]!;
      stroke(ctx, line);
    });
    ctx.globalAlpha = 1;
    if (hovered !== null) {
      ctx.lineWidth = 3;
      ctx.strokeStyle = INK;
      stroke(ctx, ys[hovered]!);
    }
    m.axes.forEach((axis, a) => {
      const x = xs[a]!;
      ctx.strokeStyle = FAINT;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x, foot);
      ctx.lineTo(x, head);
      ctx.stroke();
      ctx.fillStyle = INK;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      for (const t of axisTicks(axis)) ctx.fillText(t.text.slice(0, 10), x - 4, toPx(t.at, foot, head));
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      const name = axis.key.split('.').at(-1) ?? axis.key;
      // Names alternate between two heights, so neighbours' long names do not run into each other.
      ctx.fillText(`${name}${axis.scale?.log ? ' (log)' : ''}`, x, head - (a % 2 === 0 ? 8 : 24));
    });
  };

  const at = (e: MouseEvent): number | null => {
    const r = canvas.getBoundingClientRect();
    return nearestLine(xs, ys, e.clientX - r.left, e.clientY - r.top);
  };
  canvas.addEventListener('mousemove', (e) => {
    const i = at(e);
    if (i === hovered) return;
    hovered = i;
    canvas.style.cursor = i === null ? 'default' : 'pointer';
    draw();
    if (i === null) return;
    const run = m.runs[i]!;
    replace(info, 'run ', el('a', { href: `#/runs/${encodeURIComponent(run.id)}`, 'data-testid': 'parallel-run' }, run.id), ` · ${metricName} ${fmtNum(run.metric)}`);
  });
  canvas.addEventListener('click', (e) => {
    const i = at(e);
    if (i !== null) location.hash = `#/runs/${encodeURIComponent(m.runs[i]!.id)}`;
  });
  draw();
}
