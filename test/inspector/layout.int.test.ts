import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edgeLabel, LAYOUT_FILE, layoutStatechart, readLayoutFile, statechartHash } from '../../inspector/layout.js';
import { loopStatechart } from '../../projections/inspector/statechart.js';

const graph = loopStatechart();

describe('the statechart layout (ELK, layered)', () => {
  it('places every state in the drawing and routes every edge, with its label', async () => {
    const layout = await layoutStatechart(graph);
    expect(Object.keys(layout.nodes).sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    expect(Object.keys(layout.edges).sort()).toEqual(graph.edges.map((e) => e.id).sort());
    for (const [id, box] of Object.entries(layout.nodes)) {
      expect(box.width, id).toBeGreaterThan(0);
      expect(box.x + box.width, id).toBeLessThanOrEqual(layout.width);
      expect(box.y + box.height, id).toBeLessThanOrEqual(layout.height);
    }
    for (const [id, edge] of Object.entries(layout.edges)) {
      expect(edge.points.length, id).toBeGreaterThanOrEqual(2);
      expect(edge.label, id).toBeDefined();
    }
  });

  it('labels an edge with its event and guards, an eventless one as always', () => {
    expect(edgeLabel({ id: 'a|E|b', source: 'a', target: 'b', event: 'E', guards: [] })).toBe('E');
    expect(edgeLabel({ id: 'a||b', source: 'a', target: 'b', event: null, guards: ['g1', 'g2'] })).toBe('always [g1, g2]');
  });

  it('is stored by the build under the hash of the graph walked now', () => {
    const stored = readLayoutFile(LAYOUT_FILE, statechartHash(graph));
    expect(stored).not.toBeNull();
    expect(Object.keys(stored!.nodes).sort()).toEqual(graph.nodes.map((n) => n.id).sort());
  });

  it('is not read from a file made from another graph, or from one that is no layout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'layout-'));
    const file = join(dir, 'statechart-layout.json');
    writeFileSync(file, JSON.stringify({ hash: 'another graph', layout: { width: 1, height: 1, nodes: {}, edges: {} } }));
    expect(readLayoutFile(file, statechartHash(graph))).toBeNull();
    writeFileSync(file, '{not json');
    expect(readLayoutFile(file, statechartHash(graph))).toBeNull();
    expect(readLayoutFile(join(dir, 'missing.json'), statechartHash(graph))).toBeNull();
    expect(statechartHash({ ...graph, initial: 'propose' })).not.toBe(statechartHash(graph));
  });
});
