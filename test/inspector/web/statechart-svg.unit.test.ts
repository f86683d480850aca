import { describe, expect, it } from 'vitest';
import type { StatechartGraph, StatechartResponse } from '../../../inspector/api.js';
import { columnLayout } from '../../../inspector/web/statechart-column.js';
import { afterRecord, parseMachineRecord, stateKeyOf } from '../../../inspector/web/statechart-live.js';
import { statechartSvg, svgText, type SvgNode } from '../../../inspector/web/statechart-svg.js';
import { hashOf, parseHash, tabOf, TABS } from '../../../inspector/web/router.js';
import { loopStatechart } from '../../../projections/inspector/statechart.js';

const graph = loopStatechart();

/** Every element of `tree` (depth first) that `keep` accepts. */
function all(tree: SvgNode, keep: (n: SvgNode) => boolean): SvgNode[] {
  const below = tree.children.flatMap((c) => (typeof c === 'string' ? [] : all(c, keep)));
  return keep(tree) ? [tree, ...below] : below;
}
const text = (n: SvgNode): string => n.children.map((c) => (typeof c === 'string' ? c : text(c))).join('');
const classes = (n: SvgNode): string[] => (n.attrs['class'] ?? '').split(' ');
const states = (tree: SvgNode) => all(tree, (n) => n.attrs['data-state'] !== undefined);
const edges = (tree: SvgNode) => all(tree, (n) => n.attrs['data-edge'] !== undefined);

const counts = { 'validate|ProposalAccepted|train': 3, 'deciding||done': 1, 'train|RunFinished|evaluate': 2 };
const response = (over: Partial<StatechartResponse> = {}): StatechartResponse => ({
  graph,
  layout: columnLayout(graph),
  counts,
  unmatched: 0,
  current: 'done',
  last: 'deciding||done',
  ...over,
});

describe('the statechart drawing', () => {
  it('draws each state once, with its key, its invoked actors and a double border when final', () => {
    const tree = statechartSvg(response());
    const drawn = states(tree);
    expect(drawn.map((s) => s.attrs['data-state'])).toEqual(graph.nodes.map((n) => n.key));
    for (const s of graph.nodes) {
      const g = drawn.find((d) => d.attrs['data-state'] === s.key)!;
      expect(all(g, (n) => classes(n).includes('key')).map(text)).toEqual([s.key]);
      expect(all(g, (n) => n.attrs['data-invoke'] !== undefined).map((n) => n.attrs['data-invoke'])).toEqual(s.invokes);
      expect(all(g, (n) => n.tag === 'rect')).toHaveLength(s.type === 'final' ? 2 : 1);
    }
    expect(graph.nodes.filter((n) => n.invokes.length > 0).length).toBeGreaterThan(3);
  });

  it('draws each edge along its layout points, labelled with its event and count, its guards in the tooltip', () => {
    const sc = response();
    const tree = statechartSvg(sc);
    const drawn = edges(tree);
    expect(drawn.map((e) => e.attrs['data-edge'])).toEqual(graph.edges.map((e) => e.id));
    for (const e of graph.edges) {
      const g = drawn.find((d) => d.attrs['data-edge'] === e.id)!;
      const count = counts[e.id as keyof typeof counts] ?? 0;
      expect(g.attrs['data-count']).toBe(String(count));
      const line = all(g, (n) => n.tag === 'polyline')[0]!;
      expect(line.attrs['points']!.split(' ').map((p) => p.split(',').map(Number))).toEqual(
        sc.layout!.edges[e.id]!.points.map(([x, y]) => [Math.round(x * 100) / 100, Math.round(y * 100) / 100]),
      );
      expect(line.attrs['marker-end']).toMatch(/^url\(#sc-arrow/);
      const label = text(all(g, (n) => classes(n).includes('edge-label'))[0]!);
      expect(label).toBe(count > 0 ? `${e.event ?? 'always'} ×${count}` : (e.event ?? 'always'));
      const title = text(all(g, (n) => n.tag === 'title')[0]!);
      for (const guard of e.guards) expect(title).toContain(guard);
    }
  });

  it('marks the current state and the last edge taken, and nothing else', () => {
    const tree = statechartSvg(response({ current: 'train', last: 'validate|ProposalAccepted|train' }));
    expect(
      states(tree)
        .filter((s) => classes(s).includes('current'))
        .map((s) => s.attrs['data-state']),
    ).toEqual(['train']);
    const last = edges(tree).filter((e) => classes(e).includes('last'));
    expect(last.map((e) => e.attrs['data-edge'])).toEqual(['validate|ProposalAccepted|train']);
    expect(all(last[0]!, (n) => n.tag === 'polyline')[0]!.attrs['marker-end']).toBe('url(#sc-arrow-last)');
    expect(edges(tree).filter((e) => classes(e).includes('taken'))).toHaveLength(Object.keys(counts).length);
    const none = statechartSvg(response({ current: null, last: null }));
    expect(all(none, (n) => classes(n).includes('current') || classes(n).includes('last'))).toEqual([]);
  });

  it('without a layout, draws every state and edge in a column inside the drawing', () => {
    const tree = statechartSvg(response({ layout: null }));
    expect(tree.attrs['data-fallback']).toBe('column');
    expect(states(tree)).toHaveLength(graph.nodes.length);
    expect(edges(tree)).toHaveLength(graph.edges.length);
    const [w, h] = [Number(tree.attrs['width']), Number(tree.attrs['height'])];
    for (const line of all(tree, (n) => n.tag === 'polyline'))
      for (const [x, y] of line.attrs['points']!.split(' ').map((p) => p.split(',').map(Number))) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(w);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThanOrEqual(h);
      }
  });

  it('escapes every string in its markup', () => {
    const hostile: StatechartGraph = {
      id: 'x',
      initial: '<a>',
      nodes: [
        { id: 'x.<a>', key: '<a>', type: 'atomic', invokes: ['"&\''], internal: [] },
        { id: 'x.b', key: 'b', type: 'final', invokes: [], internal: [] },
      ],
      edges: [{ id: '<a>|<script>|b', source: '<a>', target: 'b', event: '<script>', guards: ['</title><img>'] }],
    };
    const markup = svgText(statechartSvg({ graph: hostile, layout: null, counts: {}, unmatched: 0, current: '<a>', last: null }));
    expect(markup).not.toMatch(/<(a|script|img)[ >]/);
    expect(markup).not.toContain('</title><img>');
    expect(markup).toContain('&lt;script&gt;');
    expect(markup).toContain('invoke &quot;&amp;&#39;');
  });
});

describe('the live machine records', () => {
  const micro = (value: unknown, event: string, root = true) => ({ kind: 'microstep', root, value, event });

  it('moves to each microstep’s state along the edge of its event, else an eventless one', () => {
    let at = afterRecord(graph, { current: null, last: null }, micro('bootstrap', 'xstate.init'));
    expect(at).toEqual({ current: 'bootstrap', last: null });
    at = afterRecord(graph, at, micro('validate', 'RunPlanned'));
    expect(at).toEqual({ current: 'validate', last: 'bootstrap|RunPlanned|validate' });
    at = afterRecord(graph, { current: 'journal', last: null }, micro('deciding', 'JournalWritten'));
    // The eventless step taken in the same macrostep carries the macrostep's event.
    expect(afterRecord(graph, at, micro('propose', 'JournalWritten'))).toEqual({ current: 'propose', last: 'deciding||propose' });
  });

  it('keeps its place for records that are no root microstep or name no state; a re-entry takes the self edge', () => {
    const at = { current: 'train', last: 'validate|ProposalAccepted|train' };
    expect(afterRecord(graph, at, micro('evaluate', 'RunFinished', false))).toBe(at);
    expect(afterRecord(graph, at, { kind: 'event', root: true, event: 'RunFinished' })).toBe(at);
    expect(afterRecord(graph, at, micro('nowhere', 'RunFinished'))).toBe(at);
    expect(afterRecord(graph, at, micro('train', 'RunStarted'))).toEqual(at);
    expect(afterRecord(graph, at, micro('train', 'RunFailed'))).toEqual({ current: 'train', last: 'train|RunFailed|train' });
  });

  it('reads state values and records', () => {
    expect(stateKeyOf('train')).toBe('train');
    expect(stateKeyOf({ a: { b: 'c' } })).toBe('a.b.c');
    expect(stateKeyOf({ a: {} })).toBe('a');
    expect(stateKeyOf(null)).toBeNull();
    expect(stateKeyOf(3)).toBeNull();
    expect(parseMachineRecord('{"kind":"microstep","value":"train","event":"x","root":true}')).toEqual({ kind: 'microstep', value: 'train', event: 'x', root: true });
    for (const bad of ['[]', '3', '{"value":"x"}', 'nope', 'null']) expect(parseMachineRecord(bad)).toBeNull();
  });
});

describe('the statechart route', () => {
  it('is #/statechart, under its own tab', () => {
    expect(parseHash('#/statechart')).toEqual({ view: 'statechart' });
    expect(hashOf({ view: 'statechart' })).toBe('#/statechart');
    expect(tabOf({ view: 'statechart' })).toBe('statechart');
    expect(TABS.find((t) => t.view === 'statechart')).toEqual({ view: 'statechart', label: 'Statechart', hash: '#/statechart' });
  });
});
