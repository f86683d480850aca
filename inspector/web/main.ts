/**
 * The inspector's page: a header with the workspace and its sessions, tabs, and the view the URL's
 * hash names. Data comes from the inspector's API on the same origin; nothing is fetched elsewhere.
 */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import type { MetaResponse, RunRow } from '../api.js';
import { api } from './api-client.js';
import { showTimeTravel } from './at-view.js';
import { el, replace } from './dom.js';
import { showExportNote } from './embedded.js';
import { curvesOnEvent, renderCurves } from './curves-view.js';
import { renderLabbook } from './labbook-view.js';
import { renderParams } from './params-view.js';
import { renderProgress } from './progress-view.js';
import { parseHash, tabOf, TABS, type Route } from './router.js';
import { renderRun } from './run-view.js';
import { renderRunsTable } from './runs-view.js';
import { StatechartView } from './statechart-view.js';
import { LiveTail } from './tail-view.js';

const app = document.getElementById('app')!;
const main = el('main', { id: 'view' });
const nav = el('nav', { class: 'tabs' });
/** The header's count of events, kept current by the live tail. */
const events = el('span', { 'data-testid': 'event-count' });
/** The rows as last asked for (null: ask again); a promise, so a view and the start-up prefetch share one request. */
let rows: Promise<RunRow[]> | null = null;
let painted = false;
/** The runs table on show, to follow the log with (null on any other view). */
let table: ((rows: RunRow[]) => void) | null = null;
let follow: 'idle' | 'busy' | 'again' = 'idle';

function loadRows(): Promise<RunRow[]> {
  const asked = (rows ??= api.runs().then((r) => r.rows));
  // A failed read is not kept: the next view asks again.
  asked.catch(() => {
    if (rows === asked) rows = null;
  });
  return asked;
}

function error(where: string, e: unknown): HTMLElement {
  return el('p', { class: 'error', 'data-testid': 'error' }, `${where}: ${(e as Error).message}`);
}

// The runs view: the progress chart above the table; the first time both are drawn marks the first paint.
async function showRuns(meta: MetaResponse): Promise<void> {
  const chartHost = el('section', { class: 'progress' });
  const tableHost = el('section', { class: 'runs' });
  replace(main, chartHost, tableHost);
  let all: RunRow[];
  try {
    all = await loadRows();
  } catch (e) {
    return replace(main, error('runs', e));
  }
  const updateTable = renderRunsTable(tableHost, all);
  // uPlot paints on its own schedule: the mark waits for its first draw (the table is drawn by then).
  const updateChart = renderProgress(chartHost, all, meta.metric ?? meta.sessions.at(-1)?.metric ?? null, () => {
    if (painted) return;
    painted = true;
    performance.mark('ap:first-paint');
  });
  table = (r) => {
    updateTable(r);
    updateChart(r);
  };
}

function header(meta: MetaResponse): HTMLElement {
  const last = meta.sessions.at(-1);
  // Each part only when the server sent it.
  const about = last ? [`session ${last.session}`, last.status, last.state && `(${last.state})`].filter(Boolean).join(' ') + ' · ' : '';
  events.textContent = `${meta.lastSeq} events`;
  return el('header', {}, el('h1', {}, 'autopilot inspector'), el('span', { class: 'muted', 'data-testid': 'workspace' }, `${meta.workspace} · ${about}`, events));
}

// While the runs table is shown it follows the log: new rows at most every 500 ms, and once more after the last event.
function followRuns(): void {
  if (!table) return;
  if (follow !== 'idle') return void (follow = 'again');
  follow = 'busy';
  setTimeout(() => {
    rows = null;
    void loadRows()
      .then((r) => table?.(r))
      .catch(() => {}) // the table stays as it was; the next event tries again
      .finally(() => {
        const again = follow === 'again';
        follow = 'idle';
        if (again) followRuns();
      });
  }, 500);
}

async function show(meta: MetaResponse, tail: LiveTail, statechart: StatechartView): Promise<void> {
  const route: Route = parseHash(location.hash);
  table = null;
  const tab = tabOf(route);
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset['view'] === tab);
  main.dataset['view'] = route.view;
  if (route.view === 'runs') return showRuns(meta);
  if (route.view === 'progress') {
    const host = el('section', { class: 'progress' });
    replace(main, host);
    try {
      table = renderProgress(host, await loadRows(), meta.metric ?? null);
    } catch (e) {
      replace(main, error('runs', e));
    }
    return;
  }
  if (route.view === 'run') return renderRun(main, route.id, await loadRows().catch(() => null));
  if (route.view === 'tail') return tail.render(main);
  if (route.view === 'statechart') return statechart.render(main);
  if (route.view === 'params') return renderParams(main);
  if (route.view === 'curves') return renderCurves(main, route.ids, (await loadRows().catch(() => null)) ?? [], meta.metric ?? meta.sessions.at(-1)?.metric ?? null);
  if (route.view === 'at') return showTimeTravel(main, route.seq, meta.lastSeq);
  return renderLabbook(main);
}

// An empty workspace: say how to start, and look again every 2 s until a log appears.
function emptyState(meta: MetaResponse): void {
  replace(app, header(meta), el('p', { class: 'empty', 'data-testid': 'empty' }, 'no runs yet — start ', el('code', {}, 'autopilot loop')));
  const poll = setInterval(() => {
    void api.meta().then((m) => {
      if (!m.empty) {
        clearInterval(poll);
        location.reload();
      }
    });
  }, 2000);
}

async function start(): Promise<void> {
  let meta: MetaResponse;
  // Asked for beside the meta data, not after it: the first paint waits for both.
  void loadRows().catch(() => {});
  try {
    meta = await api.meta();
  } catch (e) {
    return replace(app, error('inspector', e));
  }
  if (meta.empty) return emptyState(meta);
  for (const t of TABS) nav.append(el('a', { href: t.hash, 'data-view': t.view }, t.label));
  replace(app, header(meta), nav, main);
  showExportNote();
  const tail = new LiveTail(meta.lastSeq);
  // New events may change the rows: read them again when the runs are next shown, or now if they are.
  const statechart = new StatechartView(meta);
  tail.onEvent = (e) => {
    rows = null;
    events.textContent = `${e.seq} events`;
    followRuns();
    statechart.onEvent(e);
    curvesOnEvent(e);
  };
  tail.onMachine = (r) => statechart.onMachine(r);
  tail.resume();
  window.addEventListener('hashchange', () => void show(meta, tail, statechart));
  await show(meta, tail, statechart);
}

void start();
