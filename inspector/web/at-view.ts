/**
 * Time travel (`#/at/N`): a slider and step buttons over the log (and ←/→). At seq N it shows the
 * event, the machine's state, status and context as `autopilot replay --at N --json` reports them,
 * what changed since N-1, and the runs table as of N. A dragged slider reads only once it rests,
 * and an answer for a seq no longer asked for is dropped (its request aborted). What changed needs
 * the report at N-1: kept from the step before, else read with N's (`/api/at/N/step`), or after the
 * rest is drawn where that route is not to be had. `ap:at-rendered`
 * is marked once all of seq N is on the page.
 */
import type { ReplayReport, TimeTravelData } from '../api.js';
import { api } from './api-client.js';
import { changesPane } from './at-changes.js';
import { whatChanged } from './at-diff.js';
import { el, pre, replace } from './dom.js';
import { fmtTime } from './format.js';
import { renderRunsTable } from './runs-view.js';

/** How long the slider must rest before its seq is read (ms). */
export const SLIDER_REST_MS = 120;
/** Replay reports the page keeps, by seq (a step forward finds N-1's there). */
const KEPT_REPORTS = 16;

/** The steps the buttons take, with their labels. */
const STEPS = [
  { by: -Infinity, label: '|← first', title: 'first event' },
  { by: -10, label: '−10', title: '10 events back' },
  { by: -1, label: '−1', title: 'previous event (←)' },
  { by: 1, label: '+1', title: 'next event (→)' },
  { by: 10, label: '+10', title: '10 events on' },
  { by: Infinity, label: 'last →|', title: 'last event' },
] as const;

const typing = (t: EventTarget | null) => t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || (t instanceof HTMLInputElement && t.type !== 'button');

/** The view: built once, then moved from seq to seq. */
class TimeTravel {
  readonly root = el('section', { class: 'time-travel', 'data-testid': 'time-travel' });
  private readonly slider = el('input', { type: 'range', min: '1', step: '1', 'aria-label': 'sequence number', 'data-testid': 'at-slider' });
  private readonly label = el('span', { class: 'at-seq', 'data-testid': 'at-seq' });
  private readonly body = el('div', { class: 'at-body' });
  // The runs table and its title stay from step to step, so its sort, filter and scroll do too.
  private readonly runsTitle = el('h2', {});
  private readonly runsHost = el('section', { class: 'runs at-runs', 'data-testid': 'at-runs' });
  private updateRuns: ((rows: TimeTravelData['runs']['rows']) => void) | null = null;
  /** Which of the folded sections the reader has open. */
  private readonly open = { context: true, view: false };
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private controller: AbortController | null = null;
  private readonly reports = new Map<number, ReplayReport>();

  constructor(private lastSeq: number) {
    this.slider.addEventListener('input', () => this.goTo(Number(this.slider.value), SLIDER_REST_MS));
    const buttons = STEPS.map((s) => {
      const b = el('button', { type: 'button', title: s.title, 'data-step': String(s.by) }, s.label);
      b.addEventListener('click', () => this.goTo(this.seq + s.by));
      return b;
    });
    this.setLast(lastSeq);
    const runs = el('div', { class: 'at-runs-pane' }, this.runsTitle, this.runsHost);
    runs.hidden = true;
    replace(this.root, el('div', { class: 'at-controls' }, ...buttons.slice(0, 3), this.slider, ...buttons.slice(3), this.label), this.body, runs);
    document.addEventListener('keydown', this.onKey);
  }

  /** Moves to `seq` (clamped to the log), writes it in the hash, and reads it after `delay` ms. */
  goTo(seq: number, delay = 0): void {
    const to = Math.min(this.lastSeq, Math.max(1, seq));
    this.seq = to;
    this.slider.value = String(to);
    this.label.textContent = `#${to} of ${this.lastSeq}`;
    // replaceState: stepping through thousands of events must not fill the browser's history.
    if (location.hash !== `#/at/${to}`) history.replaceState(null, '', `#/at/${to}`);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load(to), delay);
  }

  /** Takes a longer log into the slider's range. */
  setLast(lastSeq: number): void {
    this.lastSeq = Math.max(1, lastSeq);
    this.slider.max = String(this.lastSeq);
    if (this.seq) this.label.textContent = `#${this.seq} of ${this.lastSeq}`;
  }

  private readonly onKey = (e: KeyboardEvent): void => {
    if (!this.root.isConnected) return document.removeEventListener('keydown', this.onKey);
    // The slider steps itself on ←/→ (and says so with an input event); a text field keeps its keys.
    if ((e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') || e.target === this.slider || typing(e.target) || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    this.goTo(this.seq + (e.key === 'ArrowRight' ? 1 : -1));
  };

  private async load(seq: number): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.root.dataset['loading'] = String(seq);
    const current = () => !controller.signal.aborted && seq === this.seq && this.root.isConnected;
    try {
      // What changed needs N-1 too: unless kept from the step before, read with N (the server folds both in one pass).
      const kept = seq === 1 ? null : this.reports.get(seq - 1);
      const data = await api.at(seq, controller.signal, kept === undefined);
      if (!current()) return;
      this.keep(data.report);
      const changes = this.draw(data);
      // Where N-1 did not come with N (a static export holds no `/step` answers): read now.
      const previous = kept !== undefined ? kept : data.before !== undefined ? data.before : await api.replay(seq - 1, controller.signal);
      if (!current()) return;
      if (previous) this.keep(previous);
      replace(changes, ...changesPane(whatChanged(previous, data.report), seq));
    } catch (e) {
      if (!current()) return;
      delete this.root.dataset['loading'];
      this.runsHost.parentElement!.hidden = true;
      return replace(this.body, el('p', { class: 'error', 'data-testid': 'error' }, `seq ${seq}: ${(e as Error).message}`));
    }
    delete this.root.dataset['loading'];
    this.root.dataset['seq'] = String(seq);
    performance.mark('ap:at-rendered', { detail: { seq } });
  }

  private keep(report: ReplayReport): void {
    this.reports.delete(report.seq);
    this.reports.set(report.seq, report);
    if (this.reports.size > KEPT_REPORTS) this.reports.delete(this.reports.keys().next().value!);
  }

  /** Draws everything but what changed; returns the section that will hold it. */
  private draw({ seq, report, payload, runs }: TimeTravelData): HTMLElement {
    const m = report.machine;
    const eventPane = el(
      'section',
      { class: 'at-event', 'data-testid': 'at-event' },
      el('h2', {}, `Event #${seq}`),
      el(
        'dl',
        { class: 'summary' },
        ...pair('type', report.type, 'at-type'),
        ...pair('stream', report.stream),
        ...pair('time', fmtTime(report.at)),
        ...pair('summary', report.summary ?? '—'),
      ),
      el('h3', {}, 'Payload'),
      payload
        ? withId(pre(JSON.stringify(payload.data, null, 2), 'json'), 'at-payload')
        : el('p', { class: 'muted', 'data-testid': 'at-payload' }, 'not held here (a static export keeps no row for this event)'),
    );
    const machinePane = el(
      'section',
      { class: 'at-machine', 'data-testid': 'at-machine' },
      el('h2', {}, `Machine (session ${m.session}, folded from #${m.from_seq})`),
      el('dl', { class: 'summary' }, ...pair('state', m.state, 'at-state'), ...pair('status', m.status, 'at-status')),
      this.folded('context', 'context', withId(pre(JSON.stringify(m.context, null, 2), 'json'), 'at-context')),
      this.folded('view', 'view summary', withId(pre(JSON.stringify(report.view, null, 2), 'json'), 'at-view-summary')),
    );
    const changes = el('section', { class: 'at-changes', 'data-testid': 'at-changes' }, el('p', { class: 'muted' }, `reading #${seq - 1}…`));
    replace(this.body, el('div', { class: 'at-panes' }, eventPane, machinePane), changes);
    this.runsTitle.textContent = `Runs as of #${seq}`;
    this.runsHost.parentElement!.hidden = false;
    if (this.updateRuns) this.updateRuns(runs.rows);
    else this.updateRuns = renderRunsTable(this.runsHost, runs.rows);
    return changes;
  }

  /** A `<details>` that opens as the reader last left it. */
  private folded(key: keyof TimeTravel['open'], title: string, content: HTMLElement): HTMLDetailsElement {
    const d = el('details', {}, el('summary', {}, title), content);
    d.open = this.open[key];
    d.addEventListener('toggle', () => (this.open[key] = d.open));
    return d;
  }
}

function pair(term: string, value: string, testid?: string): HTMLElement[] {
  return [el('dt', {}, term), el('dd', testid ? { 'data-testid': testid } : {}, value)];
}

function withId<T extends HTMLElement>(node: T, testid: string): T {
  node.dataset['testid'] = testid;
  return node;
}

let mounted: TimeTravel | null = null;

/** Shows time travel at `seq` (null: the last event) in `host`, moving the view already there if there is one. */
export async function showTimeTravel(host: HTMLElement, seq: number | null, lastSeq: number): Promise<void> {
  // The log may have grown since the page read it (a live loop): the slider reaches its end as it is now.
  const last = (await api.meta().catch(() => null))?.lastSeq ?? lastSeq;
  if (!location.hash.startsWith('#/at')) return; // the reader moved on meanwhile
  if (!mounted || mounted.root.parentElement !== host) {
    mounted = new TimeTravel(last);
    replace(host, mounted.root);
  } else mounted.setLast(last);
  mounted.goTo(seq ?? last);
}
