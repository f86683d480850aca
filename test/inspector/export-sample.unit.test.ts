/** The seqs an export holds time travel at: all of a small log, else the last ones and spread boundaries, coarse to fine. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coarseToFine, timeTravelSample } from '../../inspector/export-sample.js';

describe('coarseToFine', () => {
  it('orders ends, middle, quarters, eighths', () => {
    expect(coarseToFine([0, 1, 2, 3, 4, 5, 6, 7, 8])).toEqual([0, 8, 4, 2, 6, 1, 3, 5, 7]);
    expect(coarseToFine([])).toEqual([]);
    expect(coarseToFine(['a', 'b'])).toEqual(['a', 'b']);
  });

  it('is a permutation of any list', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 300 }), (xs) => {
        expect([...coarseToFine(xs)].sort((a, b) => a - b)).toEqual([...xs].sort((a, b) => a - b));
      }),
    );
  });
});

describe('timeTravelSample', () => {
  const limits = { everySeqMax: 10, lastSeqs: 3, maxSeqs: 6 };

  it('takes every seq of a log within the bound', () => {
    expect(timeTravelSample(10, [1, 5], limits)).toEqual({ seqs: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], omitted: null });
    expect(timeTravelSample(0, [], limits)).toEqual({ seqs: [], omitted: null });
  });

  it('takes the last seqs first, then boundaries before them coarse to fine, within maxSeqs, and says what it left out', () => {
    expect(timeTravelSample(100, [1, 10, 20, 30, 40, 50, 98, 99], limits)).toEqual({
      seqs: [100, 99, 98, 1, 50, 30],
      omitted: 'time travel at 94 of 100 seqs: a log of more than 10 events is exported at its last 3 seqs and at 3 of the 6 run and session starts and ends before them',
    });
  });

  it('never exceeds maxSeqs nor repeats a seq', () => {
    fc.assert(
      fc.property(fc.integer({ min: 11, max: 2000 }), fc.array(fc.integer({ min: 1, max: 2000 }), { maxLength: 200 }), (lastSeq, raw) => {
        const boundaries = [...new Set(raw.filter((s) => s <= lastSeq))].sort((a, b) => a - b);
        const { seqs } = timeTravelSample(lastSeq, boundaries, limits);
        expect(seqs.length).toBeLessThanOrEqual(limits.maxSeqs);
        expect(new Set(seqs).size).toBe(seqs.length);
        expect(seqs.slice(0, 3)).toEqual([lastSeq, lastSeq - 1, lastSeq - 2]);
      }),
    );
  });
});
