/**
 * The seed key against the baseline: when the loop may run a config again (replicates, incumbent
 * re-runs), `seeds.key` must name the baseline's seed, or every repeat reuses the trainer's own seed
 * and a deterministic trainer returns its parent's result: a replicate "confirms" by repeating it.
 * `seeds.key: null` says the trainer seeds itself randomly each run. Pure.
 */
import type { Config } from '../config/config.js';
import { namesNumber, seedKeyCandidates } from '../config/seed-key.js';
import type { Settings } from '../config/settings.js';
import type { PreflightProblem } from './problem.js';

/** True when the loop may run a config again: an improvement's replicates (and the incumbent's re-runs), or an inconclusive one's. */
export function repeatsRuns(statistics: Pick<Settings['statistics'], 'replicates' | 'inconclusive_replicates'>): boolean {
  return statistics.replicates > 0 || statistics.inconclusive_replicates > 0;
}

/** The problem of a `seeds.key` that names no number of the baseline while runs may be repeated (null: none). */
export function seedKeyProblem(settings: Pick<Settings, 'seeds' | 'statistics'>, baseline: { file: string; config: Config }): PreflightProblem | null {
  const key = settings.seeds.key;
  if (key === null || !repeatsRuns(settings.statistics) || namesNumber(baseline.config, key)) return null;
  const s = settings.statistics;
  const found = seedKeyCandidates(baseline.config).map((k) => JSON.stringify(k));
  const which =
    found.length === 1
      ? `seeds.key: ${found[0]}, the seed key of ${baseline.file}`
      : found.length > 1
        ? `seeds.key set to the one of ${baseline.file}'s seed keys that seeds a run: ${found.join(', ')}`
        : `seeds.key set to the baseline's seed key, e.g. "seed" (${baseline.file} has no key named seed or *_seed: add the trainer's seed to it)`;
  return {
    file: 'autopilot.json',
    key: 'seeds.key',
    problem:
      `${JSON.stringify(key)} names no number in ${baseline.file}, so autopilot cannot give a run its seed: replicates and re-runs of the incumbent ` +
      `(statistics.replicates ${s.replicates}, inconclusive_replicates ${s.inconclusive_replicates}) would reuse the trainer's own seed, ` +
      'and a deterministic trainer would repeat its result instead of measuring it again',
    allowed: `${which}; or seeds.key: null when the trainer seeds itself randomly each run`,
  };
}
