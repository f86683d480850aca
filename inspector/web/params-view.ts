/**
 * The parameters view (`#/params`): the metric against each policy key, one small scatter per key
 * (a log x axis for log-distributed keys, jittered columns for categorical ones), and the runs in
 * parallel coordinates. Counts are on `data-` attributes so a test can hold them to the log.
 */
import type { ParamsResponse } from '../api.js';
import { api } from './api-client.js';
import { axisTicks, FAINT, INK, sharpCanvas, toPx } from './canvas.js';
import { jitter } from './colour-map.js';
import { el, replace } from './dom.js';
import { keyAxis, numericAxis, parallelModel, plottedRuns, type Axis, type ParallelModel } from './params-data.js';
import { renderParallel } from './parallel-view.js';

const SIZE = { width: 280, height: 190 };
const PAD = { left: 52, right: 10, top: 10, bottom: 34 };

// The axis's ticks along x (horizontal) or y (vertical), labelled, with faint grid lines.
function drawAxis(ctx: CanvasRenderingContext2D, axis: Axis, horizontal: boolean): void {
  const [x0, x1, y0, y1] = [PAD.left, SIZE.width - PAD.right, SIZE.height - PAD.bottom, PAD.top];
  ctx.fillStyle = INK;
  ctx.strokeStyle = FAINT;
  for (const t of axisTicks(axis)) {
    ctx.beginPath();
    if (horizontal) {
      const x = toPx(t.at, x0, x1);
      ctx.moveTo(x, y0);
      ctx.lineTo(x, y1);
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
      ctx.fillText(t.text.slice(0, 12), x, y0 + 4);
    } else {
      const y = toPx(t.at, y0, y1);
      ctx.moveTo(x0, y);
      ctx.lineTo(x1, y);
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      ctx.fillText(t.text, x0 - 4, y);
    }
    ctx.stroke();
  }
}

// One scatter: the metric (y) against the key (x); a categorical key's points are spread across their column.
function scatter(p: ParamsResponse, model: ParallelModel, index: number): HTMLElement {
  const key = p.keys[index]!;
  const runs = plottedRuns(p);
  const x = keyAxis(key, runs);
  const y = numericAxis(
    'metric',
    runs.map((r) => r.metric),
    false,
  );
  const canvas = el('canvas', {});
  const ctx = sharpCanvas(canvas, SIZE.width, SIZE.height);
  drawAxis(ctx, x, true);
  drawAxis(ctx, y, false);
  const cell = x.categories ? (SIZE.width - PAD.left - PAD.right) / x.categories.length : 0;
  let points = 0;
  runs.forEach((r, i) => {
    const [px, py] = [x.place(r.values[key.key] ?? null), y.place(r.metric)];
    if (px === null || py === null) return;
    points++;
    ctx.fillStyle = model.colours[i]!;
    ctx.strokeStyle = INK;
    ctx.beginPath();
    ctx.arc(toPx(px, PAD.left, SIZE.width - PAD.right) + jitter(r.id, cell * 0.5), toPx(py, SIZE.height - PAD.bottom, PAD.top), 4, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  });
  const title = `${key.key}${x.scale?.log ? ' (log)' : ''}`;
  return el('figure', { class: 'scatter', 'data-testid': 'param-scatter', 'data-key': key.key, 'data-points': String(points) }, canvas, el('figcaption', { title: key.key }, title));
}

/** Draws the parameters of `p` into `host`. */
export function drawParams(host: HTMLElement, p: ParamsResponse): void {
  const model = parallelModel(p);
  host.dataset['keys'] = String(p.keys.length);
  host.dataset['runs'] = String(model.runs.length);
  const metric = p.metric ? `${p.metric.name} (${p.metric.direction === 'maximize' ? 'higher' : 'lower'} is better)` : 'metric';
  const about = `session ${p.session ?? '—'} · ${model.runs.length} finished run(s) · y: ${metric}`;
  const parallel = el('div', { class: 'parallel' });
  replace(
    host,
    el('div', { class: 'toolbar' }, el('strong', {}, 'Parameters'), el('span', { class: 'muted' }, about)),
    p.policyProblem && el('p', { class: 'muted', 'data-testid': 'policy-problem' }, `${p.policyProblem}: the keys shown are those the runs changed`),
    el('div', { class: 'scatters' }, ...p.keys.map((_, i) => scatter(p, model, i))),
    el('h3', {}, 'Parallel coordinates'),
    parallel,
  );
  if (model.runs.length === 0) return void replace(parallel, el('p', { class: 'muted' }, 'no finished run to draw yet'));
  renderParallel(parallel, model, p.metric?.name ?? 'metric');
}

/** Shows the parameters view in `main` (root `data-testid="params"`), reading `GET /api/params`. */
export async function renderParams(main: HTMLElement): Promise<void> {
  const host = el('section', { class: 'params', 'data-testid': 'params' }, el('p', { class: 'muted' }, 'loading parameters…'));
  replace(main, host);
  try {
    drawParams(host, await api.params());
  } catch (e) {
    replace(host, el('p', { class: 'error', 'data-testid': 'error' }, `parameters: ${(e as Error).message}`));
  }
}
