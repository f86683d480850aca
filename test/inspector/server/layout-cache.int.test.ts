import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StatechartLayout, StatechartResponse } from '../../../inspector/api.js';
import { statechartHash } from '../../../inspector/layout.js';
import { LayoutCache } from '../../../inspector/server/layout-cache.js';
import { createInspectorApp } from '../../../inspector/server/app.js';
import { loopStatechart } from '../../../projections/inspector/statechart.js';
import { historyWorkspace } from '../../support/histories.js';

const graph = loopStatechart();
const MARK: StatechartLayout = { width: 7, height: 7, nodes: {}, edges: {} };

function layoutFile(hash: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'layout-cache-')), 'statechart-layout.json');
  writeFileSync(file, JSON.stringify({ hash, layout: MARK }));
  return file;
}

const placedEverything = (layout: StatechartLayout | null) => {
  expect(Object.keys(layout!.nodes).sort()).toEqual(graph.nodes.map((n) => n.id).sort());
  expect(Object.keys(layout!.edges).sort()).toEqual(graph.edges.map((e) => e.id).sort());
};

describe("the server's statechart layout", () => {
  it('is the stored one when its hash is that of the graph walked now: no worker', async () => {
    const cache = new LayoutCache(graph, { file: layoutFile(statechartHash(graph)), worker: '/nonexistent/worker.js' });
    expect(cache.stored).toBe(true);
    expect(cache.current()).toEqual(MARK);
    expect(await cache.ready()).toEqual(MARK);
    expect(cache.problem).toBeNull();
  });

  it('is laid out once in a worker when the stored one was made from another graph, null until then', async () => {
    const cache = new LayoutCache(graph, { file: layoutFile('a machine that changed since the build') });
    expect(cache.stored).toBe(false);
    expect(cache.current()).toBeNull();
    const ready = cache.ready();
    expect(cache.ready()).toBe(ready);
    placedEverything(await ready);
    expect(cache.current()).toBe(await ready);
    expect(cache.problem).toBeNull();
  });

  it('is laid out in a worker when no layout is stored, and says why when the worker fails', async () => {
    const missing = join(tmpdir(), 'no-such-dir-for-layout', 'statechart-layout.json');
    placedEverything(await new LayoutCache(graph, { file: missing }).ready());
    const broken = new LayoutCache(graph, { file: missing, worker: join(tmpdir(), 'no-such-layout-worker.js') });
    expect(await broken.ready()).toBeNull();
    expect(broken.problem).toMatch(/layout/);
    expect(broken.current()).toBeNull();
  });

  it('reaches GET /api/statechart once the worker is done', async () => {
    const ws = await historyWorkspace('loop-2');
    const inspector = createInspectorApp({ workspace: ws, allowedHosts: null, layout: { file: layoutFile('stale') } });
    try {
      const first = (await (await inspector.app.request('http://localhost/api/statechart')).json()) as StatechartResponse;
      expect(first.layout).toBeNull();
      await inspector.caches.layout.ready();
      const later = (await (await inspector.app.request('http://localhost/api/statechart')).json()) as StatechartResponse;
      placedEverything(later.layout);
    } finally {
      inspector.close();
    }
  });
});
