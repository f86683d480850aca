/** An export's embedded data, as the page reads it: parsed from the element's text, answered by path, and a missing path a clear 404. */
import { describe, expect, it } from 'vitest';
import type { EmbeddedExport } from '../../../inspector/api.js';
import { scriptJson } from '../../../inspector/export-html.js';
import { embeddedAnswer, embeddedExport, embeddedTail, parseEmbedded, staticNote } from '../../../inspector/web/embedded.js';

const data: EmbeddedExport = {
  format: 'autopilot-inspector-export/1',
  exportedAt: '2026-12-07T04:00:00.000Z',
  workspace: '/w',
  tail: 'api/events?from=1&limit=200',
  omitted: ['time travel at 10 of 20 seqs'],
  answers: {
    'api/meta': { status: 200, json: { lastSeq: 2, rationale: '</script><!--' } },
    'api/runs/002/audit': { status: 200, type: 'text/plain; charset=utf-8', text: 'Audit of run 002' },
    'api/runs/1e3/curve': { status: 400, json: { error: 'run id "1e3" is not one' } },
    'api/events?from=1&limit=200': { status: 200, json: { lastSeq: 2, next: null, events: [{ seq: 1 }, { seq: 2 }] } },
  },
};

describe('parseEmbedded', () => {
  it('is null on a live page (no element, or an empty one) and reads back what scriptJson wrote, hostile strings included', () => {
    expect(parseEmbedded(null)).toBeNull();
    expect(parseEmbedded(undefined)).toBeNull();
    expect(parseEmbedded('  ')).toBeNull();
    expect(parseEmbedded(scriptJson(data))).toEqual(data);
  });

  it('throws on data that is not an export', () => {
    expect(() => parseEmbedded('{"answers":{}}')).toThrow('#ap-data holds no autopilot-inspector-export/1 data');
    expect(() => parseEmbedded('{"format":"autopilot-inspector-export/1"}')).toThrow('#ap-data holds no');
  });

  it('finds no export outside a browser', () => {
    expect(embeddedExport()).toBeNull();
  });
});

describe('embeddedAnswer', () => {
  it('answers a JSON path with its body and status, as the server did', async () => {
    const res = embeddedAnswer(data, 'api/meta');
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'application/json; charset=utf-8']);
    expect(await res.json()).toEqual({ lastSeq: 2, rationale: '</script><!--' });
    const bad = embeddedAnswer(data, 'api/runs/1e3/curve');
    expect([bad.status, await bad.text()]).toEqual([400, '{"error":"run id \\"1e3\\" is not one"}']);
  });

  it('answers a text path with its type', async () => {
    const res = embeddedAnswer(data, 'api/runs/002/audit');
    expect([res.status, res.headers.get('content-type'), await res.text()]).toEqual([200, 'text/plain; charset=utf-8', 'Audit of run 002']);
  });

  it('answers a path it lacks (and an inherited name) with a 404 saying it is not in this export and what was left out', async () => {
    for (const path of ['api/at/15', 'constructor', '__proto__']) {
      const res = embeddedAnswer(data, path);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe(
        `${path} is not in this export of 2026-12-07T04:00:00.000Z: a static export holds only what was written into it (left out of it: time travel at 10 of 20 seqs)`,
      );
    }
  });
});

describe('the static tail', () => {
  it("gives the tail page's events and says there are no live updates", () => {
    expect(embeddedTail(data)).toEqual([{ seq: 1 }, { seq: 2 }]);
    expect(embeddedTail({ ...data, tail: null })).toEqual([]);
    expect(embeddedTail({ ...data, tail: 'api/missing' })).toEqual([]);
    expect(staticNote(data)).toBe('static export of 2026-12-07T04:00:00.000Z, no live updates');
  });
});
