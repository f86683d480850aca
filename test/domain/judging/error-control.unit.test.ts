import { describe, expect, it } from 'vitest';
import { describeErrorControl, errorControl, type StatisticsSettings } from '../../../domain/judging/error-control.js';
import { parseSettings } from '../../../domain/config/settings.js';

// The shipped defaults, with the bootstrap interval the bound was first stated for.
const defaults: StatisticsSettings = {
  ...parseSettings({ trainer: { command: ['x'] }, metric: { name: 'score', direction: 'maximize' }, timeouts: { quick: { wall_seconds: 9, no_output_seconds: 9 } } }).statistics,
  interval: 'percentile',
};

describe('the error budget of a session', () => {
  it('bounds a 30-run session at the defaults under 5%: 29 screens at 2.5%, each confirmed at 2.5% on fresh samples', () => {
    const e = errorControl(defaults, 30);
    expect(e).toEqual({ screening: 0.025, confirmation: 0.025, rounds: 1, comparisons: 29, bound: 29 * 0.025 * 0.025 });
    expect(e.bound!).toBeLessThanOrEqual(0.05);
    expect(describeErrorControl(e)).toBe('at most 1.8% chance of promoting a config no better than the incumbent (29 comparisons x 2.5% screening x 2.5% per confirmation on fresh samples)');
  });

  it('tightens the confirmation level for a long session so the bound stays at session_alpha', () => {
    const e = errorControl(defaults, 201);
    expect(e.confirmation).toBeCloseTo(0.05 / (200 * 0.025), 12);
    expect(e.bound).toBeCloseTo(0.05, 12);
  });

  it('counts the extra looks of inconclusive replication among the comparisons', () => {
    expect(errorControl({ ...defaults, inconclusive_replicates: 2, max_extra_runs: 5 }, 30).comparisons).toBe(34);
    expect(errorControl({ ...defaults, inconclusive_replicates: 2 }, 30).comparisons).toBe(29 + 58);
  });

  it('gives no bound when confirmation is not independent of the selection', () => {
    expect(errorControl({ ...defaults, confirmation: 'pooled' }, 30).bound).toBeNull();
    expect(errorControl({ ...defaults, incumbent_replicates: 0 }, 30).bound).toBeNull();
    expect(describeErrorControl(errorControl({ ...defaults, confirmation: 'pooled' }, 30))).toMatch(/^no session-level bound/);
  });

  it('without confirmation, bounds by the screens alone', () => {
    expect(errorControl({ ...defaults, replicates: 0 }, 30)).toMatchObject({ confirmation: null, bound: 29 * 0.025 });
  });
});
