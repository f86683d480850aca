import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteEventStore } from '../../../adapters/store/sqlite-store.js';
import { catalogueCodec, type AutopilotEvent } from '../../../events/catalogue.js';
import type { CurveResponse, RunsResponse, StatechartResponse } from '../../../inspector/api.js';
import { createInspectorApp, type InspectorApp } from '../../../inspector/server/app.js';
import { curvesOf } from '../../../projections/inspector/curves.js';
import { foldRows, rowsOf } from '../../../projections/inspector/rows.js';
import { edgeCounts, loopStatechart } from '../../../projections/inspector/statechart.js';
import { historyWorkspace } from '../../support/histories.js';
import { CLI } from '../../support/workspace.js';

// The CLI's output as printed, its final newline kept.
const cli = async (ws: string, ...args: string[]) => (await execa('node', [CLI, ...args, '--workspace', ws], { stripFinalNewline: false })).stdout;
// `status --json` names a journaled run's status as its journal does; the table says finished for completed.
const TABLE_STATUS: Record<string, string> = { completed: 'finished', failed: 'failed', interrupted: 'interrupted', running: 'running' };

describe('the inspector data routes on an imported history (loop-3)', () => {
  let ws: string;
  let inspector: InspectorApp;
  let lastSeq: number;
  const get = (path: string, headers: Record<string, string> = {}) => inspector.app.request(`http://localhost${path}`, { headers });
  const fromLog = <T>(read: (store: SqliteEventStore<AutopilotEvent>) => T): T => {
    const store = openSqliteStore(join(ws, 'events.db'), catalogueCodec, { readonly: true });
    try {
      return read(store);
    } finally {
      store.close();
    }
  };

  beforeAll(async () => {
    ws = await historyWorkspace('loop-3');
    inspector = createInspectorApp({ workspace: ws, allowedHosts: null });
    lastSeq = fromLog((s) => s.lastSeq());
  });
  afterAll(() => inspector?.close());

  it('GET /api/runs gives a row per run, with the statuses `status --json` gives', async () => {
    const body = (await (await get('/api/runs')).json()) as RunsResponse;
    const status = JSON.parse(await cli(ws, 'status', '--json')) as { runs: { run_id: string; status: string; attempts: number; verdict: string | null }[] };
    expect(body.lastSeq).toBe(lastSeq);
    expect(body.rows.map((r) => r.id)).toEqual(status.runs.map((r) => r.run_id));
    expect(body.rows.map((r) => r.status)).toEqual(status.runs.map((r) => TABLE_STATUS[r.status]));
    expect(body.rows.map((r) => [r.attempts, r.verdict])).toEqual(status.runs.map((r) => [r.attempts, r.verdict]));
    expect(body.rows).toEqual(fromLog((s) => rowsOf(foldRows(s.readAll()))));
  });

  it('gzips /api/runs for a client that accepts it', async () => {
    const r = await get('/api/runs', { 'accept-encoding': 'gzip' });
    expect(r.headers.get('content-encoding')).toBe('gzip');
    const plain = await (await get('/api/runs')).json();
    expect(JSON.parse(gunzipSync(Buffer.from(await r.arrayBuffer())).toString('utf8'))).toEqual(plain);
  });

  it('GET /api/runs/:id/audit is what `audit RUN --json` prints, with the text `audit RUN` prints', async () => {
    for (const runId of ['001', '002', '003']) {
      const r = await get(`/api/runs/${runId}/audit`);
      expect(r.status, runId).toBe(200);
      const body = await r.json();
      expect(body.runId).toBe(runId);
      expect(body.audit, runId).toEqual(JSON.parse(await cli(ws, 'audit', runId, '--json')));
      expect(body.text, runId).toBe(await cli(ws, 'audit', runId));
    }
    expect((await (await get('/api/runs/2/audit')).json()).runId).toBe('002');
  });

  it('GET /api/at/:seq is what `replay --at N --json` prints, at several N, cached or not', async () => {
    for (const seq of [1, 9, Math.floor(lastSeq / 2), lastSeq - 3, lastSeq]) {
      const expected = JSON.parse(await cli(ws, 'replay', '--at', String(seq), '--json'));
      expect(await (await get(`/api/at/${seq}`)).json(), `seq ${seq}`).toEqual(expected);
      expect(await (await get(`/api/at/${seq}`)).json(), `seq ${seq}, again`).toEqual(expected);
    }
  });

  it('GET /api/runs/:id/curve gives an attempt of the learning curve of the session metric', async () => {
    const metric = fromLog(sessionMetric);
    const curves = fromLog((s) => curvesOf(s.readAll(), '001', metric));
    const body = (await (await get('/api/runs/001/curve')).json()) as CurveResponse;
    expect(body).toEqual({ runId: '001', metric, ...curves.at(-1)! });
    expect(body.points.length).toBeGreaterThan(0);
    expect(await (await get('/api/runs/1/curve?attempt=1')).json()).toEqual({ runId: '001', metric: body.metric, ...curves.find((c) => c.attempt === 1)! });
  });

  it('GET /api/statechart gives the graph, its layout, and the latest session counts, state and last edge', async () => {
    const graph = loopStatechart();
    const body = (await (await get('/api/statechart')).json()) as StatechartResponse;
    const activity = fromLog((s) => edgeCounts(graph, s.readAll(), '0001'));
    expect(body).toMatchObject({ graph, ...activity });
    expect(body.current).toBe('done');
    expect(body.last).not.toBeNull();
    expect(Object.values(body.counts).reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    expect(Object.keys(body.layout!.nodes).sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    expect(Object.keys(body.layout!.edges).sort()).toEqual(graph.edges.map((e) => e.id).sort());
    expect(await (await get('/api/statechart?session=0001')).json()).toEqual(body);
  });

  it('answers a bad :seq, :id, attempt or session with a 400 naming what is allowed, and what the log lacks with a 404', async () => {
    const cases: [string, number, RegExp][] = [
      ['/api/at/abc', 400, new RegExp(`whole number from 1 to ${lastSeq}`)],
      ['/api/at/0', 400, new RegExp(`whole number from 1 to ${lastSeq}`)],
      ['/api/at/-3', 400, /whole number/],
      [`/api/at/${lastSeq + 1}`, 404, new RegExp(`last seq is ${lastSeq}`)],
      ['/api/runs/abc/audit', 400, /such as 007 or 7/],
      ['/api/runs/1e3/curve', 400, /such as 007 or 7/],
      ['/api/runs/009/audit', 404, /no run 009 in the log; runs are 001\.\.003/],
      ['/api/runs/42/curve', 404, /no run 042/],
      ['/api/runs/001/curve?attempt=zero', 400, /whole number from 1 to 1/],
      ['/api/runs/001/curve?attempt=0', 400, /whole number from 1 to 1/],
      ['/api/runs/001/curve?attempt=4', 404, /1 attempt/],
      ['/api/statechart?session=../x', 400, /session id such as 0001/],
      ['/api/statechart?session=0009', 404, /sessions are 0001/],
    ];
    for (const [path, status, message] of cases) {
      const r = await get(path);
      expect(r.status, path).toBe(status);
      const body = await r.json();
      expect(body.error, path).toMatch(message);
      expect(body.error.split('\n'), path).toHaveLength(1);
    }
    expect(await (await get(`/api/at/${lastSeq + 5}`)).json()).toMatchObject({ lastSeq });
  });
});

// The first session's metric, as its LoopStarted names it.
function sessionMetric(store: SqliteEventStore<AutopilotEvent>): string {
  for (const { event } of store.readAll()) if (event.type === 'LoopStarted') return event.data.metric.name;
  throw new Error('no session in the log');
}
