/**
 * The inspector's HTTP app (hono): read-only routes over a workspace's log and journal, behind the
 * `Host` and token guards. Built without a socket, so tests call `app.request()`; `start.ts` serves it.
 */
import { Hono } from 'hono';
import { assertWorkspace, workspacePaths } from '../../adapters/workspace.js';
import { addDataRoutes, type DataCaches } from './data-routes.js';
import type { LayoutPlaces } from './layout-cache.js';
import { openLiveTail } from './live.js';
import { openLogSource, type LogSource } from './log-source.js';
import { addApiRoutes } from './routes.js';
import { SessionIndex } from './sessions.js';
import { hostCheck, securityHeaders, tokenCheck } from './security.js';
import { addStaticRoutes } from './static.js';
import { addStreamRoute, STREAM_TIMING, type StreamTiming } from './stream.js';

/** What {@link createInspectorApp} needs. */
export interface InspectorAppOptions {
  workspace: string;
  /** Required of every request when given (see `security.ts`). */
  token?: string;
  /** The `Host` values to answer to (a function: the port is known only once bound); null: any. */
  allowedHosts: readonly string[] | null | (() => readonly string[] | null);
  /** Where the web app's build is (default `dist/inspector/web`). */
  webRoot?: string;
  timing?: StreamTiming;
  /** Where the statechart's stored layout and its worker are (the build's unless a test says otherwise). */
  layout?: LayoutPlaces;
  /** Gzip the data routes' answers for clients that accept it (default true; pointless over loopback, where it only costs time). */
  compress?: boolean;
}

/** The app and its log source (to close when the server stops). */
export interface InspectorApp {
  app: Hono;
  source: LogSource;
  /** The rows fold and the statechart layout the data routes keep. */
  caches: DataCaches;
  close(): void;
}

/**
 * Builds the app over `workspace`; throws a WorkspaceError (exit 2) when it is not a workspace.
 * Opens nothing and creates nothing: the log is looked for on each request.
 */
export function createInspectorApp(options: InspectorAppOptions): InspectorApp {
  const paths = workspacePaths(options.workspace);
  assertWorkspace(paths);
  const source = openLogSource(paths);
  const hosts = options.allowedHosts;
  const app = new Hono();
  app.use('*', securityHeaders());
  app.use('*', hostCheck(typeof hosts === 'function' ? hosts : () => hosts));
  app.use('*', tokenCheck(options.token));
  addApiRoutes(app, paths, source);
  const caches = addDataRoutes(app, source, options.layout, options.compress ?? true);
  const sessions = new SessionIndex();
  // The live stream followed is the one of the log's latest session, never a file merely found in logs/.
  const latestSession = (): string | null => {
    const store = source.current();
    return store === null ? null : (sessions.list(store, store.lastSeq()).at(-1)?.session ?? null);
  };
  addStreamRoute(app, source, options.timing ?? STREAM_TIMING, () => openLiveTail(paths, latestSession));
  addStaticRoutes(app, options.webRoot);
  app.notFound((c) => c.text('inspector: not found\n', 404));
  return { app, source, caches, close: () => source.close() };
}
