/**
 * The trainer of bench:parallel's parts (a) and (c), launched through the workspace's
 * scripts/run_training.sh (AUTOPILOT_TRAINER): it ends exactly AUTOPILOT_BENCH_TRAINER_MS of wall
 * time after its process started, sleeping, so the trainer is a fixed duration whatever the load.
 * (The fake trainer's `sleep:<ms>` sleeps after Node's start-up and its imports: on two busy cores
 * that adds 0.2–0.7 s.) Its score is the fake trainer's: a peak at learning rate 0.003, 32 episodes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { writeBenchSummary } from '../loop/write-summary.js';

/** The variable that sets the trainer's wall time in ms (bench/parallel/wall.ts sets it; not imported, to keep this start-up small). */
const TRAINER_MS_ENV = 'AUTOPILOT_BENCH_TRAINER_MS';

async function main(): Promise<number> {
  const ms = Number(process.env[TRAINER_MS_ENV]);
  const path = process.env['PUFFER_AUTOPILOT_SUMMARY'];
  if (!(ms > 0) || !path) throw new Error(`needs ${TRAINER_MS_ENV} and PUFFER_AUTOPILOT_SUMMARY`);
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--train.learning-rate');
  const lr = at >= 0 ? Number(argv[at + 1]) : 0.001;
  const center = 500 - 80 * Math.abs(Math.log10(lr / 0.003));
  const samples = Array.from({ length: 32 }, (_, i) => center + ((i * 7) % 11) - 5);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  // performance.timeOrigin is when this process started: the sleep absorbs Node's start-up.
  await sleep(Math.max(0, performance.timeOrigin + ms - Date.now()));
  process.stdout.write(`${JSON.stringify({ agent_steps: 1000, mean_reward: mean })}\n`);
  writeBenchSummary(path, { runId: process.env['PUFFER_AUTOPILOT_RUN_ID'], train: { learning_rate: lr }, mean, samples });
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`bench:parallel trainer: ${(err as Error).message}\n`);
    process.exitCode = 2;
  },
);
