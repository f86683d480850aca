import { describe, expect, it } from 'vitest';
import { fmtDuration, fmtInterval, fmtNum, fmtTime } from '../../../inspector/web/format.js';
import { logAxisPossible, progressData } from '../../../inspector/web/progress-data.js';
import { hashOf, parseHash, tabOf } from '../../../inspector/web/router.js';
import { parseTailEvent, TailBuffer } from '../../../inspector/web/tail-buffer.js';
import { row } from './rows.js';

describe('the router', () => {
  it('reads each route from the hash and writes it back', () => {
    expect(parseHash('')).toEqual({ view: 'runs' });
    expect(parseHash('#/runs')).toEqual({ view: 'runs' });
    expect(parseHash('#/runs/007')).toEqual({ view: 'run', id: '007' });
    expect(parseHash('#/tail')).toEqual({ view: 'tail' });
    expect(parseHash('#/labbook')).toEqual({ view: 'labbook' });
    expect(parseHash('#/progress')).toEqual({ view: 'progress' });
    expect(parseHash('#/no-such-view')).toEqual({ view: 'runs' });
    for (const h of ['#/runs', '#/runs/007', '#/tail', '#/labbook', '#/progress']) expect(hashOf(parseHash(h))).toBe(h);
    expect(tabOf({ view: 'run', id: '1' })).toBe('runs');
  });
});

describe('formatting', () => {
  it('writes numbers, intervals, durations and times', () => {
    expect([fmtNum(null), fmtNum(0), fmtNum(1234.567), fmtNum(0.000012), fmtNum(2.5e7)]).toEqual(['—', '0', '1235', '1.20e-5', '2.50e+7']);
    expect(fmtInterval([1, 2.25])).toBe('[1, 2.25]');
    expect(fmtInterval(null)).toBe('—');
    expect([fmtDuration(850), fmtDuration(12_340), fmtDuration(245_000), fmtDuration(null)]).toEqual(['850 ms', '12.3 s', '4m 05s', '—']);
    expect(fmtTime('2026-12-07T03:04:05.678Z')).toBe('2026-12-07 03:04:05');
  });
});

describe('the progress chart’s data', () => {
  it('steps the incumbent to the one the next judged run was compared with, and marks failed runs', () => {
    const stat = (mean: number) => ({ mean, n: 3, interval: [mean - 1, mean + 1] as [number, number] });
    const delta = (incumbent: string) => ({ value: 0, interval: null, incumbent, candidate: { mean: 0, n: 3 }, method: 'welch' });
    const d = progressData([
      row('001', { kind: 'baseline', metric: stat(5), status: 'finished', verdict: 'baseline' }),
      row('002', { metric: stat(4), status: 'finished', verdict: 'regressed', delta: delta('001') }),
      row('003', { status: 'failed' }),
      row('004', { metric: stat(8), status: 'finished', verdict: 'improved', delta: delta('001') }),
      row('005', { metric: stat(7), status: 'finished', verdict: 'inconclusive', delta: delta('004') }),
      row('006', { metric: stat(9), status: 'finished', verdict: 'improved', delta: delta('004') }),
    ]);
    expect(d.x).toEqual([1, 2, 3, 4, 5, 6]);
    expect(d.mean).toEqual([5, 4, null, 8, 7, 9]);
    expect(d.lo).toEqual([4, 3, null, 7, 6, 8]);
    // 006 improved, but no later run was judged against it: the step stays at the last incumbent known.
    expect(d.incumbent).toEqual([5, 5, 5, 8, 8, 8]);
    expect(d.failed).toEqual([null, null, 5, null, null, null]);
    expect(logAxisPossible(d)).toBe(true);
    expect(logAxisPossible(progressData([row('001', { metric: stat(0.5), status: 'finished' })]))).toBe(false);
  });
});

describe('the tail buffer', () => {
  it('keeps each seq once, in order, dropping any at or below the last kept', () => {
    const b = new TailBuffer(3);
    const e = (seq: number) => ({ seq, stream: 's', type: 'T', at: '', data: null });
    expect([1, 2, 2, 1, 3, 5, 4, 6].map((s) => b.add(e(s)))).toEqual([true, true, false, false, true, true, false, true]);
    expect(b.events.map((x) => x.seq)).toEqual([3, 5, 6]);
    expect(parseTailEvent('{"seq":4,"stream":"run-001","type":"RunStarted","at":"t","data":{}}')).toMatchObject({ seq: 4, type: 'RunStarted' });
    expect(parseTailEvent('not json')).toBeNull();
    expect(parseTailEvent('{"seq":"4"}')).toBeNull();
  });
});

describe('the time-travel route', () => {
  it('reads #/at/N, and #/at alone (or with no seq in it) as the last event', () => {
    expect(parseHash('#/at/1234')).toEqual({ view: 'at', seq: 1234 });
    expect(parseHash('#/at')).toEqual({ view: 'at', seq: null });
    for (const h of ['#/at/0', '#/at/x', '#/at/-3', '#/at/1e3']) expect(parseHash(h)).toEqual({ view: 'at', seq: null });
    for (const h of ['#/at', '#/at/7']) expect(hashOf(parseHash(h))).toBe(h);
    expect(tabOf({ view: 'at', seq: 7 })).toBe('at');
  });
});
