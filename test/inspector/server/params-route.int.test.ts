import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../adapters/store/sqlite-store.js';
import { catalogueCodec, type AutopilotEvent } from '../../../events/catalogue.js';
import type { ParamsResponse } from '../../../inspector/api.js';
import { foldParams, paramsOf } from '../../../projections/inspector/params.js';
import { foldRows, rowsOf } from '../../../projections/inspector/rows.js';
import { cliOut, errorsOf, fromLog, useInspectedHistory } from '../../support/inspector.js';

describe('GET /api/params on an imported history (loop-3)', () => {
  const h = useInspectedHistory('loop-3');

  it("gives the session's policy keys and every run's full config values, means and statuses, as the folds of the whole log do", async () => {
    const body = (await (await h.get('/api/params')).json()) as ParamsResponse;
    const expected = fromLog(h.ws, (s) => {
      const rows = foldRows(s.readAll());
      return { lastSeq: rows.lastSeq, ...paramsOf(foldParams(s.readAll()), rowsOf(rows), rows.metrics) };
    });
    expect(body).toEqual(expected);
    expect(await (await h.get('/api/params?session=0001')).json()).toEqual(expected);

    // The runs and means `status --json` gives; every policy key valued for every run.
    const status = JSON.parse(await cliOut(h.ws, 'status', '--json')) as { runs: { run_id: string; mean: number; status: string }[] };
    expect(body.runs.map((r) => r.id)).toEqual(status.runs.map((r) => r.run_id));
    body.runs.forEach((r, i) => expect(r.metric).toBeCloseTo(status.runs[i]!.mean, 9));
    expect(body.runs.filter((r) => r.status === 'finished')).toHaveLength(status.runs.filter((r) => r.status === 'completed').length);
    expect(body.keys.length).toBeGreaterThan(3);
    for (const r of body.runs) for (const k of body.keys) expect(r.values[k.key], `${r.id} ${k.key}`).not.toBeNull();
    expect(body.keys.filter((k) => k.scale === 'log').map((k) => k.key)).toContain('train.learning_rate');
  });

  it('folds on as the log grows, and answers a bad or unknown session with a 400 or 404', async () => {
    const before = (await (await h.get('/api/params')).json()) as ParamsResponse;
    const writer = openSqliteStore(join(h.ws, 'events.db'), catalogueCodec);
    try {
      const event: AutopilotEvent = { type: 'StateEntered', data: { from: 'done', to: 'done', event: 'Probe' }, metadata: { session: '0001', at: new Date().toISOString() } };
      writer.append('session-0001', [event], { expectedVersion: 'any' });
    } finally {
      writer.close();
    }
    const after = (await (await h.get('/api/params')).json()) as ParamsResponse;
    expect(after).toEqual({ ...before, lastSeq: before.lastSeq + 1 });
    expect(await errorsOf(h.get, ['/api/params?session=../x', '/api/params?session=0009'])).toEqual([
      ['/api/params?session=../x', 400, 'session "../x" is not one: give a session id such as 0001'],
      ['/api/params?session=0009', 404, 'no session 0009 in the log; sessions are 0001'],
    ]);
  });
});
