/** Rendering a config as PufferLib-style trainer flags. */
import { assertNever } from '../assert-never.js';
import { flattenConfig, type Config, type Scalar } from '../config/config.js';
import { compareKeys } from '../config/diff.js';

/** Top-level section holding orchestrator-only keys; never passed to the trainer. */
export const ORCHESTRATOR_SECTION = 'autopilot';

/** How a key becomes a flag name (`trainer.flag_names`): `_` as `-` (`kebab`), or as written (`as-is`). */
export type FlagNames = 'kebab' | 'as-is';

/**
 * Renders `config` as argv items: for each flattened key in sorted order,
 * `--<key with _ as ->` (or the key as written, with `names` `as-is`) then the value as its own
 * item (`--train.learning-rate`, `0.0003`). Numbers print as `String(n)`, booleans as `True` / `False`,
 * strings verbatim (argv, never a shell: nothing is quoted or escaped).
 * Two exceptions follow PufferLib's argparse parser: a top-level boolean
 * (`wandb`, `neptune`: `store_true` flags there) is the bare flag when true and
 * nothing when false; a value starting with `-` (`-1e-05`) is joined to its flag
 * (`--train.gamma=-1e-05`), since argparse reads a separate `-1e-05` as a flag.
 * Keys under the top-level `autopilot` section are left out.
 */
export function renderArgs(config: Config, names: FlagNames = 'kebab'): string[] {
  const flat = flattenConfig(config);
  const args: string[] = [];
  for (const key of Object.keys(flat).sort(compareKeys)) {
    if (key === ORCHESTRATOR_SECTION || key.startsWith(`${ORCHESTRATOR_SECTION}.`)) continue;
    const value = flat[key];
    if (value === undefined) continue;
    args.push(...renderFlag(key, value, names));
  }
  return args;
}

/** The argv items of one flattened key and its value (see {@link renderArgs}). */
export function renderFlag(key: string, value: Scalar, names: FlagNames = 'kebab'): string[] {
  const flag = `--${names === 'kebab' ? key.replaceAll('_', '-') : key}`;
  if (typeof value === 'boolean' && !key.includes('.')) return value ? [flag] : [];
  const text = renderValue(value);
  return text.startsWith('-') ? [`${flag}=${text}`] : [flag, text];
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
