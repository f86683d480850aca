import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkValue } from '../../../domain/policy/key-spec.js';
import { isPowerOfTwo, parsePolicy, powersOfTwoIn, type KeySpec } from '../../../domain/policy/policy.js';
import { proposeRandom, sample } from '../../../domain/proposers/random.js';
import { createRng } from '../../../domain/rng.js';
import { validateOverrides } from '../../../domain/policy/validate.js';
import { baseConfig, policy } from '../fixtures.js';

/** A uniform_pow2 spec over the powers of two in [min, max] (its bounds rounded inwards to them), or null when there is none. */
function pow2Spec(min: number, max: number): Record<string, unknown> | null {
  const powers = powersOfTwoIn(min, max);
  return powers.length === 0 ? null : { type: 'integer', min: powers[0], max: powers.at(-1), distribution: 'uniform_pow2' };
}

function draws(spec: unknown, n = 2_000): unknown[] {
  const parsed = parsePolicy({ version: 1, keys: { 'a.k': spec } }).keys['a.k'] as KeySpec;
  const rng = createRng(7);
  return Array.from({ length: n }, () => sample(parsed, rng));
}

describe('when proposing at random', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(proposeRandom(policy, 3)).toEqual(proposeRandom(policy, 3));
    expect(proposeRandom(policy, 3).overrides).not.toEqual(proposeRandom(policy, 4).overrides);
  });

  it('sets every policy key and says it is random search with the seed', () => {
    const proposal = proposeRandom(policy, 11);
    expect(Object.keys(proposal.overrides).sort()).toEqual(Object.keys(policy.keys).sort());
    expect(proposal.rationale).toMatch(/random search with seed 11/i);
    expect(proposal.hypothesis).toContain('seed 11');
  });

  it('always passes validation against the same policy, over 1,000 seeds (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const result = validateOverrides(proposeRandom(policy, seed).overrides, baseConfig(), policy);
        if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
      }),
      { numRuns: 1_000 },
    );
  }, 60_000);
});

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const keySpec: fc.Arbitrary<unknown> = fc.oneof(
  fc.tuple(finite, finite, fc.constantFrom(undefined, 'uniform', 'log_normal', 'logit_normal')).map(([a, b, distribution]) => {
    const [min, max] = a <= b ? [a, b] : [b, a];
    if (distribution === 'log_normal' && !(min > 0)) return { type: 'number', min, max };
    if (distribution === 'logit_normal' && !(min >= 0 && max < 1)) return { type: 'number', min, max };
    return distribution === undefined ? { type: 'number', min, max } : { type: 'number', min, max, distribution };
  }),
  fc
    .tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }))
    .map(([a, b]) => ({ type: 'number', min: Math.min(a, b), max: Math.max(a, b), distribution: 'logit_normal' })),
  fc.tuple(fc.maxSafeInteger(), fc.maxSafeInteger(), fc.constantFrom(undefined, 'int_uniform', 'uniform_pow2', 'log_normal')).map(([a, b, distribution]) => {
    const [min, max] = a <= b ? [a, b] : [b, a];
    const spec = { type: 'integer', min, max };
    if (distribution === 'log_normal' && min < 1) return spec;
    if (distribution === 'uniform_pow2' && !(isPowerOfTwo(min) && isPowerOfTwo(max))) return pow2Spec(min, max) ?? spec;
    return distribution === undefined ? spec : { ...spec, distribution };
  }),
  fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 5000 }), fc.constantFrom('int_uniform', 'uniform_pow2', 'log_normal')).map(([low, width, distribution]) => {
    const min = Math.max(1, low);
    const spec = { type: 'integer', min, max: min + width };
    if (distribution === 'uniform_pow2') return pow2Spec(min, min + width) ?? spec;
    return { ...spec, distribution };
  }),
  fc.constant({ type: 'boolean' }),
  fc.uniqueArray(fc.oneof(finite, fc.string(), fc.boolean()), { minLength: 1, maxLength: 5, comparator: 'SameValueZero' }).map((choices) => ({
    type: 'enum',
    choices,
  })),
);

describe('when proposing for arbitrary policies (property)', () => {
  it('samples values that every key spec accepts, and validation passes', () => {
    fc.assert(
      fc.property(fc.array(keySpec, { minLength: 1, maxLength: 6 }), fc.integer(), (specs, seed) => {
        const policyOf = parsePolicy({ version: 1, keys: Object.fromEntries(specs.map((s, i) => [`s${i % 2}.k${i}`, s])) });
        const proposal = proposeRandom(policyOf, seed);
        for (const [key, value] of Object.entries(proposal.overrides)) {
          const checked = checkValue(key, value, policyOf.keys[key] as KeySpec);
          if (!checked.ok) throw new Error(checked.error.message);
        }
        const result = validateOverrides(proposal.overrides, {}, policyOf);
        if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
      }),
      { numRuns: 2_000 },
    );
  }, 60_000);
});

describe('when sampling each distribution', () => {
  it('samples log-uniformly over a range spanning decades', () => {
    const values = draws({ type: 'number', min: 1e-5, max: 0.1 }) as number[];
    const belowMilli = values.filter((v) => v < 1e-3).length / values.length;
    expect(belowMilli).toBeGreaterThan(0.4);
    expect(belowMilli).toBeLessThan(0.6);
  });

  it('samples uniformly over a narrow range', () => {
    const values = draws({ type: 'number', min: 0.8, max: 0.99, distribution: 'uniform' }) as number[];
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.88);
    expect(mean).toBeLessThan(0.91);
  });

  it('samples 1 - x log-uniformly for logit_normal', () => {
    const values = draws({ type: 'number', min: 0.9, max: 0.9999, distribution: 'logit_normal' }) as number[];
    const above99 = values.filter((v) => v > 0.99).length / values.length;
    expect(above99).toBeGreaterThan(0.55);
    expect(above99).toBeLessThan(0.78);
  });

  it('picks powers of two for uniform_pow2, covering the range inclusively', () => {
    const values = new Set(draws({ type: 'integer', min: 4, max: 64, distribution: 'uniform_pow2' }));
    expect([...values].sort((a, b) => (a as number) - (b as number))).toEqual([4, 8, 16, 32, 64]);
  });

  it('covers both ends of an integer range', () => {
    const values = new Set(draws({ type: 'integer', min: 1, max: 4 }));
    expect(values).toEqual(new Set([1, 2, 3, 4]));
    const logValues = draws({ type: 'integer', min: 1, max: 1000, distribution: 'log_normal' }) as number[];
    expect(logValues.every(Number.isInteger)).toBe(true);
    expect(logValues.filter((v) => v < 32).length / logValues.length).toBeGreaterThan(0.4);
  });

  it('draws booleans and enum choices', () => {
    expect(new Set(draws({ type: 'boolean' }))).toEqual(new Set([true, false]));
    expect(new Set(draws({ type: 'enum', choices: ['adam', 'muon', 3] }))).toEqual(new Set(['adam', 'muon', 3]));
  });

  it('returns the bound when min equals max', () => {
    expect(new Set(draws({ type: 'number', min: 0.5, max: 0.5 }))).toEqual(new Set([0.5]));
  });
});
