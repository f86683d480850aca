/**
 * The TPE search space: each policy key mapped to an internal coordinate in
 * which its search distribution is uniform (log for decades, log(1 - x) for
 * discount-like keys, the exponent for powers of two), or to a categorical.
 */
import { assertNever } from '../../assert-never.js';
import type { Scalar } from '../../config/config.js';
import { compareKeys } from '../../config/diff.js';
import type { KeySpec, Policy } from '../../policy/policy.js';
import { powersOfTwoIn } from '../../policy/policy.js';

/** Significant digits kept in proposed real numbers (as random search keeps them). */
const SIGNIFICANT_DIGITS = 6;

/** How a numeric key's value maps to its internal coordinate. */
export type NumericScale = 'linear' | 'log' | 'log1m' | 'int' | 'int_log' | 'pow2';

/**
 * A numeric key in a unit coordinate u in [0, 1]: its internal coordinate
 * (value, log value, -log(1 - value), power-of-two index) rescaled so the
 * range is [0, 1]. Discrete keys own a cell of u per value (integers, powers
 * of two), so both ends of a range are as likely as its middle.
 */
export interface NumericDim {
  kind: 'numeric';
  key: string;
  scale: NumericScale;
  /** The unit coordinate of a value, clamped to [0, 1]; null when `value` is not a number. */
  toUnit(value: unknown): number | null;
  /** The valid, readable value at a unit coordinate (rounded, then kept in range). */
  snap(u: number): number;
  /** For a discrete key, the cell of a valid value (centre and width in u); null for a continuous key. */
  cell(value: number): { centre: number; width: number } | null;
}

/** A boolean or enum key: a choice among `choices`. */
export interface CategoricalDim {
  kind: 'categorical';
  key: string;
  choices: readonly Scalar[];
  /** The index of `value` among the choices; null when it is none of them. */
  indexOf(value: unknown): number | null;
}

/** A key with a single allowed value: proposed as is and left out of the model. */
export interface ConstantDim {
  kind: 'constant';
  key: string;
  value: Scalar;
}

/** One policy key in the search space. */
export type Dim = NumericDim | CategoricalDim | ConstantDim;

/** The search space of a policy: every key it lets a proposer set, in sorted key order. */
export interface Space {
  /** Keys the model searches (numeric and categorical), sorted. */
  modelled: Array<NumericDim | CategoricalDim>;
  /** Keys with one allowed value. */
  constants: ConstantDim[];
  /** Keys left to the derived rules (targets of `product` and `equal`), which overwrite any proposed value. */
  derived: string[];
}

/**
 * Builds the search space of `policy`. Targets of `product` and `equal` rules are
 * left out: the rules recompute them from other keys whatever is proposed.
 */
export function buildSpace(policy: Policy): Space {
  const derived = new Set((policy.rules ?? []).filter((r) => r.rule === 'product' || r.rule === 'equal').map((r) => r.key));
  const space: Space = { modelled: [], constants: [], derived: [] };
  for (const key of Object.keys(policy.keys).sort(compareKeys)) {
    const spec = policy.keys[key];
    if (spec === undefined) continue;
    if (derived.has(key)) {
      space.derived.push(key);
      continue;
    }
    const dim = dimOf(key, spec);
    if (dim.kind === 'constant') space.constants.push(dim);
    else space.modelled.push(dim);
  }
  return space;
}

/** The dimension of one key spec; the scale follows random search's choice of distribution. */
export function dimOf(key: string, spec: KeySpec): Dim {
  switch (spec.type) {
    case 'number': {
      if (spec.min === spec.max) return { kind: 'constant', key, value: spec.min };
      const decades = spec.min > 0 && spec.max / spec.min >= 100;
      if (spec.distribution === 'logit_normal') return log1mDim(key, spec.min, spec.max);
      if (spec.distribution === 'log_normal' || decades) return logDim(key, spec.min, spec.max);
      return linearDim(key, spec.min, spec.max);
    }
    case 'integer': {
      if (spec.distribution === 'uniform_pow2') {
        const powers = powersOfTwoIn(spec.min, spec.max);
        const only = powers[0];
        if (powers.length === 1 && only !== undefined) return { kind: 'constant', key, value: only };
        return pow2Dim(key, spec.min, spec.max, powers);
      }
      if (spec.min === spec.max) return { kind: 'constant', key, value: spec.min };
      return spec.distribution === 'log_normal' ? intLogDim(key, spec.min, spec.max) : intDim(key, spec.min, spec.max);
    }
    case 'boolean':
      return categoricalDim(key, [false, true]);
    case 'enum': {
      const only = spec.choices[0];
      if (spec.choices.length === 1 && only !== undefined) return { kind: 'constant', key, value: only };
      return categoricalDim(key, spec.choices);
    }
    default:
      return assertNever(spec, 'key spec');
  }
}

/** Halves values whose range overflows a double, so every width below is finite. */
function linearDim(key: string, min: number, max: number): NumericDim {
  const k = Number.isFinite(max - min) ? 1 : 0.5;
  return numeric(
    key,
    'linear',
    min * k,
    max * k,
    (v) => v * k,
    (z) => clamp(round(z / k), min, max),
    null,
  );
}

function logDim(key: string, min: number, max: number): NumericDim {
  return numeric(
    key,
    'log',
    Math.log(min),
    Math.log(max),
    (v) => (v > 0 ? Math.log(v) : -Infinity),
    (z) => clamp(round(Math.exp(z)), min, max),
    null,
  );
}

/** Discount-like keys: -log(1 - x) spreads 0.99, 0.999, 0.9999 evenly, as random search's log-uniform draw of 1 - x does. */
function log1mDim(key: string, min: number, max: number): NumericDim {
  return numeric(
    key,
    'log1m',
    -Math.log1p(-min),
    -Math.log1p(-max),
    (v) => (v < 1 ? -Math.log1p(-v) : Infinity),
    (z) => clamp(round(-Math.expm1(-z)), min, max),
    null,
  );
}

/** Integers own the cell [v - 0.5, v + 0.5]. */
function intDim(key: string, min: number, max: number): NumericDim {
  return numeric(
    key,
    'int',
    min - 0.5,
    max + 0.5,
    (v) => v,
    (z) => clamp(Math.round(z), min, max),
    (v) => ({ lo: v - 0.5, width: 1 }),
  );
}

/** Log-spaced integers own the cell [log(v - 0.5), log(v + 0.5)]; min >= 1 by the policy schema. */
function intLogDim(key: string, min: number, max: number): NumericDim {
  return numeric(
    key,
    'int_log',
    Math.log(min - 0.5),
    Math.log(max + 0.5),
    (v) => (v > 0 ? Math.log(v) : -Infinity),
    (z) => clamp(Math.round(Math.exp(z)), min, max),
    (v) => ({ lo: Math.log(v - 0.5), width: Math.log1p(1 / (v - 0.5)) }),
  );
}

/** Powers of two by index into the allowed powers (the exponent less the smallest one's). */
function pow2Dim(key: string, min: number, max: number, powers: number[]): NumericDim {
  const first = Math.log2(powers[0] ?? 1);
  const last = powers.length - 1;
  return numeric(
    key,
    'pow2',
    -0.5,
    last + 0.5,
    (v) => (v > 0 ? Math.log2(v) - first : -Infinity),
    (z) => clamp(powers[clamp(Math.round(z), 0, last)] ?? min, min, max),
    (v) => ({ lo: clamp(Math.round(Math.log2(v) - first), 0, last) - 0.5, width: 1 }),
  );
}

/**
 * A numeric dimension from its internal coordinate z on [lo, hi]: `forward`
 * maps a value to z, `back` maps z to a valid value, `cell` gives a discrete
 * value's cell of z (its low end and width).
 */
function numeric(
  key: string,
  scale: NumericScale,
  lo: number,
  hi: number,
  forward: (v: number) => number,
  back: (z: number) => number,
  cell: ((v: number) => { lo: number; width: number }) | null,
): NumericDim {
  const width = hi - lo;
  const unit = (z: number) => clamp((z - lo) / width, 0, 1);
  return {
    kind: 'numeric',
    key,
    scale,
    toUnit: (value) => (typeof value === 'number' && !Number.isNaN(value) ? unit(forward(value)) : null),
    snap: (u) => back(lo + clamp(u, 0, 1) * width),
    cell:
      cell === null
        ? () => null
        : (v) => {
            const c = cell(v);
            return { centre: (c.lo - lo + c.width / 2) / width, width: c.width / width };
          },
  };
}

function categoricalDim(key: string, choices: readonly Scalar[]): CategoricalDim {
  return {
    kind: 'categorical',
    key,
    choices,
    indexOf: (value) => {
      const i = choices.findIndex((c) => c === value);
      return i < 0 ? null : i;
    },
  };
}

/** A real number kept to {@link SIGNIFICANT_DIGITS} significant digits. */
export function round(x: number): number {
  return Number(x.toPrecision(SIGNIFICANT_DIGITS));
}

/** `x` limited to [min, max]. */
export function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}
