import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldRows, rowsFoldOfView, rowsOf } from '../../../projections/inspector/rows.js';
import { parseRows, serializeRows } from '../../../projections/inspector/rows-snapshot.js';
import { foldView } from '../../../projections/view.js';
import { historyEvents } from '../../support/history-events.js';
import { syntheticEvents } from '../../support/synthetic-log.js';
import { asStored } from '../support.js';

const histories = { 'loop-3': historyEvents('loop-3'), synthetic: asStored(syntheticEvents(30, 10)) };

describe('the rows snapshot, as a writer that folds the full view takes it', () => {
  for (const [name, events] of Object.entries(histories))
    it(`folded on after its text is read back, gives the rows of one fold from event 1 (${name}, any cut, property)`, () => {
      const whole = rowsOf(foldRows(events));
      fc.assert(
        fc.property(fc.integer({ min: 0, max: events.length }), (cut) => {
          const text = serializeRows(rowsFoldOfView(foldView(events.slice(0, cut))));
          const back = parseRows(text);
          expect(back.lastSeq).toBe(cut);
          expect(rowsOf(back)).toEqual(rowsOf(foldRows(events.slice(0, cut))));
          expect(rowsOf(foldRows(events.slice(cut), back))).toEqual(whole);
        }),
        { numRuns: 40 },
      );
    });

  it('is refused when its text is not a rows fold of this format', () => {
    const text = serializeRows(rowsFoldOfView(foldView(histories['loop-3'])));
    expect(() => parseRows('{"lastSeq":3,"runs":[{}],"metrics":[]}')).toThrow();
    expect(() => parseRows(text.replace('"finished":true', '"finished":"yes"'))).toThrow();
    expect(rowsOf(parseRows(text))).toEqual(rowsOf(foldRows(histories['loop-3'])));
  });
});
