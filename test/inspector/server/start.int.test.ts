import { describe, expect, it } from 'vitest';
import { inspectorUrl, isLoopback, startInspector } from '../../../inspector/server/start.js';
import { historyWorkspace } from '../../support/histories.js';

describe('isLoopback', () => {
  it('is true for 127.0.0.0/8 and ::1 only', () => {
    expect(['127.0.0.1', '127.0.0.2', '127.255.0.9', '::1'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '10.0.0.1', '128.0.0.1', '::', '1127.0.0.1'].map(isLoopback)).toEqual([false, false, false, false, false]);
  });
});

describe('startInspector', () => {
  it('serves plain JSON over loopback even to a client that accepts gzip, at the URL it gives', async () => {
    const ws = await historyWorkspace('loop-2');
    const server = await startInspector({ workspace: ws, port: 0 });
    try {
      expect(server.url).toBe(inspectorUrl('127.0.0.1', server.port, undefined));
      const r = await fetch(new URL('api/runs', server.url), { headers: { 'accept-encoding': 'gzip' } });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-encoding')).toBeNull();
      expect(((await r.json()) as { rows: { id: string }[] }).rows.map((row) => row.id)).toEqual(['001', '002']);
    } finally {
      await server.close();
    }
  });
});
