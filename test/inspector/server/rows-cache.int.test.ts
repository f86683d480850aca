import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../adapters/store/sqlite-store.js';
import { catalogueCodec, type AutopilotEvent } from '../../../events/catalogue.js';
import type { RunsResponse } from '../../../inspector/api.js';
import { createInspectorApp } from '../../../inspector/server/app.js';
import { serializeRows } from '../../../projections/inspector/rows-snapshot.js';
import { foldRows, rowsOf } from '../../../projections/inspector/rows.js';
import { ROWS_SNAPSHOT } from '../../../projections/snapshots.js';
import { historyFixture } from '../../support/histories.js';
import { CLI, fakeTrainerWorkspace } from '../../support/workspace.js';

/** A committed history's events with their streams, as the loop appended them. */
function historyEvents(name: 'loop-2' | 'loop-3'): { streamId: string; event: AutopilotEvent }[] {
  return readFileSync(historyFixture(name), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const row = JSON.parse(line) as { streamId: string; type: string; schemaVersion: number; data: unknown; metadata: unknown };
      return { streamId: row.streamId, event: catalogueCodec.decode(row) };
    });
}

describe('GET /api/runs while the log grows', () => {
  it('folds on only the new events, and its rows equal a fresh fold of the whole log each time', async () => {
    const ws = fakeTrainerWorkspace();
    const inspector = createInspectorApp({ workspace: ws, allowedHosts: null });
    const writer = openSqliteStore(join(ws, 'events.db'), catalogueCodec);
    const reader = openSqliteStore(join(ws, 'events.db'), catalogueCodec, { readonly: true });
    const runs = async () => (await (await inspector.app.request('http://localhost/api/runs')).json()) as RunsResponse;
    try {
      expect(await runs()).toEqual({ lastSeq: 0, rows: [] });
      const events = historyEvents('loop-3');
      for (let at = 0; at < events.length; at += 5) {
        for (const { streamId, event } of events.slice(at, at + 5)) writer.append(streamId, [event], { expectedVersion: 'any' });
        const body = await runs();
        const seq = Math.min(at + 5, events.length);
        expect(body.lastSeq).toBe(seq);
        expect(body.rows, `after seq ${seq}`).toEqual(rowsOf(foldRows(reader.readAll())));
        // Each event folded once: never from seq 1 again.
        expect(inspector.caches.rows.folded).toBe(seq);
      }
      expect((await runs()).rows.map((r) => [r.id, r.status])).toEqual([
        ['001', 'finished'],
        ['002', 'finished'],
        ['003', 'finished'],
      ]);
      expect(inspector.caches.rows.folded).toBe(events.length);
    } finally {
      reader.close();
      writer.close();
      inspector.close();
    }
  });

  it('folds afresh a log that replaced the one it folded', async () => {
    const ws = fakeTrainerWorkspace();
    await execa('node', [CLI, 'import', historyFixture('loop-3'), '--workspace', ws]);
    const inspector = createInspectorApp({ workspace: ws, allowedHosts: null });
    const runs = async () => (await (await inspector.app.request('http://localhost/api/runs')).json()) as RunsResponse;
    try {
      expect((await runs()).rows.map((r) => r.id)).toEqual(['001', '002', '003']);
      for (const f of ['events.db', 'events.db-wal', 'events.db-shm']) rmSync(join(ws, f), { force: true });
      await execa('node', [CLI, 'import', historyFixture('loop-2'), '--workspace', ws]);
      const reader = openSqliteStore(join(ws, 'events.db'), catalogueCodec, { readonly: true });
      try {
        expect((await runs()).rows).toEqual(rowsOf(foldRows(reader.readAll())));
      } finally {
        reader.close();
      }
      expect((await runs()).rows.map((r) => r.id)).toEqual(['001', '002']);
    } finally {
      inspector.close();
    }
  });

  it('starts from the latest rows snapshot, folding only the events after it', async () => {
    const ws = fakeTrainerWorkspace();
    await execa('node', [CLI, 'import', historyFixture('loop-3'), '--workspace', ws]);
    const writer = openSqliteStore(join(ws, 'events.db'), catalogueCodec);
    const all = [...writer.readAll()];
    const at = Math.floor(all.length / 2);
    // A loop takes these every SNAPSHOT_EVERY events; one taken halfway through this short log stands in.
    writer.saveSnapshot(ROWS_SNAPSHOT, at, serializeRows(foldRows(all.slice(0, at))));
    writer.close();
    const inspector = createInspectorApp({ workspace: ws, allowedHosts: null });
    try {
      const body = (await (await inspector.app.request('http://localhost/api/runs')).json()) as RunsResponse;
      expect(body.rows).toEqual(rowsOf(foldRows(all)));
      expect(inspector.caches.rows.startedFrom).toBe(at);
      expect(inspector.caches.rows.folded).toBe(all.length - at);
    } finally {
      inspector.close();
    }
  });
});
