/** Checking that untrusted JSON (a baseline config file) is a {@link Config}. */
import { isScalar, type Config } from './config.js';
import { describeKind, formatKey } from '../text/format.js';
import { isForbiddenSegment, isPlainObject } from './path.js';
import { AutopilotError } from '../errors.js';

/** Deepest nesting accepted in a config file. */
export const MAX_CONFIG_DEPTH = 32;

/** Thrown by {@link parseConfig}; `issues` holds one line per problem. */
export class ConfigError extends AutopilotError {
  override readonly name = 'ConfigError';
  constructor(readonly issues: readonly string[]) {
    super('config-invalid', `invalid config (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues.map((i) => `- ${i}`).join('\n')}`);
  }
}

/**
 * Returns a fresh copy of `raw` typed as a {@link Config}, or throws
 * {@link ConfigError} listing every problem: a root that is not an object,
 * values that are not finite numbers, strings, booleans or sections (null,
 * arrays), keys containing dots or forbidden segments, nesting deeper than
 * {@link MAX_CONFIG_DEPTH}.
 */
export function parseConfig(raw: unknown): Config {
  const issues: string[] = [];
  if (!isPlainObject(raw)) throw new ConfigError([`(config): is ${describeKind(raw)}; allowed an object of sections and values`]);
  const copy = (node: Record<string, unknown>, path: string[]): Config => {
    const out: Config = {};
    for (const key of Object.keys(node)) {
      const where = formatKey([...path, key].join('.'));
      const value = node[key];
      if (isForbiddenSegment(key) || key.includes('.') || key.length === 0) {
        issues.push(`${where}: the key ${formatKey(key)} is not allowed; allowed are non-empty keys without dots, other than __proto__, constructor, prototype`);
      } else if (isPlainObject(value)) {
        if (path.length + 1 >= MAX_CONFIG_DEPTH) issues.push(`${where}: nested too deeply; allowed at most ${MAX_CONFIG_DEPTH} levels`);
        else out[key] = copy(value, [...path, key]);
      } else if (isScalar(value) && (typeof value !== 'number' || Number.isFinite(value))) {
        out[key] = value;
      } else {
        issues.push(`${where}: is ${describeKind(value)}; allowed a finite number, a string, a boolean or a section`);
      }
    }
    return out;
  };
  const config = copy(raw, []);
  if (issues.length > 0) throw new ConfigError(issues);
  return config;
}
