/**
 * Reading proposer overrides (nested objects, dotted keys or a mix) into flat
 * `key → raw value` entries, without trusting anything about the input.
 */
import { formatKey } from '../text/format.js';
import { describeOrchestratorSection, isOrchestratorKey, isOrchestratorSectionKey, orchestratorKeys } from './orchestrator-keys.js';
import type { Policy } from '../policy/policy.js';
import { hasOwn, isForbiddenSegment, isPlainObject, joinKey, splitKey } from './path.js';
import { ROOT_KEYS, validationError, type ValidationError } from '../policy/validation-error.js';

/** Allowed keys listed in an unknown-key message before it is cut short. */
const MAX_LISTED_KEYS = 40;

/** Flat entries found in the overrides, and every structural problem met on the way. */
export type CollectedOverrides = { entries: Map<string, unknown>; errors: ValidationError[] };

/**
 * Walks `overrides` and returns one entry per policy key or orchestrator-only key
 * (`autopilot.resume_mode`, … — see orchestrator-keys.ts) it sets. Problems are
 * collected, never thrown: a root that is not a plain object (`shape`), empty
 * path segments (`shape`), `__proto__` / `constructor` / `prototype` segments
 * (`forbidden_key`), keys outside the policy (`unknown_key`; under `autopilot`
 * the message names the orchestrator keys) and a key given
 * twice, e.g. once nested and once dotted (`shape`). Descends only into
 * sections that lead to policy keys, so its depth is bounded by the policy's.
 */
export function collectOverrides(overrides: unknown, policy: Policy): CollectedOverrides {
  const entries = new Map<string, unknown>();
  const errors: ValidationError[] = [];
  if (!isPlainObject(overrides)) {
    errors.push(validationError(ROOT_KEYS.overrides, overrides, 'shape', 'is not an object', 'an object of config keys (nested or dotted)'));
    return { entries, errors };
  }
  const policyKeys = Object.keys(policy.keys);
  const sections = sectionsOf([...policyKeys, ...orchestratorKeys(policy)]);
  const allowedKeys = describeAllowedKeys(policyKeys);
  const allowedOrchestratorKeys = describeOrchestratorSection(policy);

  const walk = (node: Record<string, unknown>, prefix: readonly string[]): void => {
    for (const rawKey of Object.keys(node)) {
      const value = readOwn(node, rawKey);
      const path = [...prefix, ...splitKey(rawKey)];
      const key = joinKey(path);
      const forbidden = path.find(isForbiddenSegment);
      if (forbidden !== undefined) {
        errors.push(validationError(key, value, 'forbidden_key', `uses the forbidden path segment ${formatKey(forbidden)}`, allowedKeys));
      } else if (path.some((segment) => segment.length === 0)) {
        errors.push(validationError(key, value, 'shape', 'has an empty path segment', allowedKeys));
      } else if (hasOwn(policy.keys, key) || isOrchestratorKey(key, policy)) {
        if (entries.has(key)) errors.push(validationError(key, value, 'shape', 'is given more than once', 'each key once'));
        else entries.set(key, value);
      } else if (sections.has(key) && isPlainObject(value)) {
        walk(value, path);
      } else if (isOrchestratorSectionKey(key)) {
        errors.push(validationError(key, value, 'unknown_key', 'is not an orchestrator key', allowedOrchestratorKeys));
      } else {
        errors.push(validationError(key, value, 'unknown_key', 'is not a key the policy allows', allowedKeys));
      }
    }
  };
  walk(overrides, []);
  return { entries, errors };
}

/** Every proper prefix of every policy key (`train` for `train.learning_rate`). */
function sectionsOf(keys: readonly string[]): Set<string> {
  const sections = new Set<string>();
  for (const key of keys) {
    const segments = splitKey(key);
    for (let i = 1; i < segments.length; i++) sections.add(joinKey(segments.slice(0, i)));
  }
  return sections;
}

function describeAllowedKeys(keys: readonly string[]): string {
  if (keys.length === 0) return 'no keys (the policy allows none)';
  const sorted = [...keys].sort();
  const listed = sorted.slice(0, MAX_LISTED_KEYS).join(', ');
  return `one of the policy keys ${listed}${sorted.length > MAX_LISTED_KEYS ? `, … (${sorted.length} in all)` : ''}`;
}

/** Reads an own property; a throwing getter yields the error itself as the value. */
function readOwn(node: Record<string, unknown>, key: string): unknown {
  try {
    return node[key];
  } catch (error) {
    return error;
  }
}
