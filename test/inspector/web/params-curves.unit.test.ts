import { describe, expect, it } from 'vitest';
import type { ParamsResponse } from '../../../inspector/api.js';
import { goodness, jitter, sequential, seriesColour } from '../../../inspector/web/colour-map.js';
import { defaultCurveRuns, overlayCurves, runList, withLatest } from '../../../inspector/web/curves-data.js';
import { categoricalAxis, keyAxis, nearestLine, numericAxis, parallelModel, plottedRuns } from '../../../inspector/web/params-data.js';
import { hashOf, parseHash, tabOf } from '../../../inspector/web/router.js';
import { extent, linearTicks, logTicks, numericScale } from '../../../inspector/web/scales.js';
import { Throttle } from '../../../inspector/web/throttle.js';
import { row } from './rows.js';

describe('scales and ticks', () => {
  it('pads extents (by a factor on a log axis) and ignores what an axis cannot show', () => {
    expect(extent([0, 10], false, 0.1)).toEqual([-1, 11]);
    expect(extent([5, 5], false)).toEqual([4.5, 5.5]);
    expect(extent([1, 100], true, 0.5)).toEqual([0.1, 1000]);
    expect(extent([-1, 0, 10], true)).toEqual([5, 20]);
    expect(extent([Number.NaN], false)).toBeNull();
  });

  it('gives round linear ticks and decade ticks on a log axis', () => {
    expect(linearTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearTicks(-3, 7, 4)).toEqual([-2, 0, 2, 4, 6]);
    expect(logTicks(1e-5, 0.05)).toEqual([1e-5, 1e-4, 1e-3, 1e-2]);
    expect(logTicks(0.9, 30)).toEqual([1, 2, 5, 10, 20]);
    expect(logTicks(3, 4)).toEqual([3, 4]);
  });

  it('places values linearly, or by their logarithm on a log scale', () => {
    const lin = numericScale([0, 10], false);
    expect([lin.unit(0), lin.unit(2.5), lin.unit(10)]).toEqual([0, 0.25, 1]);
    const log = numericScale([1e-4, 1e-2], true);
    expect(log.unit(1e-3)).toBeCloseTo(0.5, 12);
    expect(log.unit(0)).toBeNull();
    // A log scale over a non-positive domain falls back to linear.
    expect(numericScale([0, 1], true).log).toBe(false);
  });
});

describe('colours and jitter', () => {
  it('maps better metrics to brighter colours, whichever way the metric is better', () => {
    expect(sequential(0)).toBe('rgb(68, 1, 84)');
    expect(sequential(1)).toBe('rgb(253, 231, 37)');
    expect(sequential(2)).toBe(sequential(1));
    expect(sequential(Number.NaN)).toBe('rgb(140, 140, 140)');
    expect([goodness(10, 0, 10, 'maximize'), goodness(10, 0, 10, 'minimize'), goodness(3, 3, 3, 'maximize')]).toEqual([1, 0, 0.5]);
    expect(seriesColour(0)).not.toBe(seriesColour(1));
    expect(seriesColour(10)).toBe(seriesColour(0));
  });

  it('jitters each id by the same offset every time, within the width', () => {
    const offsets = ['001', '002', '003', '004'].map((id) => jitter(id, 10));
    expect(offsets).toEqual(['001', '002', '003', '004'].map((id) => jitter(id, 10)));
    for (const o of offsets) expect(Math.abs(o)).toBeLessThanOrEqual(5);
    expect(new Set(offsets).size).toBe(4);
  });
});

const params: ParamsResponse = {
  lastSeq: 40,
  session: '0001',
  metric: { name: 'reward', direction: 'maximize' },
  policyProblem: null,
  keys: [
    { key: 'train.lr', kind: 'number', scale: 'log', min: 1e-4, max: 1e-2 },
    { key: 'train.opt', kind: 'enum', scale: 'categorical', choices: ['adam', 'sgd'] },
  ],
  runs: [
    { id: '001', status: 'finished', metric: 1, values: { 'train.lr': 1e-3, 'train.opt': 'adam' } },
    { id: '002', status: 'failed', metric: null, values: { 'train.lr': 1e-2, 'train.opt': 'sgd' } },
    { id: '003', status: 'finished', metric: 3, values: { 'train.lr': 1e-4, 'train.opt': 'rmsprop' } },
    { id: '004', status: 'finished', metric: 2, values: { 'train.lr': null, 'train.opt': 'sgd' } },
  ],
};

describe('the parameters model', () => {
  it('plots the finished, measured runs, each on one axis per key and one for the metric', () => {
    expect(plottedRuns(params).map((r) => r.id)).toEqual(['001', '003', '004']);
    const m = parallelModel(params);
    expect(m.axes.map((a) => a.key)).toEqual(['train.lr', 'train.opt', 'reward']);
    expect(m.axes[0]!.scale?.log).toBe(true);
    // lr spans the policy's two decades: 1e-3 is halfway, padded a little.
    expect(m.places[0]![0]).toBeCloseTo(0.5, 9);
    // A value outside the choices gets a column of its own; an absent value breaks the line.
    expect(m.axes[1]!.categories).toEqual(['adam', 'sgd', 'rmsprop']);
    expect(m.places.map((p) => p[1])).toEqual([0.5 / 3, 2.5 / 3, 1.5 / 3]);
    expect(m.places[2]![0]).toBeNull();
    // The best run is the brightest.
    expect(m.colours[1]).toBe(sequential(1));
    expect(m.colours[0]).toBe(sequential(0));
  });

  it('makes categorical axes for booleans and for keys whose values are not numbers', () => {
    expect(categoricalAxis('b', [false, true], [true]).place(true)).toBe(0.75);
    expect(keyAxis({ key: 'k', kind: 'number', scale: 'linear' }, [{ id: '1', metric: 0, values: { k: 'x' } }]).categories).toEqual(['x']);
    expect(numericAxis('m', [2, 4], false).place('2')).toBeNull();
  });

  it('finds the line under the pointer, and none far from every line', () => {
    const xs = [0, 100, 200];
    const ys = [
      [10, 10, 10],
      [90, 50, null],
    ];
    expect(nearestLine(xs, ys, 150, 12)).toBe(0);
    expect(nearestLine(xs, ys, 50, 70)).toBe(1);
    expect(nearestLine(xs, ys, 150, 40)).toBeNull();
  });
});

describe('the learning curves data', () => {
  it('overlays curves on the union of their x, with nulls where a curve has no point', () => {
    const o = overlayCurves([
      {
        id: 'a',
        points: [
          { x: 0, y: 1 },
          { x: 10, y: 2 },
        ],
      },
      {
        id: 'b',
        points: [
          { x: 5, y: 7 },
          { x: 10, y: 8 },
          { x: 20, y: 9 },
        ],
      },
    ]);
    expect(o).toEqual({
      x: [0, 5, 10, 20],
      series: [
        [1, null, 2, null],
        [null, 7, 8, 9],
      ],
    });
  });

  it('defaults to the incumbent (else the best run) and the latest launched run', () => {
    const delta = { value: 1, interval: null, incumbent: '001', candidate: { mean: 2, n: 1 }, method: 'x' };
    const started = { startedAt: '2026-12-07T00:00:00.000Z' };
    expect(defaultCurveRuns([row('001', { metric: { mean: 1, n: 1, interval: null }, ...started }), row('002', { delta, ...started }), row('003')])).toEqual(['001', '002']);
    const rows = [row('001', { metric: { mean: 1, n: 1, interval: null }, ...started }), row('002', { metric: { mean: 3, n: 1, interval: null }, ...started })];
    expect(defaultCurveRuns(rows)).toEqual(['002']);
    expect(defaultCurveRuns(rows, 'minimize')).toEqual(['001', '002']);
    expect(defaultCurveRuns([])).toEqual([]);
  });

  it('follows a run that starts: the incumbent kept, the latest replaced', () => {
    expect(withLatest(['001', '003'], '004')).toEqual(['001', '004']);
    expect(withLatest(['001'], '004')).toEqual(['001', '004']);
    expect(withLatest([], '001')).toEqual(['001']);
    expect(withLatest(['001'], '001')).toEqual(['001']);
  });

  it('reads the run list of #/curves/…, and the router keeps it', () => {
    expect(runList('007, 012,,007')).toEqual(['007', '012']);
    expect(parseHash('#/curves/007,012')).toEqual({ view: 'curves', ids: ['007', '012'] });
    expect(parseHash('#/curves')).toEqual({ view: 'curves', ids: [] });
    expect(parseHash('#/params')).toEqual({ view: 'params' });
    for (const h of ['#/curves', '#/curves/007,012', '#/params']) expect(hashOf(parseHash(h))).toBe(h);
    expect(tabOf({ view: 'curves', ids: ['1'] })).toBe('curves');
  });
});

describe('the throttle', () => {
  it('calls at once, then at most once per interval, a burst folded into one call at its end', () => {
    let now = 0;
    const timers: { at: number; fn: () => void }[] = [];
    const calls: number[] = [];
    const t = new Throttle(() => calls.push(now), 1000, { now: () => now, after: (ms, fn) => timers.push({ at: now + ms, fn }) });
    t.request();
    now = 200;
    t.request();
    now = 300;
    t.request();
    expect(calls).toEqual([0]);
    expect(timers.map((x) => x.at)).toEqual([1000]);
    now = 1000;
    timers.shift()!.fn();
    expect(calls).toEqual([0, 1000]);
    now = 2500;
    t.request();
    expect(calls).toEqual([0, 1000, 2500]);
  });
});
