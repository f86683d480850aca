/**
 * The validate step: proposer overrides checked against the policy, merged
 * into the base config, normalized by the derived rules and diffed.
 */
import type { Config, Scalar } from '../config/config.js';
import { mergeConfig } from '../config/config.js';
import { compareKeys, diffConfigs, type ConfigChange } from '../config/diff.js';
import { checkValue } from './key-spec.js';
import { checkOrchestratorValue } from '../config/orchestrator-keys.js';
import { collectOverrides } from '../config/overrides.js';
import { hasOwn } from '../config/path.js';
import type { Policy } from './policy.js';
import { applyRules, type Normalization } from './rules.js';
import { ROOT_KEYS, validationError, type ValidationError } from './validation-error.js';

/** Re-exported so callers of the validate step need one import. */
export type { ConfigChange } from '../config/diff.js';
export type { Normalization } from './rules.js';
export type { ValidationError } from './validation-error.js';

/** Outcome of {@link validateOverrides}. */
export type ValidationResult =
  { ok: true; config: Config; override: Record<string, Scalar>; diff: ConfigChange[]; normalizations: Normalization[] } | { ok: false; errors: ValidationError[] };

/**
 * Validates proposer overrides (nested objects, dotted keys or a mix) against
 * `policy` and, when they pass, merges them into `base`.
 *
 * Orchestrator-only keys (`autopilot.resume_mode`, `autopilot.resume_from`,
 * `autopilot.save_strategy`) are accepted without a policy entry and checked by
 * `checkOrchestratorValue`, unless the policy lists them; any other `autopilot.*`
 * key is unknown.
 *
 * Never throws, whatever `overrides` is. Collects every error: unknown keys
 * (rejected, not dropped), wrong types (a string for a number, a float for an
 * integer), NaN / Infinity, values out of range or outside the choices,
 * forbidden segments (`__proto__`, `constructor`, `prototype`) anywhere, and
 * derived rules that cannot apply or whose result leaves the target's range.
 *
 * On success: `override` is the flat validated override as proposed,
 * `config` is `mergeConfig(base, override)` normalized by the policy's rules
 * (each change in `normalizations`), and `diff` is `diffConfigs(base, config)`.
 */
export function validateOverrides(overrides: unknown, base: Config, policy: Policy): ValidationResult {
  try {
    return validate(overrides, base, policy);
  } catch (error) {
    // Only hostile inputs (throwing proxies, getters) get here.
    const reason = error instanceof Error ? error.message : 'unreadable';
    return {
      ok: false,
      errors: [validationError(ROOT_KEYS.overrides, undefined, 'shape', `could not be read (${reason})`, 'a plain JSON object of config keys')],
    };
  }
}

function validate(overrides: unknown, base: Config, policy: Policy): ValidationResult {
  const { entries, errors } = collectOverrides(overrides, policy);
  const override: Record<string, Scalar> = {};
  for (const [key, value] of [...entries].sort(([a], [b]) => compareKeys(a, b))) {
    // collectOverrides yields only policy keys and orchestrator-only keys the policy leaves out.
    const spec = hasOwn(policy.keys, key) ? policy.keys[key] : undefined;
    const checked = spec !== undefined ? checkValue(key, value, spec) : checkOrchestratorValue(key, value);
    if (checked.ok) override[key] = checked.value;
    else errors.push(checked.error);
  }
  if (errors.length > 0) return { ok: false, errors };

  const merged = mergeConfig(base, override);
  const ruled = applyRules(merged, policy);
  if (ruled.errors.length > 0) return { ok: false, errors: ruled.errors };
  return { ok: true, config: ruled.config, override, diff: diffConfigs(base, ruled.config), normalizations: ruled.normalizations };
}
