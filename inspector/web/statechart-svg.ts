/**
 * The statechart as SVG, from `GET /api/statechart`: a box per state (its key, the actors it
 * invokes, a double border when final), a polyline with an arrowhead per transition (its event and
 * how often the log took it; the guards in its tooltip), the current state and the last edge taken
 * marked by class, and in a slotted session the state of each slot (named over its box). Built as
 * a plain tree (`SvgNode`) so it is pure and testable; the view turns it into DOM nodes, and
 * `svgText` into markup with every string escaped.
 */
import type { StatechartEdge, StatechartLayout, StatechartNode, StatechartResponse } from '../api.js';
import { columnLayout } from './statechart-column.js';

/** One SVG element: its tag, attributes and children (strings are text). */
export interface SvgNode {
  tag: string;
  attrs: Record<string, string>;
  children: (SvgNode | string)[];
}

const node = (tag: string, attrs: Record<string, string> = {}, ...children: (SvgNode | string)[]): SvgNode => ({ tag, attrs, children });

/** A number as an attribute: two decimals at most. */
const n = (v: number): string => String(Math.round(v * 100) / 100);

/** The text drawn on an edge: its event, `always` for an eventless one. */
export const edgeEvent = (e: StatechartEdge): string => e.event ?? 'always';

/** The edge's tooltip: the transition and its guards. */
export function edgeTitle(e: StatechartEdge, count: number): string {
  const guards = e.guards.length === 0 ? 'no guard' : `guards: ${e.guards.join(', ')}`;
  return `${e.source} → ${e.target} on ${edgeEvent(e)} (${guards}); taken ${count} time${count === 1 ? '' : 's'}`;
}

const ARROW = 'M0,0 L10,5 L0,10 z';

function defs(): SvgNode {
  const marker = (id: string) =>
    node(
      'marker',
      { id, viewBox: '0 0 10 10', refX: '10', refY: '5', markerWidth: '8', markerHeight: '8', orient: 'auto-start-reverse', markerUnits: 'userSpaceOnUse' },
      node('path', { d: ARROW }),
    );
  return node('defs', {}, marker('sc-arrow'), marker('sc-arrow-last'));
}

/** The slots whose state shows on each drawn state, by key (a slotted session's runs in flight). */
export function slotsByNode(slots: StatechartResponse['slots']): Map<string, number[]> {
  const by = new Map<string, number[]>();
  for (const s of slots ?? []) if (s.node !== null) by.set(s.node, [...(by.get(s.node) ?? []), s.slot]);
  return by;
}

function stateBox(s: StatechartNode, box: StatechartLayout['nodes'][string], current: boolean, initial: boolean, slots: number[] = []): SvgNode {
  const cls = ['state', s.type, current ? 'current' : '', initial ? 'initial' : '', slots.length > 0 ? 'in-flight' : ''].filter(Boolean).join(' ');
  const parts: SvgNode[] = [node('rect', { x: n(box.x), y: n(box.y), width: n(box.width), height: n(box.height), rx: '8' })];
  // A final state: a second border inside the first, as statecharts draw it.
  if (s.type === 'final') parts.push(node('rect', { class: 'inner', x: n(box.x + 4), y: n(box.y + 4), width: n(box.width - 8), height: n(box.height - 8), rx: '6' }));
  parts.push(node('text', { class: 'key', x: n(box.x + box.width / 2), y: n(box.y + 20) }, s.key));
  s.invokes.forEach((src, i) => parts.push(node('text', { class: 'invoke', 'data-invoke': src, x: n(box.x + box.width / 2), y: n(box.y + 36 + 16 * i) }, `invoke ${src}`)));
  const title = [`state ${s.key} (${s.type})`, ...s.invokes.map((i) => `invokes ${i}`), ...(s.internal.length > 0 ? [`handles in place: ${s.internal.join(', ')}`] : [])].join('\n');
  if (slots.length === 0) return node('g', { class: cls, 'data-state': s.key }, node('title', {}, title), ...parts);
  // The slots in this state, named above the box's top right corner.
  const badge = node('text', { class: 'slot-badge', x: n(box.x + box.width - 4), y: n(box.y - 4) }, `${slots.length === 1 ? 'slot' : 'slots'} ${slots.join(', ')}`);
  return node('g', { class: cls, 'data-state': s.key, 'data-slots': slots.join(' ') }, node('title', {}, `${title}\nslots here: ${slots.join(', ')}`), ...parts, badge);
}

function edgeLine(e: StatechartEdge, at: StatechartLayout['edges'][string], count: number, last: boolean): SvgNode {
  const cls = ['edge', count > 0 ? 'taken' : '', last ? 'last' : ''].filter(Boolean).join(' ');
  const points = at.points.map(([x, y]) => `${n(x)},${n(y)}`).join(' ');
  const mid = at.points[Math.floor(at.points.length / 2)] ?? [0, 0];
  const label = at.label ?? { x: mid[0] + 4, y: mid[1] - 14 };
  const text = node('text', { class: 'edge-label', x: n(label.x), y: n(label.y + 12) }, node('tspan', {}, edgeEvent(e)));
  if (count > 0) text.children.push(node('tspan', { class: 'edge-count' }, ` ×${count}`));
  return node(
    'g',
    { class: cls, 'data-edge': e.id, 'data-source': e.source, 'data-target': e.target, 'data-count': String(count) },
    node('title', {}, edgeTitle(e, count)),
    node('polyline', { points, 'marker-end': `url(#${last ? 'sc-arrow-last' : 'sc-arrow'})` }),
    text,
  );
}

/** The drawing of `sc`: its layout, or a column when it has none (then `fallback` is true on the root). */
export function statechartSvg(sc: StatechartResponse): SvgNode {
  const layout = sc.layout ?? columnLayout(sc.graph);
  const edges = node('g', { class: 'edges' });
  for (const e of sc.graph.edges) {
    const at = layout.edges[e.id];
    if (at && at.points.length >= 2) edges.children.push(edgeLine(e, at, sc.counts[e.id] ?? 0, e.id === sc.last));
  }
  const states = node('g', { class: 'states' });
  const inFlight = slotsByNode(sc.slots);
  for (const s of sc.graph.nodes) {
    const box = layout.nodes[s.id];
    if (box) states.children.push(stateBox(s, box, s.key === sc.current, s.key === sc.graph.initial, inFlight.get(s.key)));
  }
  const [w, h] = [Math.ceil(layout.width), Math.ceil(layout.height)];
  const attrs: Record<string, string> = { xmlns: 'http://www.w3.org/2000/svg', class: 'statechart-svg', viewBox: `0 0 ${w} ${h}`, width: String(w), height: String(h) };
  if (!sc.layout) attrs['data-fallback'] = 'column';
  // States after edges, so a box is never hidden under a line.
  return node('svg', attrs, defs(), edges, states);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** The markup of `tree`, every attribute value and text escaped. */
export function svgText(tree: SvgNode | string): string {
  if (typeof tree === 'string') return escape(tree);
  const attrs = Object.entries(tree.attrs)
    .map(([k, v]) => ` ${k}="${escape(v)}"`)
    .join('');
  return `<${tree.tag}${attrs}>${tree.children.map(svgText).join('')}</${tree.tag}>`;
}
