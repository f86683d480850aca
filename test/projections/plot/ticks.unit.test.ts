import { describe, expect, it } from 'vitest';
import { linearTicks, logTicks } from '../../../projections/plot/ticks.js';

describe('ticks', () => {
  it('picks 1-2-5 steps on a linear axis and widens the domain to them', () => {
    expect(linearTicks({ min: 0.13, max: 0.87 })).toEqual({ ticks: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], domain: { min: 0.1, max: 0.9 } });
    expect(linearTicks({ min: 3, max: 97 }).ticks).toEqual([0, 20, 40, 60, 80, 100]);
    expect(linearTicks({ min: -0.3, max: 0.3 }).ticks).toEqual([-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3]);
  });

  it('gives whole-number ticks for run indexes, and an axis around a single value', () => {
    expect(linearTicks({ min: 1, max: 3 }, 6, { integer: true }).ticks).toEqual([1, 2, 3]);
    expect(linearTicks({ min: 1, max: 1 }, 6, { integer: true }).ticks).toEqual([0, 1, 2]);
    expect(linearTicks({ min: 50, max: 50 }).ticks).toEqual([44, 46, 48, 50, 52, 54, 56]);
  });

  it('uses decades on a log axis, 1-2-5 within a decade or two, and thins many decades', () => {
    expect(logTicks({ min: 1, max: 1e5 })).toEqual({ ticks: [1, 10, 100, 1000, 10000, 100000], domain: { min: 1, max: 100000 } });
    expect(logTicks({ min: 3, max: 7 })).toEqual({ ticks: [2, 5, 10], domain: { min: 2, max: 10 } });
    expect(logTicks({ min: 0.004, max: 0.03 }).ticks).toEqual([0.002, 0.005, 0.01, 0.02, 0.05]);
    expect(logTicks({ min: 0.004, max: 0.3 }).ticks).toEqual([0.001, 0.01, 0.1, 1]);
    const wide = logTicks({ min: 1e-12, max: 1e12 }).ticks;
    expect(wide.length).toBeLessThanOrEqual(9);
    expect(wide[0]).toBe(1e-12);
  });
});
