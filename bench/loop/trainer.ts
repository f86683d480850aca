/**
 * The trainer of bench:proposers' through-the-loop suite, launched by a bench workspace's
 * `trainer.command` (`node dist/bench/loop/trainer.js --objective ackley`, the config appended as
 * flags by the loop). It scores the config on a multimodal objective (bench/objectives/multimodal.ts)
 * and reports `mean_reward` as `episodes` per-episode values N(−f, noiseSd²), seeded from the bench
 * seed (AUTOPILOT_BENCH_SEED), the run id and the run's `train.seed`: every method meets the same
 * noise at the same run id, and a replicate (a fresh seed) meets fresh noise.
 */
import { getPath } from '../../domain/config/config.js';
import { loopObjectives } from '../objectives/multimodal.js';
import { BENCH_SEED_ENV, episodeSample, noiseSeed, parseTrainerArgs, sampleMean } from './trainer-core.js';
import { writeBenchSummary } from './write-summary.js';

function main(): number {
  const args = parseTrainerArgs(process.argv.slice(2));
  const objective = loopObjectives().find((o) => o.name === args.objective);
  if (objective === undefined) throw new Error(`--objective ${args.objective}: not a loop objective`);
  const benchSeed = Number(process.env[BENCH_SEED_ENV]);
  const runId = process.env['PUFFER_AUTOPILOT_RUN_ID'];
  const path = process.env['PUFFER_AUTOPILOT_SUMMARY'];
  if (!Number.isInteger(benchSeed) || !runId || !path) throw new Error(`needs ${BENCH_SEED_ENV}, PUFFER_AUTOPILOT_RUN_ID and PUFFER_AUTOPILOT_SUMMARY`);
  const trainSeed = getPath(args.config, 'train.seed');
  if (typeof trainSeed !== 'number') throw new Error('--train.seed is missing');
  const regret = objective.f(args.config);
  const samples = episodeSample(noiseSeed(benchSeed, runId, trainSeed), -regret, objective.noiseSd, objective.episodes);
  const mean = sampleMean(samples);
  // The metric line is the loop's fallback when a summary is missing; the summary is the contract.
  process.stdout.write(`${JSON.stringify({ agent_steps: objective.episodes, mean_reward: mean })}\n`);
  writeBenchSummary(path, { runId: runId, train: args.config['train'] ?? {}, mean, samples });
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  process.stderr.write(`bench trainer: ${(err as Error).message}\n`);
  process.exitCode = 2;
}
