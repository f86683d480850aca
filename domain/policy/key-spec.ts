/** Checking one scalar value against the policy spec of its key. */
import { assertNever } from '../assert-never.js';
import type { Scalar } from '../config/config.js';
import { describeKind, formatNumber, formatValue } from '../text/format.js';
import { isPowerOfTwo, powersOfTwoIn, type KeySpec } from './policy.js';
import { validationError, type ValidationError } from './validation-error.js';

/** The values a key allows, short: `[min, max]`, or the choices joined by `separator`. */
export function rangeText(spec: KeySpec, separator = ' | '): string {
  switch (spec.type) {
    case 'number':
    case 'integer':
      return `[${formatNumber(spec.min)}, ${formatNumber(spec.max)}]`;
    case 'boolean':
      return ['true', 'false'].join(separator);
    case 'enum':
      return spec.choices.map(formatValue).join(separator);
    default:
      return assertNever(spec, 'key spec');
  }
}

/** What a spec allows, e.g. `number in [1e-05, 0.1]` or `one of ["adam", "muon"]`. */
export function describeSpec(spec: KeySpec): string {
  switch (spec.type) {
    case 'number':
      return `number in [${formatNumber(spec.min)}, ${formatNumber(spec.max)}]`;
    case 'integer':
      if (spec.distribution === 'uniform_pow2') return `a power of two in [${formatNumber(spec.min)}, ${formatNumber(spec.max)}]: ${powersText(spec)}`;
      return `integer in [${formatNumber(spec.min)}, ${formatNumber(spec.max)}]`;
    case 'boolean':
      return 'boolean (true or false)';
    case 'enum':
      return `one of [${spec.choices.map(formatValue).join(', ')}]`;
    default:
      return assertNever(spec, 'key spec');
  }
}

/** The powers of two a `uniform_pow2` key allows, listed (`512, 1024, 2048, 4096`). */
function powersText(spec: { min: number; max: number }): string {
  const powers = powersOfTwoIn(spec.min, spec.max);
  return powers.length === 0 ? 'none (the policy allows no value)' : powers.map(formatNumber).join(', ');
}

/**
 * Checks `value` against `spec`. Returns the narrowed scalar, or an error
 * whose `rule` is `type`, `non_finite`, `range`, `power_of_two` or `choices`
 * (or `ruleName` when given, for values produced by derived rules).
 *
 * A `uniform_pow2` key takes only powers of two from a proposer; a value a
 * derived rule produced (`ruleName` given, e.g. `lte` lowering it to a batch
 * size) need only be in range.
 */
export function checkValue(key: string, value: unknown, spec: KeySpec, ruleName?: string): { ok: true; value: Scalar } | { ok: false; error: ValidationError } {
  const expected = describeSpec(spec);
  const fail = (rule: string, problem: string) => ({
    ok: false as const,
    error: validationError(key, value, ruleName ?? rule, problem, expected),
  });
  switch (spec.type) {
    case 'number':
    case 'integer': {
      if (typeof value !== 'number') return fail('type', `is ${describeKind(value)}, not a number`);
      if (!Number.isFinite(value)) return fail('non_finite', 'is not a finite number');
      if (spec.type === 'integer' && !Number.isInteger(value)) return fail('type', 'is not an integer');
      if (value < spec.min || value > spec.max) return fail('range', 'is out of range');
      if (spec.type === 'integer' && spec.distribution === 'uniform_pow2' && ruleName === undefined && !isPowerOfTwo(value)) return fail('power_of_two', 'is not a power of two');
      return { ok: true, value };
    }
    case 'boolean':
      if (typeof value !== 'boolean') return fail('type', `is ${describeKind(value)}, not a boolean`);
      return { ok: true, value };
    case 'enum': {
      const choice = spec.choices.find((c) => c === value);
      if (choice === undefined) return fail('choices', 'is not one of the choices');
      return { ok: true, value: choice };
    }
    default:
      return assertNever(spec, 'key spec');
  }
}
