/** Rendering a config as PufferLib-style trainer flags. */
import { assertNever } from './assert-never.js';
import { flattenConfig, type Config, type Scalar } from './config.js';
import { compareKeys } from './diff.js';

/** Top-level section holding orchestrator-only keys; never passed to the trainer. */
export const ORCHESTRATOR_SECTION = 'autopilot';

/**
 * Renders `config` as argv items: for each flattened key in sorted order,
 * `--<key with _ as ->` then the value as its own item (`--train.learning-rate`,
 * `0.0003`). Numbers print as `String(n)`, booleans as `True` / `False`,
 * strings verbatim (argv, never a shell: nothing is quoted or escaped).
 * Keys under the top-level `autopilot` section are left out.
 */
export function renderArgs(config: Config): string[] {
  const flat = flattenConfig(config);
  const args: string[] = [];
  for (const key of Object.keys(flat).sort(compareKeys)) {
    if (key === ORCHESTRATOR_SECTION || key.startsWith(`${ORCHESTRATOR_SECTION}.`)) continue;
    const value = flat[key];
    if (value === undefined) continue;
    args.push(`--${key.replaceAll('_', '-')}`, renderValue(value));
  }
  return args;
}

/** One value as an argv item. */
export function renderValue(value: Scalar): string {
  switch (typeof value) {
    case 'number':
      return String(value);
    case 'boolean':
      return value ? 'True' : 'False';
    case 'string':
      return value;
    default:
      return assertNever(value, 'config value');
  }
}
