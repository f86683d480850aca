/**
 * Nested training configs (`{train: {learning_rate: 0.001}, env: {num_envs: 8}}`)
 * and their flat, dotted view (`{'train.learning_rate': 0.001, 'env.num_envs': 8}`).
 *
 * Every function here returns fresh plain objects and never mutates its inputs.
 * Path segments `__proto__`, `constructor` and `prototype` are skipped wherever
 * they appear, so no config operation can reach `Object.prototype`.
 */
import { hasOwn, isForbiddenSegment, isPlainObject, splitKey } from './path.js';

/** A leaf value of a config. */
export type Scalar = number | string | boolean;

/** A nested config: sections of sections, ending in scalars. */
export type Config = { [key: string]: Scalar | Config };

/** True when `value` is a number, string or boolean. */
export function isScalar(value: unknown): value is Scalar {
  return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean';
}

/** True when `value` is a nested section (a plain object) rather than a leaf. */
export function isSection(value: unknown): value is Config {
  return isPlainObject(value);
}

/**
 * Flattens a nested config into dotted keys (`train.learning_rate`).
 * Empty sections disappear; keys containing forbidden segments are skipped.
 */
export function flattenConfig(c: Config): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  const walk = (section: Config, prefix: string): void => {
    for (const key of Object.keys(section)) {
      if (isForbiddenSegment(key)) continue;
      const value = section[key];
      if (value === undefined) continue;
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (isSection(value)) walk(value, path);
      else out[path] = value;
    }
  };
  walk(c, '');
  return out;
}

/**
 * Rebuilds a nested config from dotted keys. Keys are applied in the order
 * given; a later key that needs a section where a scalar stands replaces the
 * scalar (and vice versa). Keys with a forbidden segment are ignored.
 */
export function unflattenConfig(flat: Record<string, Scalar>): Config {
  const out: Config = {};
  for (const key of Object.keys(flat)) {
    const value = flat[key];
    if (value !== undefined) setPath(out, splitKey(key), value);
  }
  return out;
}

/**
 * Returns a new config: a deep copy of `base` with every dotted key of
 * `override` set. Neither argument is mutated. Keys with a forbidden segment
 * are ignored (validation rejects them before they get here).
 */
export function mergeConfig(base: Config, override: Record<string, Scalar>): Config {
  const out = cloneConfig(base);
  for (const key of Object.keys(override)) {
    const value = override[key];
    if (value !== undefined) setPath(out, splitKey(key), value);
  }
  return out;
}

/**
 * Reads a dotted path: the scalar or section found there, or `undefined`.
 * Only own properties are followed, so `getPath(c, 'constructor')` is `undefined`.
 */
export function getPath(c: Config, dotted: string): Scalar | Config | undefined {
  let current: Scalar | Config = c;
  for (const segment of splitKey(dotted)) {
    if (!isSection(current) || isForbiddenSegment(segment) || !hasOwn(current, segment)) return undefined;
    const next: Scalar | Config | undefined = current[segment];
    if (next === undefined) return undefined;
    current = next;
  }
  return current;
}

/** A deep copy of a config as fresh plain objects, without forbidden segments. */
export function cloneConfig(c: Config): Config {
  const out: Config = {};
  for (const key of Object.keys(c)) {
    if (isForbiddenSegment(key)) continue;
    const value = c[key];
    if (value === undefined) continue;
    out[key] = isSection(value) ? cloneConfig(value) : value;
  }
  return out;
}

/** Sets `segments` to `value` in `target` (mutating the fresh copy we own). */
function setPath(target: Config, segments: string[], value: Scalar): void {
  if (segments.length === 0 || segments.some(isForbiddenSegment)) return;
  let section = target;
  for (const segment of segments.slice(0, -1)) {
    const next = hasOwn(section, segment) ? section[segment] : undefined;
    if (isSection(next)) {
      section = next;
    } else {
      const created: Config = {};
      section[segment] = created;
      section = created;
    }
  }
  const last = segments[segments.length - 1] as string;
  section[last] = value;
}

/** The scalar values of `keys` (dotted) in `config`; keys absent or holding a section are left out. */
export function scalarsAt(config: Config, keys: readonly string[]): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const key of keys) {
    const v = getPath(config, key);
    if (isScalar(v)) out[key] = v;
  }
  return out;
}
