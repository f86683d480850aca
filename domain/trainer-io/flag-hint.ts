/**
 * A hint for a trainer that refused the flags it was given because it declares them with
 * underscores (argparse's `--learning_rate`) while autopilot wrote them kebab-case
 * (`--learning-rate`). argparse says so in one of two ways: `unrecognized arguments: --learning-rate
 * 0.01` (the flag given, dashed), or, when the flag is required, `the following arguments are
 * required: --learning_rate` (the flag declared, with underscores). Either names a key of the config.
 * Pure.
 */
import { flattenConfig, type Config } from '../config/config.js';
import type { FlagNames } from './render-args.js';

/** The config key behind a flag the trainer named, when the underscores are what differ. */
function keyOf(flag: string, keys: ReadonlySet<string>): string | null {
  const key = flag.replaceAll('-', '_');
  return key !== flag.replaceAll('_', '-') && keys.has(key) ? key : null;
}

/** The hint for the trainer's output `tail`, given the config it ran and how flags were named; null when nothing points at the names. */
export function flagNamesHint(tail: readonly string[], config: Config, names: FlagNames): string | null {
  if (names !== 'kebab') return null;
  const keys = new Set(Object.keys(flattenConfig(config)));
  for (const line of tail) {
    const listed = /(?:unrecognized arguments?|the following arguments are required):(.*)$/.exec(line)?.[1];
    if (listed === undefined) continue;
    for (const word of listed.split(/[\s,]+/)) {
      const flag = /^--([^=\s]+)/.exec(word)?.[1];
      const key = flag === undefined ? null : keyOf(flag, keys);
      if (key === null) continue;
      const given = `--${key.replaceAll('_', '-')}`;
      return `the trainer did not take ${given} (from the config key ${key}): if it declares its flags with underscores (--${key}), set "trainer": {"flag_names": "as-is"} in autopilot.json`;
    }
  }
  return null;
}
