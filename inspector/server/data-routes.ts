/**
 * The routes the page's views read, over the folds of `projections/inspector/` and the replay:
 * `/api/runs` (+ `/curve`, `/audit`), `/api/at/:seq` and `/api/statechart`, gzipped when the
 * client accepts it. They share one rows fold, folded on as the log grows.
 */
import type { Hono } from 'hono';
import { compress } from 'hono/compress';
import { loopStatechart } from '../../projections/inspector/statechart.js';
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

/** Adds the data routes to `app`; `places` says where the statechart's stored layout and its worker are. */
export function addDataRoutes(app: Hono, source: LogSource, places: LayoutPlaces = {}): DataCaches {
  const caches: DataCaches = { rows: new RowsCache(), layout: new LayoutCache(loopStatechart(), places) };
  // Only these JSON answers: the event stream must not be buffered by a compressor.
  for (const path of ['/api/runs', '/api/runs/*', '/api/at/*', '/api/statechart']) app.use(path, compress());
  addRunsRoutes(app, source, caches.rows);
  addReplayRoute(app, source);
  addStatechartRoute(app, source, caches.rows, caches.layout);
  addParamsRoute(app, source, caches.rows);
  return caches;
}
