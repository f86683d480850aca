import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../adapters/store/sqlite-store.js';
import { catalogueCodec } from '../../../events/catalogue.js';
import { DecodedRange } from '../../../inspector/server/decoded-range.js';
import { RowsAtCache } from '../../../inspector/server/rows-at-cache.js';
import { replayReport } from '../../../orchestrator/replay.js';
import { replayStep } from '../../../orchestrator/replay-step.js';
import { rowsAt } from '../../../orchestrator/rows-at.js';
import { rowsOf } from '../../../projections/inspector/rows.js';
import { tamper, tempDirs } from '../../events/support/temp.js';
import { historyWorkspace } from '../../support/histories.js';
import { fromLog } from '../../support/inspector.js';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

// Over a log with snapshots: test/orchestrator/snapshots-rows-machine.int.test.ts, which has one.
describe('DecodedRange', () => {
  let three: string;
  let two: string;
  beforeAll(async () => {
    [three, two] = await Promise.all([historyWorkspace('loop-3'), historyWorkspace('loop-2')]);
  });

  it('hands out the events the store reads, from the span kept or going on past its end, frozen', () => {
    fromLog(three, (store) => {
      const all = [...store.readAll()];
      const range = new DecodedRange(4);
      const read = (from: number, to: number) => [...range.read(store, from, to)];
      const expectSpan = (from: number, to: number) => expect(read(from, to), `${from}..${to}`).toEqual(all.slice(from - 1, to));
      expectSpan(10, 30);
      expect(range.hits).toBe(0);
      expectSpan(12, 30); // within
      expectSpan(10, 10);
      expectSpan(20, 33); // on past its end: 31..33 read and kept
      expectSpan(10, 33);
      expect(range.hits).toBe(4);
      expectSpan(5, 9); // before it: a new span
      expect(range.hits).toBe(4);
      expectSpan(1, 2); // too short to keep: from the store
      expectSpan(5, 9);
      expect(range.hits).toBe(5);
      const [e] = range.read(store, 6, 6);
      expect(Object.isFrozen(e) && Object.isFrozen(e!.event) && Object.isFrozen(e!.event.data)).toBe(true);
    });
  });

  it('serves folds that give the reports and rows of the store at every N (no fold changes an event: they are frozen)', () => {
    fromLog(three, (store) => {
      const range = new DecodedRange(1);
      const folds = new RowsAtCache();
      const last = store.lastSeq();
      for (let seq = 1; seq <= last; seq++) {
        const expected = { before: seq > 1 ? replayReport(store, seq - 1) : null, at: replayReport(store, seq) };
        expect(JSON.stringify(replayStep(store, seq, range.reader(store))), `step at ${seq}`).toBe(JSON.stringify(expected));
        expect(JSON.stringify(replayReport(store, seq, range.reader(store))), `report at ${seq}`).toBe(JSON.stringify(expected.at));
        const [target] = store.readAll({ fromSeq: seq, toSeq: seq });
        expect(rowsOf(folds.at(store, target!, range.reader(store))), `rows at ${seq}`).toEqual(rowsOf(rowsAt(store, seq).rows));
      }
      expect(range.hits).toBeGreaterThan(last);
    });
  });

  it('does not serve the span of a log that was replaced, or whose last event kept changed', () => {
    const range = new DecodedRange(4);
    const path = join(dirs.make(), 'events.db');
    copyFileSync(join(three, 'events.db'), path);
    const a = openSqliteStore(path, catalogueCodec, { readonly: true });
    const threeEvents = [...range.read(a, 1, 20)];
    a.close();
    copyFileSync(join(two, 'events.db'), path);
    const b = openSqliteStore(path, catalogueCodec, { readonly: true });
    try {
      const twoEvents = [...b.readAll({ fromSeq: 1, toSeq: 20 })];
      expect(twoEvents.at(-1)!.hash).not.toBe(threeEvents.at(-1)!.hash);
      expect([...range.read(b, 1, 20)]).toEqual(twoEvents);
      expect([...range.read(b, 3, 20)]).toEqual(twoEvents.slice(2));
      expect(range.hits).toBe(1);
      // The same store, its event 20 rewritten underneath: the span is read again.
      tamper(path, `UPDATE messages SET hash = 'rewritten' WHERE global_position = 20`);
      const read = [...range.read(b, 3, 20)];
      expect(range.hits).toBe(1);
      expect(read.at(-1)!.hash).toBe('rewritten');
    } finally {
      b.close();
    }
  });
});
