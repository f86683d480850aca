/** The one-key policy `autopilot init` writes when it has no sweep to import: a valid start to edit. */
import { flattenConfig, type Config } from '../config/config.js';
import type { KeySpec, Policy } from '../policy/policy.js';
import { isSeedName } from '../config/seed-key.js';

/** The key the example is about when the baseline has it (or has no number to take instead). */
const PREFERRED = 'train.learning_rate';
const NOTE = 'example entry written by autopilot init: set the range you want searched, and add the other keys the proposer may tune';

/**
 * A policy with one key: `train.learning_rate` when the baseline sets it as a number, else the
 * baseline's first number that is not a seed, else `train.learning_rate` over [1e-5, 1e-2]. The range holds the
 * baseline's value (a tenth to ten times it when it is positive), so the baseline passes it.
 */
export function examplePolicy(baseline: Config): { policy: Policy; key: string } {
  const flat = flattenConfig(baseline);
  // A seed is never the example: tuning it would fit the noise.
  const numbers = Object.entries(flat).filter((e): e is [string, number] => typeof e[1] === 'number' && !isSeedName(e[0]));
  const chosen = numbers.find(([k]) => k === PREFERRED) ?? numbers[0];
  const key = chosen?.[0] ?? PREFERRED;
  const spec: KeySpec = chosen === undefined ? { type: 'number', min: 1e-5, max: 1e-2, distribution: 'log_normal', description: NOTE } : around(chosen[1]);
  return { policy: { version: 1, keys: { [key]: spec }, allowed_paths: ['proposals/next_config.json'] }, key };
}

/** A range around `value`: log-scaled for a positive one, ±1 (or ±|value|) otherwise. */
function around(value: number): KeySpec {
  if (Number.isInteger(value)) {
    if (value >= 1) return { type: 'integer', min: Math.max(1, Math.floor(value / 2)), max: value * 2, distribution: value >= 4 ? 'log_normal' : 'int_uniform', description: NOTE };
    return { type: 'integer', min: value - 1, max: value + 1, distribution: 'int_uniform', description: NOTE };
  }
  if (value > 0) return { type: 'number', min: tidy(value / 10), max: tidy(value * 10), distribution: 'log_normal', description: NOTE };
  const half = Math.max(1, Math.abs(value));
  return { type: 'number', min: value - half, max: value + half, distribution: 'uniform', description: NOTE };
}

/** Drops the float noise of a division (0.003 / 10 is 0.00030000000000000003). */
function tidy(n: number): number {
  return Number(n.toPrecision(12));
}
