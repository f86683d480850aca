/**
 * Which key of a baseline config is the trainer's seed, for `seeds.key`. The rule: a key whose last
 * segment is `seed`, ends in `_seed` (`random_seed`, `rng_seed`, `env_seed`) or in `Seed`
 * (`randomSeed`), at any depth (`seed`, `train.seed`, `env.seed`), and whose value is an integer.
 * Names decide, not values: a number is a seed only when its name says so. Pure.
 */
import { flattenConfig, getPath, type Config } from './config.js';

/** The default of `seeds.key` (domain/config/settings.ts). */
export const DEFAULT_SEED_KEY = 'train.seed';

/** True when the last segment of `key` names a seed by the rule above (`train.seed`, `rng_seed`); case aside but for `Seed`. */
export function isSeedName(key: string): boolean {
  const last = key.slice(key.lastIndexOf('.') + 1);
  const lower = last.toLowerCase();
  return lower === 'seed' || lower.endsWith('_seed') || /[a-z0-9]Seed$/.test(last);
}

/** The keys of `config` that hold a seed by the rule above, in the config's order. */
export function seedKeyCandidates(config: Config): string[] {
  return Object.entries(flattenConfig(config))
    .filter(([key, value]) => isSeedName(key) && typeof value === 'number' && Number.isInteger(value))
    .map(([key]) => key);
}

/** True when `key` names a number in `config`: what the launch plan needs to set a run's seed. */
export function namesNumber(config: Config, key: string): boolean {
  return typeof getPath(config, key) === 'number';
}

/** `seeds.key` for a baseline: the one seed key it holds; with several, the default when it is one of them; else none. */
export function chooseSeedKey(config: Config): { candidates: string[]; key: string | null } {
  const candidates = seedKeyCandidates(config);
  if (candidates.length === 1) return { candidates, key: candidates[0]! };
  return { candidates, key: candidates.includes(DEFAULT_SEED_KEY) ? DEFAULT_SEED_KEY : null };
}
