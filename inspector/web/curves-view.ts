/**
 * The learning-curves view (`#/curves`, `#/curves/007,012`): several runs' curves overlaid (uPlot,
 * one series per run), a run picker, and the running run's curve refetched (at most once a second)
 * as the live tail brings its `RunProgress` events.
 */
import uPlot from 'uplot';
import type { CurveResponse, MetricInfo, RunRow } from '../api.js';
import type { TailEvent } from './tail-buffer.js';
import { api } from './api-client.js';
import { seriesColour } from './colour-map.js';
import { defaultCurveRuns, overlayCurves, runList, withLatest } from './curves-data.js';
import { el, replace } from './dom.js';
import { hashOf } from './router.js';
import { Throttle } from './throttle.js';

/** The view on screen, told of each new event of the live tail (null: not shown). */
let shown: { host: HTMLElement; onEvent(e: TailEvent): void } | null = null;

/** Hands a live-tail event to the curves view if it is on screen (main.ts chains it on the tail's `onEvent`). */
export function curvesOnEvent(e: TailEvent): void {
  if (shown && !shown.host.isConnected) shown = null;
  shown?.onEvent(e);
}

const curvesHash = (ids: readonly string[]) => hashOf({ view: 'curves', ids: [...ids] });

// The picker: the ids shown (editable), and a list to add any run from.
function picker(ids: readonly string[], rows: readonly RunRow[]): HTMLElement {
  const input = el('input', { type: 'text', 'data-testid': 'curve-runs', value: ids.join(','), size: '24', title: 'run ids, comma-separated' });
  input.addEventListener('change', () => (location.hash = curvesHash(runList(input.value))));
  const add = el(
    'select',
    { 'data-testid': 'curve-add' },
    el('option', { value: '' }, 'add a run…'),
    ...rows.filter((r) => !ids.includes(r.id)).map((r) => el('option', { value: r.id }, `${r.id} · ${r.status}`)),
  );
  add.addEventListener('change', () => add.value && (location.hash = curvesHash([...ids, add.value])));
  return el('span', { class: 'picker' }, 'runs ', input, add);
}

/** Shows the curves of `ids` (none: the incumbent's and the latest run's) in `main`, root `data-testid="curves"`. */
export async function renderCurves(main: HTMLElement, asked: readonly string[], rows: readonly RunRow[], metric: MetricInfo | null): Promise<void> {
  const ids = asked.length > 0 ? [...asked] : defaultCurveRuns(rows, metric?.direction);
  const box = el('div', { class: 'chart', 'data-testid': 'curves-chart' });
  const note = el('p', { class: 'muted' });
  const toolbar = el('div', { class: 'toolbar' });
  const host = el('section', { class: 'curves', 'data-testid': 'curves' }, toolbar, note, box);
  replace(main, host);
  replace(toolbar, el('strong', {}, 'Learning curves'), picker(ids, rows));
  if (ids.length === 0) replace(note, 'no run to plot yet');

  const curves = new Map<string, CurveResponse | null>();
  let chart: uPlot | null = null;
  const fetchCurve = async (id: string) => curves.set(id, await api.curve(id).catch(() => null));
  const draw = () => {
    const listed = ids.map((id) => ({ id, points: curves.get(id)?.points ?? [] }));
    const o = overlayCurves(listed);
    box.dataset['series'] = ids.join(',');
    box.dataset['points'] = o.series.map((s) => s.filter((v) => v !== null).length).join(',');
    const missing = ids.filter((id) => curves.get(id) === null);
    const first = [...curves.values()].find((c) => c);
    replace(note, missing.length > 0 ? `no curve for run(s) ${missing.join(', ')}` : `${first?.metric ?? 'metric'} against ${first?.x ?? 'steps'}`);
    const data = [o.x, ...o.series] as uPlot.AlignedData;
    if (chart) return chart.setData(data);
    const opts: uPlot.Options = {
      width: Math.max(360, host.clientWidth - 16),
      height: 320,
      scales: { x: { time: false } },
      axes: [{ label: first?.x ?? 'step' }, { label: first?.metric ?? metric?.name ?? 'metric', size: 70 }],
      series: [{ label: 'step' }, ...ids.map((id, i) => ({ label: `run ${id}`, stroke: seriesColour(i), width: 2, spanGaps: true, points: { show: true, size: 5 } }))],
    };
    chart = new uPlot(opts, data, box);
  };
  await Promise.all(ids.map(fetchCurve));
  if (ids.length > 0) draw();

  // Live: the runs whose progress arrived since the last refetch, fetched again at most once a second.
  const stale = new Set<string>();
  const refetch = new Throttle(() => {
    const now = [...stale];
    stale.clear();
    void Promise.all(now.map(fetchCurve)).then(() => host.isConnected && draw());
  }, 1000);
  // Shown by default (no run named), the view follows the latest run: a run that starts replaces it.
  const follow = async (runId: string) => {
    ids.splice(0, ids.length, ...withLatest(ids, runId));
    replace(toolbar, el('strong', {}, 'Learning curves'), picker(ids, rows));
    chart?.destroy();
    chart = null;
    await fetchCurve(runId);
    if (host.isConnected) draw();
  };
  shown = {
    host,
    onEvent: (e) => {
      const runId = (e.data as { runId?: unknown } | null)?.runId;
      if (typeof runId !== 'string') return;
      if (e.type === 'RunStarted' && asked.length === 0 && !ids.includes(runId)) return void follow(runId);
      if (e.type !== 'RunProgress' || !ids.includes(runId)) return;
      stale.add(runId);
      refetch.request();
    },
  };
}
