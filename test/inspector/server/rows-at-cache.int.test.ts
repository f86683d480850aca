import { beforeAll, describe, expect, it } from 'vitest';
import { RowsAtCache } from '../../../inspector/server/rows-at-cache.js';
import { foldRows, rowsOf } from '../../../projections/inspector/rows.js';
import { historyWorkspace } from '../../support/histories.js';
import { fromLog } from '../../support/inspector.js';

describe('RowsAtCache', () => {
  let three: string;
  let two: string;
  beforeAll(async () => {
    [three, two] = await Promise.all([historyWorkspace('loop-3'), historyWorkspace('loop-2')]);
  });

  it('gives the fold of the events up to each seq, folding a step forward on from the last fold and any other step afresh', () => {
    fromLog(three, (store) => {
      const events = [...store.readAll()];
      const expected = (seq: number) => rowsOf(foldRows(events.slice(0, seq)));
      const cache = new RowsAtCache();
      const at = (seq: number) => rowsOf(cache.at(store, events[seq - 1]!));
      for (let seq = 1; seq <= events.length; seq++) expect(at(seq), `at ${seq}`).toEqual(expected(seq));
      expect(cache.steppedOn).toBe(events.length - 1);
      // Backwards: from the snapshot (none in so short a log: from event 1), nothing stepped on.
      expect(at(10)).toEqual(expected(10));
      expect(cache.steppedOn).toBe(events.length - 1);
      // A jump forward folds on the 20 events between.
      expect(at(30)).toEqual(expected(30));
      expect(cache.steppedOn).toBe(events.length - 1 + 20);
    });
  });

  it('folds afresh when the event its fold stopped at is not in the log asked about (another log)', () => {
    const cache = new RowsAtCache();
    const first = fromLog(three, (store) => {
      const [e] = store.readAll({ fromSeq: 5, toSeq: 5 });
      cache.at(store, e!);
      return e!;
    });
    fromLog(two, (store) => {
      const events = [...store.readAll()];
      expect(events[4]!.hash).not.toBe(first.hash);
      expect(rowsOf(cache.at(store, events[19]!))).toEqual(rowsOf(foldRows(events.slice(0, 20))));
    });
    expect(cache.steppedOn).toBe(0);
  });
});
