/**
 * Baseline values outside their policy range: a warning, not a problem (a range may leave the
 * baseline out on purpose), but worth saying, since `lr: 0.01` with a range of [0.1, 1] searches
 * only a decade the baseline is not in. Pure.
 */
import { flattenConfig } from '../config/config.js';
import { hasOwn } from '../config/path.js';
import { describeSpec } from '../policy/key-spec.js';
import type { Policy } from '../policy/policy.js';
import { formatValue } from '../text/format.js';
import type { BaselineRef } from './keys.js';
import { policyKeyRef, type PreflightProblem } from './problem.js';

/** One warning per policy key whose baseline value is a number out of its range, or not among its choices. */
export function baselineRangeWarnings(policy: Policy, baseline: BaselineRef): PreflightProblem[] {
  const flat = flattenConfig(baseline.config);
  const warnings: PreflightProblem[] = [];
  for (const [key, spec] of Object.entries(policy.keys)) {
    if (!hasOwn(flat, key)) continue;
    const value = flat[key];
    const outside =
      spec.type === 'number' || spec.type === 'integer'
        ? typeof value === 'number' && (value < spec.min || value > spec.max)
        : spec.type === 'enum' && !spec.choices.some((c) => c === value);
    if (!outside) continue;
    warnings.push({
      file: 'policy.json',
      key: policyKeyRef(key),
      problem: `the baseline value ${formatValue(value)} (${baseline.file}) is outside the policy's range, ${describeSpec(spec)}: the proposer searches only that range, away from the baseline`,
      allowed: 'a range that holds the baseline value, unless leaving it out is meant',
    });
  }
  return warnings;
}
