/**
 * `GET /api/runs` (the runs table, folded on as the log grows; with `?at=N`, as of seq N), `GET /api/runs/:id/curve` (one
 * attempt's learning curve) and `GET /api/runs/:id/audit` (the run's audit, JSON and text).
 */
import type { Hono } from 'hono';
import type { SqliteEventStore } from '../../adapters/store/sqlite-store.js';
import type { AutopilotEvent } from '../../events/catalogue.js';
import { curvesOf } from '../../projections/inspector/curves.js';
import { missingRunMessage, normalizeRunId } from '../../projections/audit/fold.js';
import { assemble } from '../../projections/inspector/row-columns.js';
import { rowsOf, type RowsFold } from '../../projections/inspector/rows.js';
import type { CurveResponse } from '../api.js';
import { auditOf } from './audit.js';
import type { LogSource } from './log-source.js';
import { DecodedRange } from './decoded-range.js';
import { eventAt } from './event-at.js';
import { Lru } from './lru.js';
import { apiError, RUN_ID_PATTERN, wholeNumber } from './params.js';
import { RowsAtCache } from './rows-at-cache.js';
import type { RowsCache } from './rows-cache.js';

const badRunId = (id: string) => apiError(400, `run id ${JSON.stringify(id.slice(0, 40))} is not one: give the run's number, such as 007 or 7`);

/** The run a route names, with the log and the fold it was found in; or the error answer. */
function runOf(source: LogSource, rows: RowsCache, id: string): { runId: string; store: SqliteEventStore<AutopilotEvent>; fold: RowsFold } | Response {
  if (!RUN_ID_PATTERN.test(id)) return badRunId(id);
  const runId = normalizeRunId(id);
  const store = source.current();
  const fold = store ? rows.update(store) : null;
  if (!store || !fold?.runs.has(runId)) return apiError(404, missingRunMessage(runId, fold ? [...fold.runs.keys()].sort() : []));
  return { runId, store, fold };
}

/** Bodies of `/api/runs?at=N` kept, keyed by the hash of event N (which fixes every event up to it). */
export const RUNS_AT_CACHE_SIZE = 64;

/** The body of `/api/runs?at=N`: the rows as of seq N (from the nearest rows snapshot), or the error answer. */
function runsAtBody(source: LogSource, asked: string, cache: Lru<string, string>, folds: RowsAtCache, range: DecodedRange): string | Response {
  const found = eventAt(source, asked, 'at');
  if (found instanceof Response) return found;
  const { store, target } = found;
  let body = cache.get(target.hash);
  if (body === undefined) {
    body = JSON.stringify({ lastSeq: target.seq, rows: rowsOf(folds.at(store, target, range.reader(store))) });
    cache.set(target.hash, body);
  }
  return body;
}

/** Adds the runs routes to `app`, reading rows through `rows` (and the log's spans for `?at=N` through `range`). */
export function addRunsRoutes(app: Hono, source: LogSource, rows: RowsCache, range = new DecodedRange()): void {
  // The body of the last answer, kept while the fold has not moved (the page polls it).
  let last: { fold: RowsFold; seq: number; body: string } | null = null;

  const atCache = new Lru<string, string>(RUNS_AT_CACHE_SIZE);
  const atFolds = new RowsAtCache();

  app.get('/api/runs', (c) => {
    const at = c.req.query('at');
    if (at !== undefined) {
      const body = runsAtBody(source, at, atCache, atFolds, range);
      if (body instanceof Response) return body;
      c.header('Cache-Control', 'no-store');
      return c.body(body, 200, { 'Content-Type': 'application/json; charset=utf-8' });
    }
    const store = source.current();
    if (!store) return c.json({ lastSeq: 0, rows: [] });
    const fold = rows.update(store);
    if (last?.fold !== fold || last.seq !== fold.lastSeq) last = { fold, seq: fold.lastSeq, body: JSON.stringify({ lastSeq: fold.lastSeq, rows: rowsOf(fold) }) };
    c.header('Cache-Control', 'no-store');
    return c.body(last.body, 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });

  app.get('/api/runs/:id/curve', (c) => {
    const found = runOf(source, rows, c.req.param('id'));
    if (found instanceof Response) return found;
    const { runId, store, fold } = found;
    const run = fold.runs.get(runId)!;
    const row = assemble(run.row, run);
    const metric = fold.metrics.get(row.session)?.name ?? '';
    const curves = curvesOf(store.readStream(`run-${runId}`), runId, metric);
    const attempts = Math.max(1, row.attempts);
    const asked = c.req.query('attempt');
    const attempt = asked === undefined ? (curves.at(-1)?.attempt ?? attempts) : wholeNumber(asked);
    if (attempt === null || attempt < 1) return apiError(400, `attempt ${JSON.stringify(asked?.slice(0, 40))} is not one: give a whole number from 1 to ${attempts}`);
    if (attempt > attempts) return apiError(404, `run ${runId} has ${row.attempts} attempt(s); attempt ${attempt} is not one of them`, { attempts: row.attempts });
    const curve = curves.find((x) => x.attempt === attempt) ?? { attempt, x: 'order' as const, points: [], total: 0 };
    const body: CurveResponse = { runId, metric, ...curve };
    return c.json(body);
  });

  app.get('/api/runs/:id/audit', (c) => {
    const found = runOf(source, rows, c.req.param('id'));
    if (found instanceof Response) return found;
    const audit = auditOf(found.store, found.runId);
    return audit ? c.json(audit) : apiError(404, missingRunMessage(found.runId, [...found.fold.runs.keys()].sort()));
  });
}
