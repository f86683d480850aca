import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { StatechartLayout } from '../../inspector/api.js';
import { layoutStatechart } from '../../inspector/layout.js';
import { LAYOUT_WORKER } from '../../inspector/server/layout-cache.js';
import { loopStatechart } from '../../projections/inspector/statechart.js';

describe('the layout worker', () => {
  it('posts the layout of the graph it is given, the same as laid out on this thread', async () => {
    const graph = loopStatechart();
    const worker = new Worker(LAYOUT_WORKER, { workerData: graph });
    const [layout] = (await once(worker, 'message')) as [StatechartLayout];
    expect(layout).toEqual(await layoutStatechart(graph));
  });
});
