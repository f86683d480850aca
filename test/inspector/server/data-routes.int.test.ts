import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useInspectedHistory } from '../../support/inspector.js';

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

  it('but never the event stream, which a compressor would hold back', async () => {
    const r = await h.get('/api/stream', { 'accept-encoding': 'gzip' });
    expect(r.headers.get('content-encoding')).toBeNull();
    await r.body!.cancel();
  });
});
