/** The answers an export collects from the inspector's app in-process (loop-3 history), most needed first. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectAnswers, EXPORT_LIMITS } from '../../inspector/export-data.js';
import { createInspectorApp, type InspectorApp } from '../../inspector/server/app.js';
import { historyWorkspace } from '../support/histories.js';

let inspector: InspectorApp;
beforeAll(async () => {
  inspector = createInspectorApp({ workspace: await historyWorkspace('loop-3'), allowedHosts: null });
});
afterAll(() => inspector.close());

describe('collectAnswers', () => {
  it('keeps the paths as the page asks for them, skips a route that answers 404, and the tail page of the last events', async () => {
    const got = await collectAnswers(inspector.app);
    const paths = Object.keys(got.answers);
    expect(paths.slice(0, 2)).toEqual(['api/meta', 'api/runs']);
    expect(paths).toContain('api/labbook');
    expect(paths).toEqual(expect.arrayContaining(['api/statechart', 'api/statechart?session=0001']));
    expect(paths.every((p) => !p.startsWith('/'))).toBe(true);
    // A route this server lacks is left out, not embedded as an error.
    const params = await inspector.app.request('/api/params');
    expect(paths.includes('api/params')).toBe(params.status !== 404);
    expect(got.tail).toBe('api/events?from=1&limit=200');
    expect(Object.values(got.answers).every((a) => a.status !== 404)).toBe(true);
    expect(got.bytes).toBeLessThanOrEqual(EXPORT_LIMITS.maxBytes);
  });

  it('embeds api/runs?at=N only when the server answers it as the runs at N, not the runs now', async () => {
    const got = await collectAnswers(inspector.app);
    const now = JSON.stringify(got.answers['api/runs']);
    const first = await inspector.app.request('/api/runs?at=1');
    const knows = first.status === 200 && JSON.stringify({ status: 200, json: await first.json() }) !== now;
    expect(Object.keys(got.answers).filter((p) => p.startsWith('api/runs?at=')).length > 0).toBe(knows);
  });

  it('past the byte cap, asks for nothing more and names how many answers were left out', async () => {
    const got = await collectAnswers(inspector.app, { ...EXPORT_LIMITS, maxBytes: 1 });
    expect(got.answers).toEqual({});
    expect(got.omitted).toHaveLength(1);
    expect(got.omitted[0]).toMatch(/^\d+ answers from the 1 byte cap on, such as api\/meta, api\/runs, api\/labbook$/);
  });
});
