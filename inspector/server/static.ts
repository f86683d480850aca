/**
 * The web app's files, from `dist/inspector/web/` (autopilot's own build, not the workspace). Until
 * that build exists, `/` answers with a short page saying so; the API works either way.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono, MiddlewareHandler } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { PROJECT_ROOT } from '../../adapters/workspace.js';

/** Where the web app's build is served from. */
export const WEB_ROOT = join(PROJECT_ROOT, 'dist', 'inspector', 'web');

/** The page served at `/` while the web app is not built. */
export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>autopilot inspector</title></head>
<body><h1>autopilot inspector</h1>
<p>The web app is not built: <code>dist/inspector/web/</code> does not exist. Run <code>npm run build</code> in autopilot's folder.</p>
<p>The API answers already: <a href="api/meta">api/meta</a>, <a href="api/events">api/events</a>, <a href="api/labbook">api/labbook</a>, <a href="api/runs">api/runs</a>, <a href="api/statechart">api/statechart</a>, <code>api/runs/ID/curve</code>, <code>api/runs/ID/audit</code>, <code>api/at/SEQ</code>, <code>api/stream</code> (server-sent events).</p>
</body></html>
`;

/** Adds the web app's files (or the not-built page) to `app`; `root` is {@link WEB_ROOT} unless a test says otherwise. */
export function addStaticRoutes(app: Hono, root: string = WEB_ROOT): void {
  let files: MiddlewareHandler | null = null;
  // Looked up on each request: a build made while the server runs is served without a restart.
  const built = () => existsSync(join(root, 'index.html'));
  const handler: MiddlewareHandler = async (c, next) => {
    if (c.req.path.startsWith('/api/')) return next();
    if (!built()) return c.req.path === '/' || c.req.path === '/index.html' ? c.html(NOT_BUILT_PAGE) : next();
    files ??= serveStatic({ root });
    // Hashed file names never change: cache them; index.html names the current ones, so never cache it.
    c.header('Cache-Control', c.req.path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    return files(c, next);
  };
  app.use('*', handler);
}
