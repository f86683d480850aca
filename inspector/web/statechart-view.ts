/**
 * The Statechart tab: the loop machine drawn from `GET /api/statechart` (its graph, the layout made
 * at build time, the session's edge counts), the current state and the last edge marked. While a
 * loop runs, each microstep of its machine moves the marks at once, and each new `StateEntered`
 * in the log reads the counts again; a finished history is drawn from the log alone. A session with
 * several runs in flight marks the state of each slot and lists its runs in flight.
 */
import type { MetaResponse, StatechartResponse } from '../api.js';
import { api } from './api-client.js';
import { el, replace } from './dom.js';
import { afterRecord, type MachinePosition, type MachineRecord } from './statechart-live.js';
import { slotsList } from './statechart-slots.js';
import { statechartSvg, type SvgNode } from './statechart-svg.js';
import type { TailEvent } from './tail-buffer.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Wait after a `StateEntered` before reading the counts again (a macrostep writes several at once). */
const REFRESH_MS = 250;

/** The DOM of an SVG tree; text goes in as text nodes only. */
function toDom(tree: SvgNode): SVGElement {
  const node = document.createElementNS(SVG_NS, tree.tag);
  for (const [k, v] of Object.entries(tree.attrs)) if (k !== 'xmlns') node.setAttribute(k, v);
  for (const c of tree.children) node.append(typeof c === 'string' ? document.createTextNode(c) : toDom(c));
  return node;
}

/** Lets the drawing be dragged around inside `scroller` (when it is larger than the box). */
function pannable(scroller: HTMLElement): void {
  let from: { x: number; y: number; left: number; top: number } | null = null;
  scroller.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    from = { x: e.clientX, y: e.clientY, left: scroller.scrollLeft, top: scroller.scrollTop };
    scroller.setPointerCapture(e.pointerId);
  });
  scroller.addEventListener('pointermove', (e) => {
    if (!from) return;
    scroller.scrollLeft = from.left - (e.clientX - from.x);
    scroller.scrollTop = from.top - (e.clientY - from.y);
  });
  const end = () => (from = null);
  scroller.addEventListener('pointerup', end);
  scroller.addEventListener('pointercancel', end);
}

/** The view: made once for the page, drawn into whatever host it is shown in, fed by the live tail. */
export class StatechartView {
  private readonly root = el('section', { class: 'statechart', 'data-testid': 'statechart' });
  private readonly scroller = el('div', { class: 'statechart-scroll fit', 'data-testid': 'statechart-canvas' });
  private readonly status = el('span', { class: 'muted', 'data-testid': 'statechart-status' });
  /** A slotted session's runs in flight (empty for one run at a time). */
  private readonly slots = el('div', { class: 'statechart-slots-box' });
  private readonly select = el('select', { 'data-testid': 'statechart-session' });
  private readonly fit = el('button', { type: 'button', class: 'on', 'data-testid': 'statechart-fit' }, 'fit');
  private data: StatechartResponse | null = null;
  private position: MachinePosition = { current: null, last: null };
  /** The session shown ('' = the latest). */
  private session = '';
  private timer: ReturnType<typeof setTimeout> | null = null;
  private loading: Promise<void> | null = null;

  constructor(meta: MetaResponse) {
    this.select.append(el('option', { value: '' }, 'latest session'), ...meta.sessions.map((s) => el('option', { value: s.session }, `session ${s.session}`)));
    this.select.addEventListener('change', () => {
      this.session = this.select.value;
      void this.load();
    });
    this.fit.addEventListener('click', () => {
      const on = this.scroller.classList.toggle('fit');
      this.fit.classList.toggle('on', on);
      this.fit.textContent = on ? 'fit' : '1:1';
    });
    pannable(this.scroller);
  }

  /** Shows the view in `host` and reads the statechart afresh. */
  async render(host: HTMLElement): Promise<void> {
    replace(this.root, el('div', { class: 'toolbar' }, el('strong', {}, 'Statechart'), this.select, this.fit, this.status), this.slots, this.scroller);
    replace(host, this.root);
    await this.load();
  }

  /** A new log event: a `StateEntered` of the session shown reads the counts again (soon, once for a burst). */
  onEvent(e: TailEvent): void {
    if (e.type !== 'StateEntered' || !this.root.isConnected) return;
    if (this.session !== '' && e.stream !== `session-${this.session}`) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.load();
    }, REFRESH_MS);
  }

  /** A live machine record: a microstep of the running loop moves the marks (on the latest session only). */
  onMachine(record: MachineRecord): void {
    if (!this.data || !this.root.isConnected || this.session !== '') return;
    const next = afterRecord(this.data.graph, this.position, record);
    if (next.current === this.position.current && next.last === this.position.last) return;
    this.position = next;
    this.root.dataset['moved'] = 'live';
    this.mark();
  }

  // Reads the statechart once at a time; a read asked for meanwhile runs after it.
  private async load(): Promise<void> {
    if (this.loading) {
      await this.loading;
      return this.load();
    }
    this.loading = this.fetchAndDraw().finally(() => (this.loading = null));
    return this.loading;
  }

  private async fetchAndDraw(): Promise<void> {
    try {
      this.data = await api.statechart(this.session || undefined);
    } catch (e) {
      replace(this.scroller, el('p', { class: 'error', 'data-testid': 'error' }, `statechart: ${(e as Error).message}`));
      return;
    }
    this.position = { current: this.data.current, last: this.data.last };
    // What last moved the marks: the log (a read) or a live record.
    this.root.dataset['moved'] = 'log';
    const { scrollLeft, scrollTop } = this.scroller;
    replace(this.scroller, toDom(statechartSvg(this.data)));
    replace(this.slots, slotsList(this.data.slots));
    this.scroller.scrollLeft = scrollLeft;
    this.scroller.scrollTop = scrollTop;
    this.mark();
  }

  // Moves the `current` and `last` classes to where the machine stands, and says so in the toolbar.
  private mark(): void {
    const { current, last } = this.position;
    for (const g of this.scroller.querySelectorAll('.state.current')) g.classList.remove('current');
    for (const g of this.scroller.querySelectorAll('.edge.last')) {
      g.classList.remove('last');
      g.querySelector('polyline')?.setAttribute('marker-end', 'url(#sc-arrow)');
    }
    if (current !== null) this.scroller.querySelector(`.state[data-state="${CSS.escape(current)}"]`)?.classList.add('current');
    const edge = last === null ? null : this.scroller.querySelector(`.edge[data-edge="${CSS.escape(last)}"]`);
    edge?.classList.add('last');
    edge?.querySelector('polyline')?.setAttribute('marker-end', 'url(#sc-arrow-last)');
    this.root.dataset['current'] = current ?? '';
    this.root.dataset['last'] = last ?? '';
    const taken = Object.values(this.data?.counts ?? {}).reduce((a, b) => a + b, 0);
    const unmatched = this.data?.unmatched ? ` · ${this.data.unmatched} unmatched` : '';
    const fallback = this.data && !this.data.layout ? ' · no layout: states in a column' : '';
    const slots = this.data?.slots ? ` · ${this.data.slots.length} slots · ${this.data.offChart ?? 0} moves the chart does not draw` : '';
    this.status.textContent = `state ${current ?? '—'}${slots} · ${taken} transitions taken${unmatched}${fallback}`;
  }
}
