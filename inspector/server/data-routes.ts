/**
 * The routes the page's views read, over the folds of `projections/inspector/` and the replay:
 * `/api/runs` (+ `/curve`, `/audit`), `/api/at/:seq`, `/api/statechart` and `/api/params`, gzipped
 * when the client accepts it and the server is reached over the network. They share one rows fold, folded on as the log grows.
 */
import type { Hono } from 'hono';
import { compress } from 'hono/compress';
import { loopStatechart } from '../../projections/inspector/statechart.js';
import { DecodedRange } from './decoded-range.js';
import { LayoutCache, type LayoutPlaces } from './layout-cache.js';
import type { LogSource } from './log-source.js';
import { addParamsRoute } from './params-route.js';
import { addReplayRoute } from './replay-route.js';
import { RowsCache } from './rows-cache.js';
import { addRunsRoutes } from './runs-routes.js';
import { addStatechartRoute } from './statechart-route.js';

/** What the data routes keep between requests. */
export interface DataCaches {
  rows: RowsCache;
  layout: LayoutCache;
}

/** Adds the data routes to `app`; `places` says where the statechart's stored layout and its worker are; `zip` whether to gzip. */
export function addDataRoutes(app: Hono, source: LogSource, places: LayoutPlaces = {}, zip = true): DataCaches {
  const caches: DataCaches = { rows: new RowsCache(), layout: new LayoutCache(loopStatechart(), places) };
  // Only these JSON answers: the event stream must not be buffered by a compressor.
  if (zip) for (const path of ['/api/runs', '/api/runs/*', '/api/at/*', '/api/statechart', '/api/params']) app.use(path, compress());
  // A jump's requests (the replay of N-1 and N, the runs at N) read the same span of the log: decoded once.
  const range = new DecodedRange();
  addRunsRoutes(app, source, caches.rows, range);
  addReplayRoute(app, source, range);
  addStatechartRoute(app, source, caches.rows, caches.layout);
  addParamsRoute(app, source, caches.rows);
  return caches;
}
