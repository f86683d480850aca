import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { statechartHash, type LayoutFile } from '../../inspector/layout.js';
import { loopStatechart } from '../../projections/inspector/statechart.js';
import { ROOT } from '../support/workspace.js';

describe('the build step that stores the statechart layout', () => {
  it('writes the layout of every state and edge under the hash of the graph', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'layout-build-')), 'nested', 'statechart-layout.json');
    await execa('node', [join(ROOT, 'dist', 'inspector', 'layout-statechart.js'), out]);
    const graph = loopStatechart();
    const stored = JSON.parse(readFileSync(out, 'utf8')) as LayoutFile;
    expect(stored.hash).toBe(statechartHash(graph));
    expect(Object.keys(stored.layout.nodes).sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    expect(Object.keys(stored.layout.edges).sort()).toEqual(graph.edges.map((e) => e.id).sort());
  });
});
