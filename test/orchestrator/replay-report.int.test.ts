import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayReport } from '../../orchestrator/replay.js';
import { openReader } from '../../cli/open-store.js';
import type { SqliteEventStore } from '../../adapters/store/sqlite-store.js';
import type { AutopilotEvent } from '../../events/catalogue.js';
import { historyWorkspace } from '../support/histories.js';
import { CLI } from '../support/workspace.js';

describe('the replay report, as data', () => {
  let ws: string;
  let store: SqliteEventStore<AutopilotEvent>;
  beforeAll(async () => {
    ws = await historyWorkspace('loop-3');
    const opened = openReader(ws).store;
    if (!opened) throw new Error('the imported workspace has no log');
    store = opened;
  });
  afterAll(() => store?.close());

  it('is what `autopilot replay --at N --json` prints, at the first, a middle and the last event', async () => {
    const last = store.lastSeq();
    const seqs = [1, 7, Math.ceil(last / 2), last];
    for (const seq of seqs) {
      const r = await execa('node', [CLI, 'replay', '--at', String(seq), '--workspace', ws, '--json'], { reject: false });
      expect(r.exitCode, r.stderr).toBe(0);
      const report = replayReport(store, seq);
      expect(report.seq).toBe(seq);
      expect(JSON.parse(JSON.stringify(report)), `at ${seq}`).toEqual(JSON.parse(r.stdout));
    }
  });

  it('throws for an event that is not in the log', () => {
    expect(() => replayReport(store, store.lastSeq() + 1)).toThrow(/vanished/);
  });
});
