import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteEventStore } from '../../adapters/store/sqlite-store.js';
import type { AutopilotEvent } from '../../events/catalogue.js';
import { replayReport } from '../../orchestrator/replay.js';
import { replayStep } from '../../orchestrator/replay-step.js';
import { appendAll, syntheticEvents } from '../support/synthetic-log.js';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'autopilot-replay-step-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The reports `replay --at N-1 --json` and `--at N --json` print, as JSON text. */
const twoReports = (store: SqliteEventStore<AutopilotEvent>, seq: number) => JSON.stringify({ before: seq > 1 ? replayReport(store, seq - 1) : null, at: replayReport(store, seq) });

// Around a snapshot point and a session boundary: test/orchestrator/snapshots-rows-machine.int.test.ts, which has that log.
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
});
