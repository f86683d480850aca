/**
 * Derived rules: after overrides are merged, the policy's rules normalize the
 * config (round a batch size up to a multiple, tie one key to another, …).
 * Each change is recorded; a rule that cannot apply, or whose result breaks
 * the target key's policy spec, is an error named after the rule.
 */
import { assertNever } from '../assert-never.js';
import { getPath, isScalar, mergeConfig, type Config, type Scalar } from '../config/config.js';
import { formatKey, formatNumber, formatValue } from '../text/format.js';
import { checkValue } from './key-spec.js';
import { hasOwn } from '../config/path.js';
import type { Policy, Rule } from './policy.js';
import { validationError, type ValidationError } from './validation-error.js';

/** A value changed by a derived rule. `before` is null when the key was absent. */
export type Normalization = { key: string; before: Scalar | null; after: Scalar; rule: string };

/** Result of {@link applyRules}. */
export type RulesOutcome = { config: Config; normalizations: Normalization[]; errors: ValidationError[] };

/**
 * Applies the policy's rules in order, each seeing the result of the previous
 * ones. Returns a new config (the input is not mutated), the normalizations
 * made and any errors.
 */
export function applyRules(config: Config, policy: Policy): RulesOutcome {
  let current = config;
  const normalizations: Normalization[] = [];
  const errors: ValidationError[] = [];
  for (const rule of policy.rules ?? []) {
    const outcome = evaluateRule(rule, current, policy);
    if (!outcome.ok) {
      errors.push(outcome.error);
      continue;
    }
    const before = scalarAt(current, rule.key);
    if (before !== null && Object.is(before, outcome.value)) continue;
    const spec = hasOwn(policy.keys, rule.key) ? policy.keys[rule.key] : undefined;
    if (spec !== undefined) {
      const checked = checkValue(rule.key, outcome.value, spec, rule.rule);
      if (!checked.ok) {
        errors.push({ ...checked.error, message: `${checked.error.message} (set by rule ${describeRule(rule)})` });
        continue;
      }
    }
    current = mergeConfig(current, { [rule.key]: outcome.value });
    normalizations.push({ key: rule.key, before, after: outcome.value, rule: rule.rule });
  }
  return { config: current, normalizations, errors };
}

/** A rule in words, e.g. `multiple_of: train.minibatch_size is a multiple of train.bptt_horizon`. */
export function describeRule(rule: Rule): string {
  switch (rule.rule) {
    case 'multiple_of':
      return `multiple_of: ${rule.key} is a multiple of ${rule.of}`;
    case 'equal':
      return `equal: ${rule.key} equals ${rule.to}`;
    case 'lte':
      return `lte: ${rule.key} <= ${rule.than}`;
    case 'gte':
      return `gte: ${rule.key} >= ${rule.than}`;
    case 'product':
      return `product: ${rule.key} = ${rule.of.join(' * ')}`;
    default:
      return assertNever(rule, 'rule');
  }
}

type RuleValue = { ok: true; value: Scalar } | { ok: false; error: ValidationError };

/** The value `rule` gives its key in `config` (possibly unchanged). */
function evaluateRule(rule: Rule, config: Config, policy: Policy): RuleValue {
  const fail = (value: unknown, problem: string, expected: string): RuleValue => ({
    ok: false,
    error: validationError(rule.key, value, rule.rule, `${problem} (rule ${describeRule(rule)})`, expected),
  });
  const current = scalarAt(config, rule.key);
  switch (rule.rule) {
    case 'multiple_of': {
      const of = scalarAt(config, rule.of);
      if (typeof current !== 'number' || !Number.isFinite(current)) return fail(current, 'is not a finite number', 'a finite number');
      if (typeof of !== 'number' || !Number.isFinite(of) || of <= 0) {
        return fail(current, `cannot be rounded: ${formatKey(rule.of)} = ${formatValue(of)}`, `${rule.of} to be a number > 0`);
      }
      return roundToMultiple(rule, current, of, policy, fail);
    }
    case 'equal': {
      const to = scalarAt(config, rule.to);
      if (to === null) return fail(current, `cannot be set: ${formatKey(rule.to)} is missing`, `${rule.to} to be set`);
      return { ok: true, value: to };
    }
    case 'lte':
    case 'gte': {
      const than = scalarAt(config, rule.than);
      if (typeof current !== 'number' || !Number.isFinite(current)) return fail(current, 'is not a finite number', 'a finite number');
      if (typeof than !== 'number' || !Number.isFinite(than)) {
        return fail(current, `cannot be compared: ${formatKey(rule.than)} = ${formatValue(than)}`, `${rule.than} to be a finite number`);
      }
      return { ok: true, value: rule.rule === 'lte' ? Math.min(current, than) : Math.max(current, than) };
    }
    case 'product': {
      let product = 1;
      for (const factorKey of rule.of) {
        const factor = scalarAt(config, factorKey);
        if (typeof factor !== 'number' || !Number.isFinite(factor)) {
          return fail(current, `cannot be computed: ${formatKey(factorKey)} = ${formatValue(factor)}`, `${factorKey} to be a finite number`);
        }
        product *= factor;
      }
      if (!Number.isFinite(product)) return fail(current, `cannot be computed: the product ${formatNumber(product)} overflows`, 'a finite product');
      return { ok: true, value: product };
    }
    default:
      return assertNever(rule, 'rule');
  }
}

/**
 * Rounds up to the next multiple of `of`; when that leaves the key's policy
 * range, rounds down instead (if that fits), so a value inside the range stays inside.
 */
function roundToMultiple(rule: Rule, value: number, of: number, policy: Policy, fail: (value: unknown, problem: string, expected: string) => RuleValue): RuleValue {
  const quotient = value / of;
  if (Math.abs(quotient - Math.round(quotient)) < 1e-9) return { ok: true, value };
  const up = Math.ceil(quotient) * of;
  const spec = hasOwn(policy.keys, rule.key) ? policy.keys[rule.key] : undefined;
  if (spec === undefined || (spec.type !== 'number' && spec.type !== 'integer') || up <= spec.max) return { ok: true, value: up };
  const down = Math.floor(quotient) * of;
  if (down >= spec.min) return { ok: true, value: down };
  return fail(value, `has no multiple of ${formatNumber(of)} within its range`, `a multiple of ${formatNumber(of)} in [${formatNumber(spec.min)}, ${formatNumber(spec.max)}]`);
}

/** The scalar at a dotted key, or null when absent or a section. */
function scalarAt(config: Config, key: string): Scalar | null {
  const value = getPath(config, key);
  return isScalar(value) ? value : null;
}
