/**
 * `GET /api/at/:seq`: the report `autopilot replay --at SEQ --json` prints (the machine's state and
 * context and the workspace view right after event SEQ), for the page's time travel. The last few
 * are kept, keyed by the hash of event SEQ: the log is hash-chained, so that hash fixes every event
 * up to SEQ and a report stays right for as long as the log holds that event.
 */
import type { Hono } from 'hono';
import { replayReport } from '../../orchestrator/replay.js';
import { eventAt } from './event-at.js';
import type { LogSource } from './log-source.js';
import { Lru } from './lru.js';

/** Replay reports kept (as their JSON). */
export const REPLAY_CACHE_SIZE = 64;

/** Adds `/api/at/:seq` to `app`. */
export function addReplayRoute(app: Hono, source: LogSource, cache = new Lru<string, string>(REPLAY_CACHE_SIZE)): void {
  app.get('/api/at/:seq', (c) => {
    const found = eventAt(source, c.req.param('seq'), 'seq');
    if (found instanceof Response) return found;
    const { store, target } = found;
    let body = cache.get(target.hash);
    if (body === undefined) {
      body = JSON.stringify(replayReport(store, target.seq));
      cache.set(target.hash, body);
    }
    c.header('Cache-Control', 'no-store');
    return c.body(body, 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });
}
