/**
 * `GET /api/at/:seq`: the report `autopilot replay --at SEQ --json` prints (the machine's state and
 * context and the workspace view right after event SEQ), for the page's time travel; and
 * `GET /api/at/:seq/step`: the reports at SEQ-1 and SEQ (`{before, at}`, before null at seq 1), which
 * the view needs to say what changed, folded in one pass. The last few reports are kept, keyed by the
 * hash of their event: the log is hash-chained, so that hash fixes every event up to it and a report
 * stays right for as long as the log holds that event.
 */
import type { Hono } from 'hono';
import { replayReport } from '../../orchestrator/replay.js';
import { replayStep } from '../../orchestrator/replay-step.js';
import { DecodedRange } from './decoded-range.js';
import { eventAt } from './event-at.js';
import type { LogSource } from './log-source.js';
import { Lru } from './lru.js';

/** Replay reports kept (as their JSON). */
export const REPLAY_CACHE_SIZE = 64;

const json = { 'Content-Type': 'application/json; charset=utf-8' };

/** Adds `/api/at/:seq` and `/api/at/:seq/step` to `app`, reading the log's spans through `range`. */
export function addReplayRoute(app: Hono, source: LogSource, range = new DecodedRange(), cache = new Lru<string, string>(REPLAY_CACHE_SIZE)): void {
  app.get('/api/at/:seq', (c) => {
    const found = eventAt(source, c.req.param('seq'), 'seq');
    if (found instanceof Response) return found;
    const { store, target } = found;
    let body = cache.get(target.hash);
    if (body === undefined) {
      body = JSON.stringify(replayReport(store, target.seq, range.reader(store)));
      cache.set(target.hash, body);
    }
    c.header('Cache-Control', 'no-store');
    return c.body(body, 200, json);
  });

  app.get('/api/at/:seq/step', (c) => {
    const found = eventAt(source, c.req.param('seq'), 'seq');
    if (found instanceof Response) return found;
    const { store, target } = found;
    const [prev] = target.seq > 1 ? store.readAll({ fromSeq: target.seq - 1, toSeq: target.seq - 1 }) : [];
    let before = prev ? cache.get(prev.hash) : 'null';
    let at = cache.get(target.hash);
    if (before === undefined || at === undefined) {
      const step = replayStep(store, target.seq, range.reader(store));
      before = JSON.stringify(step.before);
      at = JSON.stringify(step.at);
      if (prev) cache.set(prev.hash, before);
      cache.set(target.hash, at);
    }
    c.header('Cache-Control', 'no-store');
    // The same bytes as JSON.stringify({ before, at }).
    return c.body(`{"before":${before},"at":${at}}`, 200, json);
  });
}
