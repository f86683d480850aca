/**
 * The pure half of the through-the-loop suite's trainer (bench/loop/trainer.ts): reading the
 * loop's flags back into a nested config, and the seeded per-episode sample of a run.
 */
import { unflattenConfig, type Config, type Scalar } from '../../domain/config/config.js';
import { createRng, seedFromString } from '../../domain/rng.js';

/** The variable of `trainer.env` (and of the Optuna proposer's env) that carries the bench seed. */
export const BENCH_SEED_ENV = 'AUTOPILOT_BENCH_SEED';

/** The trainer's command line: its own flags (`--objective`) and the config the loop appended. */
export interface TrainerArgs {
  objective: string | null;
  config: Config;
}

/** One argv value as the loop renders it (domain/trainer-io/render-args.ts): numbers, True/False, strings verbatim. */
function parseValue(text: string): Scalar {
  if (text === 'True') return true;
  if (text === 'False') return false;
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

/**
 * Parses `--section.some-key value` and `--section.key=-1e-05` items back into a nested config
 * (dashes become underscores, as the loop made them); `--objective NAME` is the trainer's own
 * flag. A bare flag is read as `true` (PufferLib's store_true flags). Throws on a stray item.
 */
export function parseTrainerArgs(argv: readonly string[]): TrainerArgs {
  const flat: Record<string, Scalar> = {};
  let objective: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const item = argv[i] as string;
    if (!item.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(item)} at ${i}`);
    const eq = item.indexOf('=');
    const flag = eq < 0 ? item.slice(2) : item.slice(2, eq);
    const next = argv[i + 1];
    let text: string | null;
    if (eq >= 0) text = item.slice(eq + 1);
    else if (next !== undefined && !next.startsWith('--')) text = argv[++i] as string;
    else text = null;
    if (flag === 'objective') objective = text;
    else flat[flag.replaceAll('-', '_')] = text === null ? true : parseValue(text);
  }
  return { objective, config: unflattenConfig(flat) };
}

/** The seed of one run's noise: the bench seed, the run id and the run's train seed, so replicates get fresh noise. */
export function noiseSeed(benchSeed: number, runId: string, trainSeed: number): number {
  return seedFromString(`bench-loop/${benchSeed}/${runId}/${trainSeed}`);
}

/** `episodes` draws of N(mean, sd²) from `seed` (mulberry32 uniforms, Box–Muller). */
export function episodeSample(seed: number, mean: number, sd: number, episodes: number): number[] {
  const u = createRng(seed);
  // 1 − u is in (0, 1], so the logarithm is finite.
  return Array.from({ length: episodes }, () => mean + sd * Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()));
}

/** The sample mean, what the trainer reports as `metrics.mean_reward`. */
export function sampleMean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}
