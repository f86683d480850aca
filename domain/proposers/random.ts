/** The built-in random-search proposer: one seeded sample per policy key. */
import { assertNever } from '../assert-never.js';
import type { Scalar } from '../config/config.js';
import { compareKeys } from '../config/diff.js';
import type { KeySpec, Policy } from '../policy/policy.js';
import { powersOfTwoIn } from '../policy/policy.js';
import type { Proposal } from '../policy/proposal.js';
import { createRng } from '../rng.js';

/** Significant digits kept in sampled real numbers (readable proposals). */
const SIGNIFICANT_DIGITS = 6;

/**
 * Seeded random search: samples every key of `policy.keys` (in sorted key
 * order, one draw each, so the same policy and seed give the same proposal).
 *
 * - number: uniform; log-uniform when `distribution` is `log_normal` or when
 *   min > 0 and max / min >= 100; `logit_normal` samples 1 - x log-uniformly
 *   (fine resolution near 1, as for discount factors);
 * - integer: `int_uniform` (default, inclusive), `uniform_pow2` (a power of two
 *   in [min, max]), `log_normal` (log-uniform, inclusive);
 * - boolean: a fair coin; enum: a uniform choice.
 *
 * `mean` and `scale` are not used: random search covers the whole range.
 * The overrides always satisfy the key specs; derived rules may still
 * normalize them when validated.
 */
export function proposeRandom(policy: Policy, seed: number): Proposal {
  const rng = createRng(seed);
  const overrides: Record<string, unknown> = {};
  const keys = Object.keys(policy.keys).sort(compareKeys);
  for (const key of keys) {
    const spec = policy.keys[key];
    if (spec !== undefined) overrides[key] = sample(spec, rng);
  }
  return {
    overrides,
    rationale: `Random search with seed ${seed}: each of the ${keys.length} policy keys sampled independently from its search distribution over the policy range.`,
    hypothesis: `A random configuration (seed ${seed}) explores the search space; it is a reference point for the proposals that follow, not an expected improvement.`,
  };
}

/** One sample of a key's spec. */
export function sample(spec: KeySpec, rng: () => number): Scalar {
  switch (spec.type) {
    case 'number':
      return sampleNumber(spec.min, spec.max, spec.distribution, rng());
    case 'integer':
      return sampleInteger(spec.min, spec.max, spec.distribution, rng());
    case 'boolean':
      return rng() < 0.5;
    case 'enum': {
      const index = Math.min(spec.choices.length - 1, Math.floor(rng() * spec.choices.length));
      return spec.choices[index] as Scalar;
    }
    default:
      return assertNever(spec, 'key spec');
  }
}

type NumberDistribution = 'uniform' | 'log_normal' | 'logit_normal' | undefined;
type IntegerDistribution = 'int_uniform' | 'uniform_pow2' | 'log_normal' | undefined;

function sampleNumber(min: number, max: number, distribution: NumberDistribution, u: number): number {
  if (min === max) return min;
  const decades = min > 0 && max / min >= 100;
  switch (distribution) {
    case 'logit_normal':
      return clamp(round(1 - logUniform(1 - max, 1 - min, 1 - u)), min, max);
    case 'log_normal':
      return clamp(round(logUniform(min, max, u)), min, max);
    case 'uniform':
    case undefined:
      return clamp(round(decades ? logUniform(min, max, u) : min * (1 - u) + max * u), min, max);
    default:
      return assertNever(distribution, 'number distribution');
  }
}

function sampleInteger(min: number, max: number, distribution: IntegerDistribution, u: number): number {
  switch (distribution) {
    case 'uniform_pow2': {
      const powers = powersOfTwoIn(min, max);
      return powers[Math.min(powers.length - 1, Math.floor(u * powers.length))] ?? min;
    }
    case 'log_normal':
      return clamp(Math.floor(logUniform(min, max + 1, u)), min, max);
    case 'int_uniform':
    case undefined:
      return clamp(min + Math.floor(u * (max - min + 1)), min, max);
    default:
      return assertNever(distribution, 'integer distribution');
  }
}

/** exp of a uniform draw between log(lo) and log(hi); needs 0 < lo <= hi. */
function logUniform(lo: number, hi: number, u: number): number {
  return Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo)));
}

function round(x: number): number {
  return Number(x.toPrecision(SIGNIFICANT_DIGITS));
}

function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}
