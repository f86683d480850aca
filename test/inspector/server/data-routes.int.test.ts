import { readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createInspectorApp } from '../../../inspector/server/app.js';
import { useInspectedHistory } from '../../support/inspector.js';
import { fakeTrainerWorkspace } from '../../support/workspace.js';

describe('the data routes, gzipped', () => {
  const h = useInspectedHistory('loop-2');

  it('for a client that accepts gzip, and plain for one that does not', async () => {
    for (const path of ['/api/runs', '/api/at/20', '/api/statechart', '/api/runs/001/audit']) {
      const zipped = await h.get(path, { 'accept-encoding': 'gzip' });
      expect(zipped.headers.get('content-encoding'), path).toBe('gzip');
      const plain = await h.get(path);
      expect(plain.headers.get('content-encoding'), path).toBeNull();
      expect(JSON.parse(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8')), path).toEqual(await plain.json());
    }
  });

  it('never when the app is told not to (a server bound to loopback)', async () => {
    const app = createInspectorApp({ workspace: h.ws, allowedHosts: null, compress: false });
    try {
      const r = await app.app.request('http://localhost/api/runs', { headers: { 'accept-encoding': 'gzip' } });
      expect(r.headers.get('content-encoding')).toBeNull();
      expect(((await r.json()) as { rows: unknown[] }).rows).toHaveLength(2);
    } finally {
      app.close();
    }
  });

  it('but never the event stream, which a compressor would hold back', async () => {
    const r = await h.get('/api/stream', { 'accept-encoding': 'gzip' });
    expect(r.headers.get('content-encoding')).toBeNull();
    await r.body!.cancel();
  });
});

describe('the data routes on an empty workspace (no events.db yet)', () => {
  it('give no rows, no run and no seq, and create nothing', async () => {
    const ws = fakeTrainerWorkspace();
    const before = readdirSync(ws).sort();
    const inspector = createInspectorApp({ workspace: ws, allowedHosts: null });
    const get = async (path: string) => {
      const r = await inspector.app.request(`http://localhost${path}`);
      return [r.status, await r.json()] as const;
    };
    try {
      expect(await get('/api/runs')).toEqual([200, { lastSeq: 0, rows: [] }]);
      expect(await get('/api/runs/001/audit')).toEqual([404, { error: 'no run 001 in the log; it holds no runs yet' }]);
      expect(await get('/api/runs/001/curve')).toEqual([404, { error: 'no run 001 in the log; it holds no runs yet' }]);
      expect(await get('/api/at/1')).toEqual([404, { error: 'seq 1 is past the end of the log: its last seq is 0', lastSeq: 0 }]);
      expect(await get('/api/statechart?session=0001')).toEqual([404, { error: 'no session 0001 in the log; it holds none yet' }]);
      expect(readdirSync(ws).sort()).toEqual(before);
    } finally {
      inspector.close();
    }
  });
});
