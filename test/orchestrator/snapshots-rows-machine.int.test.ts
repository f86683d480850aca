import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AutopilotEvent } from '../../events/catalogue.js';
import type { EventStore } from '../../events/store.js';
import type { SqliteEventStore } from '../../adapters/store/sqlite-store.js';
import { ProjectionWriter } from '../../adapters/projection-writer.js';
import { rebuildProjections } from '../../adapters/projection-rebuild.js';
import { createRng } from '../../domain/rng.js';
import { emptyRows, evolveRows, rowsOf } from '../../projections/inspector/rows.js';
import { MACHINE_SNAPSHOT, ROWS_SNAPSHOT, SNAPSHOT_EVERY, SNAPSHOT_NAMES } from '../../projections/snapshots.js';
import { machineAt, replayReport } from '../../orchestrator/replay.js';
import { latestRows, rowsAt } from '../../orchestrator/rows-at.js';
import { replayStep } from '../../orchestrator/replay-step.js';
import { DecodedRange } from '../../inspector/server/decoded-range.js';
import { RowsAtCache } from '../../inspector/server/rows-at-cache.js';
import { appendAll, syntheticEvents } from '../support/synthetic-log.js';

// About 11,000 events in two sessions: the first (650 runs) spans the snapshot point at 10,000 and
// ends a little after it, the second (50 runs) follows.
const events = syntheticEvents(700, 650);
const sessionOf = (seq: number) => events[seq - 1]!.metadata.session;
// The first event of the second session.
const boundary = events.findIndex((e) => e.metadata.session !== events[0]!.metadata.session) + 1;

let scratch: string;
let store: SqliteEventStore<AutopilotEvent>;
const snapshotsOf = () => SNAPSHOT_NAMES.map((name) => store.loadSnapshot(name, events.length));

beforeAll(() => {
  // The writers fsync what they write: on tmpfs, where there is one, that costs nothing.
  scratch = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'autopilot-snap-rows-'));
  store = appendAll(join(scratch, 'events.db'), events);
  rebuildProjections(join(scratch, 'rebuilt'), store);
});
afterAll(() => {
  store.close();
  rmSync(scratch, { recursive: true, force: true });
});

it('has a history whose first session spans the snapshot point and ends after it', () => {
  expect(boundary).toBeGreaterThan(SNAPSHOT_EVERY + 1);
  expect(events.length).toBeGreaterThan(boundary + 10);
  expect(snapshotsOf().map((s) => s?.seq)).toEqual([SNAPSHOT_EVERY, SNAPSHOT_EVERY, SNAPSHOT_EVERY]);
});

describe('the rows snapshot', () => {
  it('gives, folded on with the events after it, the rows of a fold from event 1 at every seq tried (property)', () => {
    const rng = createRng(17);
    const cuts = new Set([0, 1, SNAPSHOT_EVERY - 1, SNAPSHOT_EVERY, SNAPSHOT_EVERY + 1, boundary - 1, boundary, events.length]);
    while (cuts.size < 24) cuts.add(1 + Math.floor(rng() * events.length));
    const fresh = emptyRows();
    const checked: number[] = [];
    const check = (seq: number) => {
      const at = rowsAt(store, seq);
      expect(at.snapshotSeq, `at ${seq}`).toBe(seq >= SNAPSHOT_EVERY ? SNAPSHOT_EVERY : null);
      expect(at.rows.lastSeq, `at ${seq}`).toBe(seq);
      expect(rowsOf(at.rows), `at ${seq}`).toEqual(rowsOf(fresh));
      checked.push(seq);
    };
    if (cuts.has(0)) check(0);
    for (const stored of store.readAll()) {
      evolveRows(fresh, stored);
      if (cuts.has(stored.seq)) check(stored.seq);
    }
    expect(checked).toHaveLength(cuts.size);
    expect(rowsOf(latestRows(store).rows)).toEqual(rowsOf(fresh));
  });

  it('is ignored once the event it is bound to no longer has its hash, and the rows are folded from event 1', () => {
    const seq = events.length - 5;
    const before = rowsAt(store, seq);
    store.db.prepare('UPDATE snapshots SET hash = ? WHERE name = ?').run('0'.repeat(64), ROWS_SNAPSHOT);
    try {
      const after = rowsAt(store, seq);
      expect(after.snapshotSeq).toBeNull();
      expect(rowsOf(after.rows)).toEqual(rowsOf(before.rows));
    } finally {
      rebuildProjections(join(scratch, 'rebuilt'), store);
    }
    expect(rowsAt(store, seq).snapshotSeq).toBe(SNAPSHOT_EVERY);
  });
});

describe('the machine snapshot', () => {
  const cuts = [SNAPSHOT_EVERY - 1, SNAPSHOT_EVERY, SNAPSHOT_EVERY + 1, SNAPSHOT_EVERY + 37, boundary - 1, boundary, boundary + 1, events.length];

  it('holds the machine of the session open at its seq, from that session’s first event', () => {
    expect(sessionOf(SNAPSHOT_EVERY)).toBe(sessionOf(1));
    for (const seq of cuts) {
      const m = machineAt(store, sessionOf(seq), seq < boundary ? 1 : boundary, seq);
      expect(m.snapshotSeq, `at ${seq}`).toBe(seq >= SNAPSHOT_EVERY && seq < boundary ? SNAPSHOT_EVERY : null);
    }
  });

  it('gives replayReport the same report as a fold of the session from its first event, at and after the point and across the session boundary', () => {
    const withSnapshot = cuts.map((seq) => JSON.stringify(replayReport(store, seq)));
    store.clearSnapshots(MACHINE_SNAPSHOT);
    try {
      for (const seq of cuts) expect(machineAt(store, sessionOf(seq), seq < boundary ? 1 : boundary, seq).snapshotSeq).toBeNull();
      const without = cuts.map((seq) => JSON.stringify(replayReport(store, seq)));
      for (const [i, seq] of cuts.entries()) expect(withSnapshot[i], `--at ${seq}`).toBe(without[i]);
    } finally {
      rebuildProjections(join(scratch, 'rebuilt'), store);
    }
  });
});

it("gets the same rows and machine snapshots from the loop's projection writer, as it applies events or catches up", () => {
  const taken = snapshotsOf();
  expect(taken.every((s) => s !== null)).toBe(true);
  const upTo = (seq: number): EventStore<AutopilotEvent> => ({ ...store, readAll: (o = {}) => store.readAll({ ...o, toSeq: Math.min(o.toSeq ?? seq, seq) }) });
  try {
    for (const name of SNAPSHOT_NAMES) store.clearSnapshots(name);
    const applying = new ProjectionWriter(join(scratch, 'apply'), store);
    applying.catchUp(upTo(SNAPSHOT_EVERY - 10));
    expect(snapshotsOf()).toEqual([null, null, null]);
    for (const stored of store.readAll({ fromSeq: SNAPSHOT_EVERY - 9, toSeq: SNAPSHOT_EVERY })) applying.apply(stored);
    expect(snapshotsOf()).toEqual(taken);
    for (const name of SNAPSHOT_NAMES) store.clearSnapshots(name);
    new ProjectionWriter(join(scratch, 'catch-up'), store).catchUp(store);
    expect(snapshotsOf()).toEqual(taken);
    // A catch-up over snapshots already there keeps them, and takes the machine's as the fold so far.
    new ProjectionWriter(join(scratch, 'catch-up-again'), store).catchUp(store);
    expect(snapshotsOf()).toEqual(taken);
  } finally {
    rebuildProjections(join(scratch, 'rebuilt'), store);
  }
});

describe('time travel around the snapshot point and the session boundary (the folds start from different places)', () => {
  // Forward in steps (the span kept and gone on from), back, and across the boundary.
  const seqs = () => [
    2,
    3,
    SNAPSHOT_EVERY - 1,
    SNAPSHOT_EVERY,
    SNAPSHOT_EVERY + 1,
    SNAPSHOT_EVERY + 2,
    SNAPSHOT_EVERY + 300,
    SNAPSHOT_EVERY + 301,
    SNAPSHOT_EVERY + 200,
    boundary - 1,
    boundary,
    boundary + 1,
    events.length,
  ];
  const twoReports = (seq: number) => JSON.stringify({ before: seq > 1 ? replayReport(store, seq - 1) : null, at: replayReport(store, seq) });

  it('replayStep gives the reports of replay --at N-1 and N', () => {
    for (const seq of seqs()) expect(JSON.stringify(replayStep(store, seq)), `at ${seq}`).toBe(twoReports(seq));
    // Past the point the view folds on from the snapshot.
    expect(replayStep(store, SNAPSHOT_EVERY + 2).before?.view_from.snapshot_seq).toBe(SNAPSHOT_EVERY);
  });

  it('gives the same reports and rows through the inspector’s shared decoded range (its events frozen)', () => {
    const range = new DecodedRange();
    const folds = new RowsAtCache();
    for (const seq of seqs()) {
      const [target] = store.readAll({ fromSeq: seq, toSeq: seq });
      expect(JSON.stringify(replayStep(store, seq, range.reader(store))), `step at ${seq}`).toBe(twoReports(seq));
      expect(JSON.stringify(rowsOf(folds.at(store, target!, range.reader(store)))), `rows at ${seq}`).toBe(JSON.stringify(rowsOf(rowsAt(store, seq).rows)));
    }
    expect(range.hits).toBeGreaterThan(seqs().length);
  });
});
