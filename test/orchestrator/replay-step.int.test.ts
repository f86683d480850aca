import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteEventStore } from '../../adapters/store/sqlite-store.js';
import { rebuildProjections } from '../../adapters/projection-rebuild.js';
import type { AutopilotEvent } from '../../events/catalogue.js';
import { replayReport } from '../../orchestrator/replay.js';
import { replayStep } from '../../orchestrator/replay-step.js';
import { SNAPSHOT_EVERY, SNAPSHOT_NAMES } from '../../projections/snapshots.js';
import { appendAll, syntheticEvents } from '../support/synthetic-log.js';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'autopilot-replay-step-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The reports `replay --at N-1 --json` and `--at N --json` print, as JSON text. */
const twoReports = (store: SqliteEventStore<AutopilotEvent>, seq: number) => JSON.stringify({ before: seq > 1 ? replayReport(store, seq - 1) : null, at: replayReport(store, seq) });

describe('replayStep', () => {
  it('gives the reports at N-1 and N at every N of a log of three sessions (no snapshot)', () => {
    const events = syntheticEvents(9, 3);
    const store = appendAll(join(scratch, 'small.db'), events);
    try {
      expect(new Set(events.map((e) => e.metadata.session)).size).toBe(3);
      for (let seq = 1; seq <= events.length; seq++) expect(JSON.stringify(replayStep(store, seq)), `at ${seq}`).toBe(twoReports(store, seq));
      expect(replayStep(store, 1).before).toBeNull();
    } finally {
      store.close();
    }
  });

  it('gives them around the snapshot point and a session boundary after it, where the two folds start from different places', () => {
    // About 11,000 events in two sessions: the first spans the snapshot point at 10,000.
    const events = syntheticEvents(700, 650);
    const store = appendAll(join(scratch, 'big.db'), events);
    try {
      rebuildProjections(join(scratch, 'rebuilt'), store);
      expect(SNAPSHOT_NAMES.map((name) => store.loadSnapshot(name, events.length)?.seq)).toEqual(SNAPSHOT_NAMES.map(() => SNAPSHOT_EVERY));
      const boundary = events.findIndex((e) => e.metadata.session !== events[0]!.metadata.session) + 1;
      expect(boundary).toBeGreaterThan(SNAPSHOT_EVERY + 1);
      const seqs = [2, 3, SNAPSHOT_EVERY - 1, SNAPSHOT_EVERY, SNAPSHOT_EVERY + 1, SNAPSHOT_EVERY + 2, boundary - 1, boundary, boundary + 1, events.length];
      for (const seq of seqs) expect(JSON.stringify(replayStep(store, seq)), `at ${seq}`).toBe(twoReports(store, seq));
      // Past the point the view folds on from the snapshot.
      expect(replayStep(store, SNAPSHOT_EVERY + 2).before?.view_from.snapshot_seq).toBe(SNAPSHOT_EVERY);
    } finally {
      store.close();
    }
  });
});
