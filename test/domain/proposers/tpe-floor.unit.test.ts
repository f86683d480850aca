/**
 * The TPE's exploration floor (domain/proposers/tpe.ts): after 50 runs that all share one value v
 * of every key (continuous keys within 0.1% of their range), each key is still proposed away from
 * v with at least the stated probability (1 - p(v)) / 2, p(v) the uniform prior's mass on v.
 */
import { describe, expect, it } from 'vitest';
import type { Scalar } from '../../../domain/config/config.js';
import { parsePolicy } from '../../../domain/policy/policy.js';
import { proposeTpe, type Observation } from '../../../domain/proposers/tpe.js';
import { buildSpace, type NumericDim } from '../../../domain/proposers/tpe/space.js';
import { createRng } from '../../../domain/rng.js';

const policy = parsePolicy({
  version: 1,
  keys: {
    'k.uniform': { type: 'number', min: 0, max: 1, distribution: 'uniform' },
    'k.log': { type: 'number', min: 1e-5, max: 1e-1, distribution: 'log_normal' },
    'k.logit': { type: 'number', min: 0.9, max: 0.9999, distribution: 'logit_normal' },
    'k.int': { type: 'integer', min: 1, max: 8 },
    'k.pow2': { type: 'integer', min: 64, max: 8192, distribution: 'uniform_pow2' },
    'k.choice': { type: 'enum', choices: ['a', 'b', 'c'] },
    'k.bool': { type: 'boolean' },
  },
});
const shared: Record<string, Scalar> = { 'k.uniform': 0.3, 'k.log': 0.001, 'k.logit': 0.99, 'k.int': 4, 'k.pow2': 1024, 'k.choice': 'b', 'k.bool': true };
/** A continuous key counts as proposed elsewhere farther than this from v (unit coordinate): p(v) = 0.1. */
const NEAR = 0.05;
/** The uniform prior's mass on v (its ±NEAR interval for continuous keys). */
const PRIOR_MASS: Record<string, number> = { 'k.uniform': 2 * NEAR, 'k.log': 2 * NEAR, 'k.logit': 2 * NEAR, 'k.int': 1 / 8, 'k.pow2': 1 / 8, 'k.choice': 1 / 3, 'k.bool': 1 / 2 };
const dims = new Map(buildSpace(policy).modelled.map((d) => [d.key, d]));
const continuous = (key: string) => {
  const d = dims.get(key) as NumericDim | undefined;
  return d?.kind === 'numeric' && d.cell(shared[key] as number) === null ? d : null;
};

function sharedHistory(): Observation[] {
  const rng = createRng(7);
  return Array.from({ length: 50 }, (_, i) => {
    const overrides: Record<string, Scalar> = {};
    for (const [key, v] of Object.entries(shared)) {
      const d = continuous(key);
      overrides[key] = d ? d.snap((d.toUnit(v) as number) + (rng() - 0.5) * 1e-3) : v;
    }
    return { runId: String(i + 1).padStart(3, '0'), overrides, value: rng() };
  });
}

/** Of `n` proposals (seeds 10000…), the share per key that lands away from the shared value. */
function awayShares(n: number, propose: (seed: number) => Record<string, Scalar>): Record<string, number> {
  const away: Record<string, number> = Object.fromEntries(Object.keys(shared).map((k) => [k, 0]));
  for (let s = 0; s < n; s++) {
    const overrides = propose(10_000 + s);
    for (const [key, v] of Object.entries(shared)) {
      const d = continuous(key);
      const value = overrides[key];
      if (d ? Math.abs((d.toUnit(value) as number) - (d.toUnit(v) as number)) > NEAR : value !== v) away[key]!++;
    }
  }
  return Object.fromEntries(Object.entries(away).map(([k, c]) => [k, c / n]));
}

/** Keys whose share falls below the floor (1 - p(v)) / 2, less 4 binomial standard errors for the draw. */
function belowFloor(shares: Record<string, number>, n: number): string[] {
  return Object.entries(shares).flatMap(([key, share]) => {
    const floor = (1 - PRIOR_MASS[key]!) / 2;
    return share < floor - 4 * Math.sqrt((floor * (1 - floor)) / n) ? [`${key}: ${share} < ${floor}`] : [];
  });
}

describe('when 50 runs share one value of every key', () => {
  const N = 400;
  const history = sharedHistory();

  it('still proposes each key elsewhere with probability at least (1 - p(v)) / 2, for every kind of distribution', () => {
    const shares = awayShares(N, (seed) => proposeTpe(policy, history, { seed, direction: 'maximize' })[0]!.overrides);
    expect(belowFloor(shares, N)).toEqual([]);
  });

  it('the check catches an optimizer that collapses on the shared values (control)', () => {
    // What the TPE did before the floor (0 of 300 proposals moved any key): propose the best run again.
    const best = history.reduce((a, b) => ((b.value as number) > (a.value as number) ? b : a));
    expect(
      belowFloor(
        awayShares(N, () => best.overrides),
        N,
      ),
    ).toHaveLength(Object.keys(shared).length);
  });

  it('refuses a priorCandidates count that is not a non-negative integer', () => {
    expect(() => proposeTpe(policy, [], { seed: 1, direction: 'maximize', priorCandidates: -1 })).toThrow(/priorCandidates must be a non-negative integer \(got -1\)/);
  });
});
