/**
 * `GET /api/statechart?session=`: the loop machine's graph, its layout, and how a session moved
 * through it (edge counts from its `StateEntered` events, its current state, the last edge taken).
 * The session is the latest one unless named. Its counts are kept until its stream grows. A session
 * with several runs in flight adds its slots (state, run, GPU) and its moves the chart does not draw.
 */
import type { Hono } from 'hono';
import type { SqliteEventStore } from '../../adapters/store/sqlite-store.js';
import type { AutopilotEvent } from '../../events/catalogue.js';
import type { StoredEvent } from '../../events/store.js';
import type { RowsFold } from '../../projections/inspector/rows.js';
import { edgeCounts, type StatechartActivity } from '../../projections/inspector/statechart.js';
import type { StatechartResponse } from '../api.js';
import type { LayoutCache } from './layout-cache.js';
import type { LogSource } from './log-source.js';
import { apiError, SESSION_PATTERN } from './params.js';
import type { RowsCache } from './rows-cache.js';

const NO_ACTIVITY: StatechartActivity = { counts: {}, unmatched: 0, current: null, last: null };

/** The runs of `session` not journaled yet (those a slot may hold), in run order. */
function openRunsOf(fold: RowsFold, session: string): string[] {
  return [...fold.runs.values()].filter((r) => r.row.session === session && r.journal === null && !r.interrupted).map((r) => r.row.id);
}

/**
 * The session's stream, and when it keeps several runs in flight the `RunPlanned` of each of `runs`
 * (which names its slot; it is in the run's own stream), in log order. A session of one run at a
 * time reads its own stream only, as before.
 */
function sessionEvents(store: SqliteEventStore<AutopilotEvent>, stream: string, runs: readonly string[]): StoredEvent<AutopilotEvent>[] {
  const own = store.readStream(stream);
  const started = own[0]?.event;
  if (started?.type !== 'LoopStarted' || (started.data.parallel?.k ?? 1) < 2) return own;
  const planned = runs.flatMap((id) => store.readStream(`run-${id}`).filter((e) => e.event.type === 'RunPlanned'));
  return [...own, ...planned].sort((a, b) => a.seq - b.seq);
}

/** Adds `/api/statechart` to `app`: the graph and layout of `layout`, the sessions known to `rows`. */
export function addStatechartRoute(app: Hono, source: LogSource, rows: RowsCache, layout: LayoutCache): void {
  const graph = layout.graph;
  let kept: { session: string; version: number; hash: string; runs: string; activity: StatechartActivity } | null = null;

  app.get('/api/statechart', (c) => {
    const asked = c.req.query('session');
    if (asked !== undefined && !SESSION_PATTERN.test(asked)) return apiError(400, `session ${JSON.stringify(asked.slice(0, 40))} is not one: give a session id such as 0001`);
    const store = source.current();
    const sessions = store ? [...rows.update(store).metrics.keys()] : [];
    const session = asked ?? sessions.at(-1);
    if (asked !== undefined && !sessions.includes(asked))
      return apiError(404, `no session ${asked} in the log; ${sessions.length === 0 ? 'it holds none yet' : `sessions are ${sessions.join(', ')}`}`);
    let activity = NO_ACTIVITY;
    if (store && session !== undefined) {
      const stream = `session-${session}`;
      const version = store.streamVersion(stream);
      const [newest] = version > 0 ? store.readStream(stream, { fromPosition: version }) : [];
      const hash = newest?.hash ?? '';
      const runs = openRunsOf(rows.update(store), session);
      // The same stream, not grown, the same runs open, and still the same log (its newest event unchanged): the counts stand.
      if (kept?.session !== session || kept.version !== version || kept.hash !== hash || kept.runs !== runs.join())
        kept = { session, version, hash, runs: runs.join(), activity: edgeCounts(graph, sessionEvents(store, stream, runs), session) };
      activity = kept.activity;
    }
    const body: StatechartResponse = { graph, layout: layout.current(), ...activity };
    return c.json(body);
  });
}
