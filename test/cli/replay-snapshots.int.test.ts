import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { replayCommand } from '../../cli/replay.js';
import type { AutopilotEvent } from '../../events/catalogue.js';
import type { EventStore } from '../../events/store.js';
import type { SqliteEventStore } from '../../adapters/store/sqlite-store.js';
import { workspacePaths } from '../../adapters/workspace.js';
import { SNAPSHOT_EVERY, SUMMARY_SNAPSHOT } from '../../projections/snapshots.js';
import { ProjectionWriter } from '../../adapters/projection-writer.js';
import { rebuildProjections } from '../../adapters/projection-rebuild.js';
import { appendAll, syntheticEvents } from '../support/synthetic-log.js';
import { CLI, copyShippedWorkspace } from '../support/workspace.js';
import { execa } from 'execa';

/** `replay --at SEQ --json`, run in this process, parsed. */
function replay(ws: string, at: number): { view: unknown; view_from: { snapshot_seq: number | null }; machine: unknown } {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    expect(replayCommand({ workspace: ws, at: String(at), json: true }, { out: process.stdout, err: process.stderr })).toBe(0);
  } finally {
    spy.mockRestore();
  }
  return JSON.parse(out);
}

describe('when a log is longer than the snapshot interval', () => {
  // About 11,000 events: one snapshot point.
  const events = syntheticEvents(700);
  let ws: string;
  let store: SqliteEventStore<AutopilotEvent>;
  const cuts = [1, 500, SNAPSHOT_EVERY - 1, SNAPSHOT_EVERY, SNAPSHOT_EVERY + 1, events.length - 3, events.length];

  beforeAll(() => {
    expect(events.length).toBeGreaterThan(SNAPSHOT_EVERY);
    ws = copyShippedWorkspace('autopilot-snap-');
    store = appendAll(workspacePaths(ws).events, events);
  });
  afterAll(() => {
    store.close();
    rmSync(dirname(ws), { recursive: true, force: true });
  });

  it('replays from the start of the log while no snapshot exists', () => {
    for (const at of cuts) expect(replay(ws, at).view_from.snapshot_seq).toBeNull();
  });

  it('takes a snapshot at every multiple of the interval when rebuilding', () => {
    rebuildProjections(ws, store);
    expect(store.loadSnapshot(SUMMARY_SNAPSHOT, events.length)?.seq).toBe(SNAPSHOT_EVERY);
  });

  it('replays from the snapshot where it can, to exactly the report of the full fold', () => {
    const withSnapshots = cuts.map((at) => replay(ws, at));
    expect(withSnapshots.map((r) => r.view_from.snapshot_seq)).toEqual(cuts.map((at) => (at >= SNAPSHOT_EVERY ? SNAPSHOT_EVERY : null)));
    store.clearSnapshots(SUMMARY_SNAPSHOT);
    const without = cuts.map((at) => replay(ws, at));
    for (const [i, at] of cuts.entries()) {
      expect(withSnapshots[i]!.view, `--at ${at}`).toEqual(without[i]!.view);
      expect(withSnapshots[i]!.machine, `--at ${at}`).toEqual(without[i]!.machine);
    }
  });

  it('gives status the same runs, sessions and incumbent as replay of the last event, from the snapshot', async () => {
    rebuildProjections(ws, store);
    expect(store.loadSnapshot(SUMMARY_SNAPSHOT, events.length)?.seq).toBe(SNAPSHOT_EVERY);
    const status = await execa('node', [CLI, 'status', '--workspace', ws, '--json']);
    const s = JSON.parse(status.stdout);
    const r = replay(ws, events.length) as unknown as { view: { events: number; runs: unknown[]; sessions: unknown[]; incumbent: unknown } };
    expect(s.events).toBe(events.length);
    expect({ runs: s.runs, sessions: s.sessions, incumbent: s.incumbent }).toEqual({ runs: r.view.runs, sessions: r.view.sessions, incumbent: r.view.incumbent });
    expect(s.runs).toHaveLength(700);
  });

  it("gets the same snapshot from the loop's projection writer, as it applies events or catches up", () => {
    rebuildProjections(ws, store);
    const taken = store.loadSnapshot(SUMMARY_SNAPSHOT, SNAPSHOT_EVERY)!;
    // The writer fsyncs every file it writes: on tmpfs, where there is one, that costs nothing.
    const scratch = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'autopilot-snap-writer-'));
    try {
      store.clearSnapshots(SUMMARY_SNAPSHOT);
      const upTo = (seq: number): EventStore<AutopilotEvent> => ({ ...store, readAll: (o = {}) => store.readAll({ ...o, toSeq: Math.min(o.toSeq ?? seq, seq) }) });
      const applying = new ProjectionWriter(join(scratch, 'apply'), store);
      applying.catchUp(upTo(SNAPSHOT_EVERY - 10));
      expect(store.loadSnapshot(SUMMARY_SNAPSHOT, events.length)).toBeNull();
      for (const stored of store.readAll({ fromSeq: SNAPSHOT_EVERY - 9, toSeq: SNAPSHOT_EVERY })) applying.apply(stored);
      expect(store.loadSnapshot(SUMMARY_SNAPSHOT, events.length)).toEqual(taken);
      store.clearSnapshots(SUMMARY_SNAPSHOT);
      new ProjectionWriter(join(scratch, 'catch-up'), store).catchUp(store);
      expect(store.loadSnapshot(SUMMARY_SNAPSHOT, events.length)).toEqual(taken);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
