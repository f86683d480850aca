/**
 * `GET /api/params[?session=S]`: a session's policy keys (kind and scale) and, per run, the value of
 * each key in its accepted config with its metric mean and status (`projections/inspector/params.ts`).
 * The fold reads only the events it needs (`LoopStarted`, `ProposalAccepted`), folded on as the log grows.
 */
import type { Hono } from 'hono';
import type { SqliteEventStore } from '../../adapters/store/sqlite-store.js';
import type { AutopilotEvent } from '../../events/catalogue.js';
import { emptyParams, evolveParams, PARAMS_EVENT_TYPES, paramsOf, type ParamsFold } from '../../projections/inspector/params.js';
import { rowsOf } from '../../projections/inspector/rows.js';
import type { ParamsResponse } from '../api.js';
import type { LogSource } from './log-source.js';
import { apiError, SESSION_PATTERN } from './params.js';
import type { RowsCache } from './rows-cache.js';

/** The params fold of one log, folded on from where it stopped; a log that is no longer the one folded is folded afresh. */
export class ParamsCache {
  private fold: ParamsFold = emptyParams();
  /** Seq and hash of the last event read, to see that the log is still the one folded. */
  private stop: { seq: number; hash: string } | null = null;

  /** The fold as of `store`'s last event. */
  update(store: SqliteEventStore<AutopilotEvent>): ParamsFold {
    if (this.stop) {
      const [stopped] = store.readAll({ fromSeq: this.stop.seq, toSeq: this.stop.seq });
      if (stopped?.hash !== this.stop.hash) this.reset();
    }
    const head = store.lastSeq();
    if (head <= this.fold.lastSeq) return this.fold;
    const marks = PARAMS_EVENT_TYPES.map(() => '?').join(', ');
    const seqs = store.db
      .prepare<unknown[], number>(`SELECT global_position FROM messages WHERE global_position > ? AND global_position <= ? AND message_type IN (${marks}) ORDER BY global_position`)
      .pluck()
      .all(this.fold.lastSeq, head, ...PARAMS_EVENT_TYPES);
    try {
      for (const seq of seqs)
        for (const stored of store.readAll({ fromSeq: seq, toSeq: seq })) {
          evolveParams(this.fold, stored);
          this.stop = { seq: stored.seq, hash: stored.hash };
        }
    } catch (error) {
      // An event the fold refused leaves it half applied: start over on the next call.
      this.reset();
      throw error;
    }
    this.fold.lastSeq = head;
    return this.fold;
  }

  private reset(): void {
    this.fold = emptyParams();
    this.stop = null;
  }
}

/** Adds `GET /api/params` to `app`, joining the params fold with the runs table of `rows`. */
export function addParamsRoute(app: Hono, source: LogSource, rows: RowsCache): void {
  const cache = new ParamsCache();
  app.get('/api/params', (c) => {
    const asked = c.req.query('session');
    if (asked !== undefined && !SESSION_PATTERN.test(asked)) return apiError(400, `session ${JSON.stringify(asked.slice(0, 40))} is not one: give a session id such as 0001`);
    const store = source.current();
    const empty: ParamsResponse = { lastSeq: 0, session: null, metric: null, policyProblem: null, keys: [], runs: [] };
    if (!store) return c.json(empty);
    const fold = rows.update(store);
    const params = cache.update(store);
    if (asked !== undefined && !params.policies.has(asked)) return apiError(404, `no session ${asked} in the log; sessions are ${[...params.policies.keys()].join(', ') || 'none'}`);
    const body: ParamsResponse = { lastSeq: fold.lastSeq, ...paramsOf(params, rowsOf(fold), fold.metrics, asked) };
    c.header('Cache-Control', 'no-store');
    return c.json(body);
  });
}
