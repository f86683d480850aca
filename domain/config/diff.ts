/** Key-by-key differences between two configs. */
import { flattenConfig, type Config, type Scalar } from './config.js';

/** One changed key; `from` is null when added, `to` is null when removed. */
export type ConfigChange = { key: string; from: Scalar | null; to: Scalar | null };

/**
 * The leaf keys whose value differs between `a` and `b` (added, removed or
 * changed), sorted by key in code-unit order. `NaN` equals `NaN`; `0` and `-0` differ.
 */
export function diffConfigs(a: Config, b: Config): ConfigChange[] {
  const flatA = flattenConfig(a);
  const flatB = flattenConfig(b);
  const keys = new Set([...Object.keys(flatA), ...Object.keys(flatB)]);
  const changes: ConfigChange[] = [];
  for (const key of [...keys].sort(compareKeys)) {
    const from = Object.prototype.hasOwnProperty.call(flatA, key) ? (flatA[key] ?? null) : null;
    const to = Object.prototype.hasOwnProperty.call(flatB, key) ? (flatB[key] ?? null) : null;
    if (!Object.is(from, to)) changes.push({ key, from, to });
  }
  return changes;
}

/** Code-unit order, independent of locale. */
export function compareKeys(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
