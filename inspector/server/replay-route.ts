/**
 * `GET /api/at/:seq`: the report `autopilot replay --at SEQ --json` prints (the machine's state and
 * context and the workspace view right after event SEQ), for the page's time travel. The last few
 * are kept, keyed by the hash of event SEQ: the log is hash-chained, so that hash fixes every event
 * up to SEQ and a report stays right for as long as the log holds that event.
 */
import type { Hono } from 'hono';
import { replayReport } from '../../orchestrator/replay.js';
import type { LogSource } from './log-source.js';
import { Lru } from './lru.js';
import { apiError, wholeNumber } from './params.js';

/** Replay reports kept (as their JSON). */
export const REPLAY_CACHE_SIZE = 64;

/** Adds `/api/at/:seq` to `app`. */
export function addReplayRoute(app: Hono, source: LogSource, cache = new Lru<string, string>(REPLAY_CACHE_SIZE)): void {
  app.get('/api/at/:seq', (c) => {
    const asked = c.req.param('seq');
    const store = source.current();
    const lastSeq = store?.lastSeq() ?? 0;
    const seq = wholeNumber(asked);
    if (seq === null || seq < 1) return apiError(400, `seq ${JSON.stringify(asked.slice(0, 40))} is not one: give a whole number from 1 to ${lastSeq}`);
    const [target] = store && seq <= lastSeq ? store.readAll({ fromSeq: seq, toSeq: seq }) : [];
    if (!store || !target) return apiError(404, `seq ${seq} is past the end of the log: its last seq is ${lastSeq}`, { lastSeq });
    let body = cache.get(target.hash);
    if (body === undefined) {
      body = JSON.stringify(replayReport(store, seq));
      cache.set(target.hash, body);
    }
    c.header('Cache-Control', 'no-store');
    return c.body(body, 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });
}
