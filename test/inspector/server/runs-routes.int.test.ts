import { describe, expect, it } from 'vitest';
import type { CurveResponse, RunsResponse } from '../../../inspector/api.js';
import { curvesOf } from '../../../projections/inspector/curves.js';
import { foldRows, rowsOf } from '../../../projections/inspector/rows.js';
import { cliOut, errorsOf, fromLog, useInspectedHistory } from '../../support/inspector.js';

// `status --json` names a journaled run's status as its journal does; the table says finished for completed.
const TABLE_STATUS: Record<string, string> = { completed: 'finished', failed: 'failed', interrupted: 'interrupted', running: 'running' };

describe('the runs routes on an imported history (loop-3)', () => {
  const h = useInspectedHistory('loop-3');

  it('GET /api/runs gives a row per run, with the statuses, attempts and verdicts `status --json` gives', async () => {
    const body = (await (await h.get('/api/runs')).json()) as RunsResponse;
    const status = JSON.parse(await cliOut(h.ws, 'status', '--json')) as { events: number; runs: { run_id: string; status: string; attempts: number; verdict: string | null }[] };
    expect(body.lastSeq).toBe(status.events);
    expect(body.rows.map((r) => r.id)).toEqual(status.runs.map((r) => r.run_id));
    expect(body.rows.map((r) => r.status)).toEqual(status.runs.map((r) => TABLE_STATUS[r.status]));
    expect(body.rows.map((r) => [r.attempts, r.verdict])).toEqual(status.runs.map((r) => [r.attempts, r.verdict]));
    expect(body.rows).toEqual(fromLog(h.ws, (s) => rowsOf(foldRows(s.readAll()))));
  });

  it('GET /api/runs?at=N gives the rows as of seq N: the fold of the events up to N, at every N', async () => {
    const events = fromLog(h.ws, (s) => [...s.readAll()]);
    expect(events.length).toBeGreaterThan(40);
    for (const { seq } of events) {
      const body = (await (await h.get(`/api/runs?at=${seq}`)).json()) as RunsResponse;
      expect(body, `at ${seq}`).toEqual({ lastSeq: seq, rows: rowsOf(foldRows(events.filter((e) => e.seq <= seq))) });
    }
    // The rows grow as runs are planned: none at the first event, every run at the last.
    expect(((await (await h.get('/api/runs?at=1')).json()) as RunsResponse).rows).toEqual([]);
    expect(await (await h.get(`/api/runs?at=${events.length}`)).json()).toEqual(await (await h.get('/api/runs')).json());
  });

  it('answers an ?at= that is not a seq with a 400 naming the range, and one past the log with a 404 and its last seq', async () => {
    const lastSeq = fromLog(h.ws, (s) => s.lastSeq());
    expect(await errorsOf(h.get, ['/api/runs?at=abc', '/api/runs?at=0', '/api/runs?at=', `/api/runs?at=${lastSeq + 1}`])).toEqual([
      ['/api/runs?at=abc', 400, `at "abc" is not one: give a whole number from 1 to ${lastSeq}`],
      ['/api/runs?at=0', 400, `at "0" is not one: give a whole number from 1 to ${lastSeq}`],
      ['/api/runs?at=', 400, `at "" is not one: give a whole number from 1 to ${lastSeq}`],
      [`/api/runs?at=${lastSeq + 1}`, 404, `seq ${lastSeq + 1} is past the end of the log: its last seq is ${lastSeq}`],
    ]);
    expect(await (await h.get(`/api/runs?at=${lastSeq + 9}`)).json()).toMatchObject({ lastSeq });
  });

  it('GET /api/runs/:id/curve gives the last attempt of the learning curve of the session metric, or the one asked for', async () => {
    const metric = fromLog(h.ws, (s) => {
      for (const { event } of s.readAll()) if (event.type === 'LoopStarted') return event.data.metric.name;
      throw new Error('no session in the log');
    });
    const curves = fromLog(h.ws, (s) => curvesOf(s.readAll(), '002', metric));
    const body = (await (await h.get('/api/runs/002/curve')).json()) as CurveResponse;
    expect(body).toEqual({ runId: '002', metric, ...curves.at(-1)! });
    expect(body.points.length).toBeGreaterThan(0);
    expect(await (await h.get('/api/runs/2/curve?attempt=1')).json()).toEqual({ runId: '002', metric, ...curves.find((c) => c.attempt === 1)! });
  });

  it('answers a bad :id or attempt with a 400 naming what is allowed, and a run or attempt the log lacks with a 404', async () => {
    const errors = await errorsOf(h.get, [
      '/api/runs/abc/audit',
      '/api/runs/1e3/curve',
      '/api/runs/009/audit',
      '/api/runs/42/curve',
      '/api/runs/001/curve?attempt=zero',
      '/api/runs/001/curve?attempt=0',
      '/api/runs/001/curve?attempt=4',
    ]);
    expect(errors).toEqual([
      ['/api/runs/abc/audit', 400, `run id "abc" is not one: give the run's number, such as 007 or 7`],
      ['/api/runs/1e3/curve', 400, `run id "1e3" is not one: give the run's number, such as 007 or 7`],
      ['/api/runs/009/audit', 404, 'no run 009 in the log; runs are 001..003'],
      ['/api/runs/42/curve', 404, 'no run 042 in the log; runs are 001..003'],
      ['/api/runs/001/curve?attempt=zero', 400, 'attempt "zero" is not one: give a whole number from 1 to 1'],
      ['/api/runs/001/curve?attempt=0', 400, 'attempt "0" is not one: give a whole number from 1 to 1'],
      ['/api/runs/001/curve?attempt=4', 404, 'run 001 has 1 attempt(s); attempt 4 is not one of them'],
    ]);
  });
});
