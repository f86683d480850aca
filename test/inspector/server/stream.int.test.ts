import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../adapters/store/sqlite-store.js';
import { catalogueCodec, type AutopilotEvent } from '../../../events/catalogue.js';
import { createInspectorApp, type InspectorApp } from '../../../inspector/server/app.js';
import { resumeAfter } from '../../../inspector/server/stream.js';
import { historyFixture, historyWorkspace } from '../../support/histories.js';
import { logSeqs, readSse } from '../../support/sse.js';
import { CLI, fakeTrainerWorkspace } from '../../support/workspace.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const opened: InspectorApp[] = [];
afterEach(() => opened.splice(0).forEach((i) => i.close()));

function inspectorOf(workspace: string): InspectorApp {
  const i = createInspectorApp({ workspace, allowedHosts: null, timing: { pollMs: 20, heartbeatMs: 60_000 } });
  opened.push(i);
  return i;
}

describe('where a stream resumes', () => {
  it('is after the larger of Last-Event-ID (seq, or seq:k) and ?after=, ignoring what is not a seq', () => {
    expect(resumeAfter(undefined, undefined)).toBe(0);
    expect(resumeAfter('12', undefined)).toBe(12);
    expect(resumeAfter('12:3', '7')).toBe(12);
    expect(resumeAfter('5', '9')).toBe(9);
    expect(resumeAfter('-4', 'x')).toBe(0);
    expect(resumeAfter('1e9', '2.5')).toBe(0);
  });
});

describe('GET /api/stream while another connection appends to the log', () => {
  it('resumes from Last-Event-ID with no event lost or sent twice', async () => {
    const ws = await historyWorkspace('loop-2');
    const { app } = inspectorOf(ws);
    const writer = openSqliteStore(join(ws, 'events.db'), catalogueCodec);
    const start = writer.lastSeq();
    const appended = 80;
    // One event at a time, a few ms apart, interleaved with the reads below.
    const appending = (async () => {
      for (let i = 0; i < appended; i++) {
        const event: AutopilotEvent = { type: 'StateEntered', data: { from: 'done', to: 'done', event: `Probe${i}` }, metadata: { session: '0002', at: new Date().toISOString() } };
        writer.append('session-0002', [event], { expectedVersion: 'any' });
        await sleep(3);
      }
    })();
    try {
      const first = logSeqs(await readSse((await app.request('http://localhost/api/stream')).body!, (m) => logSeqs(m).some((s) => s > start + 10)));
      const resumed = logSeqs(
        await readSse((await app.request('http://localhost/api/stream', { headers: { 'last-event-id': String(first.at(-1)) } })).body!, (m) => logSeqs(m).includes(start + appended)),
      );
      await appending;
      expect(first.at(-1)).toBeLessThan(start + appended);
      expect([...first, ...resumed]).toEqual(range(1, start + appended));
    } finally {
      await appending;
      writer.close();
    }
  });
});

describe('an empty workspace (no events.db yet)', () => {
  it('says {empty: true}, creates nothing, and streams the log once one appears', async () => {
    const ws = fakeTrainerWorkspace();
    const before = readdirSync(ws).sort();
    const { app } = inspectorOf(ws);
    expect(await (await app.request('http://localhost/api/meta')).json()).toEqual({ workspace: ws, empty: true, lastSeq: 0, sessions: [] });
    expect(await (await app.request('http://localhost/api/events')).json()).toEqual({ lastSeq: 0, next: null, events: [] });
    expect(readdirSync(ws).sort()).toEqual(before);

    const streamed = readSse((await app.request('http://localhost/api/stream')).body!, (m) => logSeqs(m).includes(32));
    await sleep(100);
    await execa('node', [CLI, 'import', historyFixture('loop-2'), '--workspace', ws]);
    expect(logSeqs(await streamed)).toEqual(range(1, 32));
    expect(await (await app.request('http://localhost/api/meta')).json()).toMatchObject({ empty: false, lastSeq: 32, sessions: [expect.objectContaining({ session: '0001' })] });
  });
});
