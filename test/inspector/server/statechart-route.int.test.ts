import { describe, expect, it } from 'vitest';
import type { StatechartResponse } from '../../../inspector/api.js';
import { createInspectorApp } from '../../../inspector/server/app.js';
import { edgeCounts, loopStatechart } from '../../../projections/inspector/statechart.js';
import { errorsOf, fromLog, useInspectedHistory } from '../../support/inspector.js';
import { fakeTrainerWorkspace } from '../../support/workspace.js';

const graph = loopStatechart();

describe('GET /api/statechart on an imported history (loop-2)', () => {
  const h = useInspectedHistory('loop-2');

  it("gives the graph, the build's layout, and the latest session's counts, state and last edge", async () => {
    const body = (await (await h.get('/api/statechart')).json()) as StatechartResponse;
    expect(body).toMatchObject({ graph, ...fromLog(h.ws, (s) => edgeCounts(graph, s.readAll(), '0001')) });
    expect(body.current).toBe('done');
    expect(body.last).toMatch(/\|done$/);
    expect(Object.values(body.counts).reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    expect(Object.keys(body.layout!.nodes).sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    expect(Object.keys(body.layout!.edges).sort()).toEqual(graph.edges.map((e) => e.id).sort());
    expect(await (await h.get('/api/statechart?session=0001')).json()).toEqual(body);
  });

  it('answers a session that is not an id with a 400, and one the log lacks with a 404 naming those it holds', async () => {
    expect(await errorsOf(h.get, ['/api/statechart?session=../x', '/api/statechart?session=0009'])).toEqual([
      ['/api/statechart?session=../x', 400, 'session "../x" is not one: give a session id such as 0001'],
      ['/api/statechart?session=0009', 404, 'no session 0009 in the log; sessions are 0001'],
    ]);
  });
});

describe('GET /api/statechart on an empty workspace', () => {
  it('gives the graph with no counts, state or edge', async () => {
    const inspector = createInspectorApp({ workspace: fakeTrainerWorkspace(), allowedHosts: null });
    try {
      expect(await (await inspector.app.request('http://localhost/api/statechart')).json()).toMatchObject({ graph, counts: {}, unmatched: 0, current: null, last: null });
    } finally {
      inspector.close();
    }
  });
});
