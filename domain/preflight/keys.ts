/**
 * The policy against a baseline: every key a proposer may change is a key of the config the trainer
 * gets (or declared `optional`), and every key a derived rule names exists — so a misspelled key
 * (`train.learnin_rate`) is named before a night of runs passes a flag the trainer ignores. Pure.
 */
import { flattenConfig, type Config } from '../config/config.js';
import { isOrchestratorSectionKey } from '../config/orchestrator-keys.js';
import { hasOwn } from '../config/path.js';
import { ruleInputs, type Policy } from '../policy/policy.js';
import { describeRule } from '../policy/rules.js';
import { policyKeyRef, type PreflightProblem } from './problem.js';
import { closestName } from './suggest.js';

/** The baseline a check is against: its workspace-relative file and its config. */
export interface BaselineRef {
  file: string;
  config: Config;
}

function suggestion(key: string, known: Iterable<string>): string {
  const near = closestName(key, known);
  return near === null ? '' : ` (did you mean ${near}?)`;
}

/** Policy keys missing from the baseline (unless `optional`), each with the closest baseline key when one is near. */
export function policyKeyProblems(policy: Policy, baseline: BaselineRef): PreflightProblem[] {
  const flat = flattenConfig(baseline.config);
  const problems: PreflightProblem[] = [];
  for (const [key, spec] of Object.entries(policy.keys)) {
    // Orchestrator keys (`autopilot.*`) steer autopilot, never the trainer: no baseline needs them.
    if (spec.optional || hasOwn(flat, key) || isOrchestratorSectionKey(key)) continue;
    problems.push({
      file: 'policy.json',
      key: policyKeyRef(key),
      problem: `is not a key of ${baseline.file}${suggestion(key, Object.keys(flat))}`,
      allowed: `a key of ${baseline.file}, or "optional": true in its spec when the trainer has a default for it`,
    });
  }
  return problems;
}

/** Rules naming a key that is neither in the baseline nor in the policy, with the closest known key. */
export function ruleKeyProblems(policy: Policy, baseline: BaselineRef): PreflightProblem[] {
  const known = new Set([...Object.keys(flattenConfig(baseline.config)), ...Object.keys(policy.keys)]);
  const problems: PreflightProblem[] = [];
  (policy.rules ?? []).forEach((rule, i) => {
    for (const key of new Set([rule.key, ...ruleInputs(rule)])) {
      if (known.has(key) || isOrchestratorSectionKey(key)) continue;
      problems.push({
        file: 'policy.json',
        key: `rules[${i}]`,
        problem: `rule ${describeRule(rule)} names ${key}, which is neither a key of ${baseline.file} nor a policy key${suggestion(key, known)}`,
        allowed: `keys of ${baseline.file} or of policy.json`,
      });
    }
  });
  return problems;
}
