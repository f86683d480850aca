import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInspectorApp, type InspectorApp } from '../../../inspector/server/app.js';
import { CONTENT_SECURITY_POLICY } from '../../../inspector/server/security.js';
import { historyWorkspace } from '../../support/histories.js';
import { logSeqs, readSse } from '../../support/sse.js';
import { CLI } from '../../support/workspace.js';

const HOST = '127.0.0.1:7444';
const URL_BASE = `http://${HOST}`;
const noWebRoot = join(tmpdir(), 'autopilot-no-such-web-root');

/** Everything in the workspace with its size and mtime: a write anywhere shows. */
function listing(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const path = join(rel, e.name);
    if (e.isDirectory()) return [`${path}/`, ...listing(dir, path)];
    const st = statSync(join(dir, path));
    return [`${path} ${st.size} ${st.mtimeMs}`];
  });
}

async function eventsJson(ws: string): Promise<unknown[]> {
  const r = await execa('node', [CLI, 'events', '--workspace', ws, '--json']);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('the inspector app on an imported history (loop-2)', () => {
  let ws: string;
  let before: string[];
  let inspector: InspectorApp;
  let expected: unknown[];
  const get = (path: string, headers: Record<string, string> = {}) => inspector.app.request(`${URL_BASE}${path}`, { headers: { host: HOST, ...headers } });

  beforeAll(async () => {
    ws = await historyWorkspace('loop-2');
    expected = await eventsJson(ws);
    before = listing(ws);
    inspector = createInspectorApp({ workspace: ws, allowedHosts: [HOST], webRoot: noWebRoot, timing: { pollMs: 20, heartbeatMs: 150 } });
  });
  afterAll(() => inspector?.close());

  it('GET /api/meta names the workspace, its last seq and its session', async () => {
    const r = await get('/api/meta');
    expect(r.status).toBe(200);
    const meta = await r.json();
    expect(meta).toMatchObject({ workspace: ws, empty: false, lastSeq: expected.length });
    expect(meta.sessions).toEqual([expect.objectContaining({ session: '0001', seq: 1, runsRequested: 2, mode: 'quick', proposer: 'builtin', firstRunIndex: 1 })]);
  });

  it('GET /api/events pages through the rows `autopilot events --json` prints', async () => {
    const rows: unknown[] = [];
    const starts: number[] = [];
    for (let from: number | null = 1; from !== null;) {
      starts.push(from);
      const page = await (await get(`/api/events?from=${from}&limit=10`)).json();
      expect(page.lastSeq).toBe(expected.length);
      rows.push(...page.events);
      from = page.next;
    }
    expect(starts).toEqual([1, 11, 21, 31]);
    expect(rows).toEqual(expected);
    expect(await (await get(`/api/events?from=${expected.length + 1}`)).json()).toEqual({ lastSeq: expected.length, next: null, events: [] });
  });

  it('GET /api/labbook returns the journal files as they are on disk', async () => {
    const body = await (await get('/api/labbook')).json();
    expect(body.labbook).toBe(readFileSync(join(ws, 'journal', 'labbook.md'), 'utf8'));
    expect(body.notes).toBe(readFileSync(join(ws, 'journal', 'notes.md'), 'utf8'));
    expect(body.problems).toEqual([]);
  });

  it('GET /api/stream sends every event after Last-Event-ID (or ?after=), then heartbeats', async () => {
    const all = await readSse((await get('/api/stream', { 'last-event-id': '25' })).body!, (m) => m.some((x) => x.comment === 'heartbeat'));
    expect(logSeqs(all)).toEqual([26, 27, 28, 29, 30, 31, 32]);
    expect(all.filter((m) => m.event === 'log').map((m) => JSON.parse(m.data!))).toEqual(expected.slice(25));
    const after = await readSse((await get('/api/stream?after=30', { 'last-event-id': '12' })).body!, (m) => logSeqs(m).includes(32));
    expect(logSeqs(after)).toEqual([31, 32]);
  });

  it('sends the security headers on every answer, the API and the page', async () => {
    for (const path of ['/api/meta', '/api/events', '/api/labbook', '/', '/nothing-here']) {
      const r = await get(path);
      expect(r.headers.get('content-security-policy'), path).toBe(CONTENT_SECURITY_POLICY);
      expect(r.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });

  it('serves a page saying the web app is not built while dist/inspector/web is missing', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(await r.text()).toMatch(/web app is not built/);
  });

  it('refuses a Host it is not bound to (DNS rebinding), with a one-line reason', async () => {
    const r = await get('/api/meta', { host: 'attacker.example:7444' });
    expect(r.status).toBe(400);
    expect((await r.text()).trim().split('\n')).toHaveLength(1);
  });

  it('has written nothing to the workspace: every file, size and mtime as before', () => {
    expect(listing(ws)).toEqual(before);
  });
});

describe('the inspector app serving a built web app', () => {
  it('serves index.html and the hashed assets, the assets cached for good', async () => {
    const web = mkdtempSync(join(tmpdir(), 'inspector-web-'));
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>app</title><script type="module" src="./assets/main-abc123.js"></script>');
    writeFileSync(join(web, 'assets', 'main-abc123.js'), 'console.log(1);\n');
    const ws = await historyWorkspace('loop-2');
    const inspector = createInspectorApp({ workspace: ws, allowedHosts: null, webRoot: web });
    const app = inspector.app;
    try {
      const page = await app.request('http://localhost/');
      expect(await page.text()).toMatch(/<title>app<\/title>/);
      expect(page.headers.get('cache-control')).toBe('no-cache');
      const js = await app.request('http://localhost/assets/main-abc123.js');
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toMatch(/javascript/);
      expect(js.headers.get('cache-control')).toMatch(/immutable/);
      expect((await app.request('http://localhost/../../etc/passwd')).status).toBe(404);
    } finally {
      inspector.close();
    }
  });
});
