/**
 * What `autopilot init` makes of the baseline's seed (domain/config/seed-key.ts has the rule): the
 * `seeds.key` to write when the baseline's one seed key is not the default, and a note whenever the
 * key is not plain: none found, or several. Pure.
 */
import type { Config } from '../config/config.js';
import { chooseSeedKey, DEFAULT_SEED_KEY } from '../config/seed-key.js';

/** The `seeds` setting init writes (absent: the default, `train.seed`), and its notes. */
export function scaffoldSeedKey(baseline: Config): { seeds?: { key: string }; notes: string[] } {
  const { candidates, key } = chooseSeedKey(baseline);
  const seeds = key !== null && key !== DEFAULT_SEED_KEY ? { seeds: { key } } : {};
  if (candidates.length === 1) return { ...seeds, notes: key === DEFAULT_SEED_KEY ? [] : [`seeds.key is ${key}, the baseline's seed: replicates and re-runs get a fresh ${key}`] };
  const named = candidates.join(', ');
  if (candidates.length > 1)
    return {
      ...seeds,
      notes: [
        key === null
          ? `the baseline has several seed keys (${named}) and none was chosen: set seeds.key in autopilot.json to the one that seeds a run (autopilot check refuses until then)`
          : `the baseline has several seed keys (${named}); seeds.key stays ${key}, the default: only it gets a fresh value for replicates and re-runs (set seeds.key to choose another)`,
      ],
    };
  return {
    notes: [
      `the baseline has no seed key (a key named seed or *_seed holding an integer): replicates and re-runs could not get a fresh seed, and autopilot check refuses while statistics.replicates > 0; add the trainer's seed to the baselines and set seeds.key to it, or set seeds.key to null if the trainer seeds itself randomly each run`,
    ],
  };
}
