/**
 * Built-in trainer entry point: PPO with a small MLP on CartPole-v1.
 *
 *   node dist/trainers/cartpole/main.js --train.learning-rate 0.005 --env.num-envs 8 ...
 *
 * Environment: PUFFER_AUTOPILOT_RUN_ID, PUFFER_AUTOPILOT_RUN_DIR (checkpoints go
 * to `$RUN_DIR/checkpoints/`, else `./checkpoints/`), PUFFER_AUTOPILOT_SUMMARY
 * (summary path; default `$RUN_DIR/trainer_summary.json`, else
 * `./trainer_summary.json`).
 *
 * `--eval-only --load-checkpoint PATH [--eval.episodes N] [--eval.seed S]` trains nothing: it
 * evaluates the checkpoint (episode i from seed S + i) and writes the same summary (eval-only.ts).
 *
 * stdout: one JSON object per line (training progress, throttled to one line
 * per epoch and at most about one every 0.5 s, then one `"phase":"eval"` line
 * with the summary metrics and the process CPU time `cpu_s`).
 * stderr: human-readable notes. Exit codes: 0 done, 1 failure, 2 usage
 * (bad flag, unreadable or mismatched checkpoint).
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Checkpoint } from './checkpoint.js';
import { CheckpointError, checkpointFileName } from './checkpoint.js';
import type { TrainerConfig } from './config.js';
import { evaluate } from './evaluate.js';
import { evaluateCheckpoint, loadCheckpoint } from './eval-only.js';
import { parseFlags, usage } from './flags.js';
import { writeJsonAtomic } from './io.js';
import { buildSummary } from './summary.js';
import type { EpochReport } from './train.js';
import { train } from './train.js';

const PRINT_INTERVAL_MS = 500;

function emit(obj: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

function note(text: string): void {
  process.stderr.write(`[cartpole-ppo] ${text}\n`);
}

function round(x: number, digits = 6): number {
  return Number.isFinite(x) ? Number(x.toPrecision(digits)) : x;
}

/** The newest checkpoint this trainer wrote into `dir` (its names sort by epoch), or null. */
function latestCheckpoint(dir: string): string | null {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^model_\d{6,}\.json$/.test(n));
  } catch {
    return null;
  }
  const last = names.sort((a, b) => Number(a.slice(6, -5)) - Number(b.slice(6, -5))).at(-1);
  return last === undefined ? null : join(dir, last);
}

/** Run the trainer with `argv` (flags only). @returns the process exit code */
function run(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  const parsed = parseFlags(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`error: ${parsed.error.flag}: ${parsed.error.message}\n(run with --help for every flag)\n`);
    return 2;
  }
  const cfg = parsed.config;
  const runId = env['PUFFER_AUTOPILOT_RUN_ID'] || null;
  const runDir = env['PUFFER_AUTOPILOT_RUN_DIR'] || null;
  const summaryPath = resolve(env['PUFFER_AUTOPILOT_SUMMARY'] || (runDir ? join(runDir, 'trainer_summary.json') : 'trainer_summary.json'));
  const ckptDir = resolve(runDir ? join(runDir, 'checkpoints') : 'checkpoints');
  if (cfg.eval_only) return evalOnly(cfg, runId, summaryPath);

  let resume: Checkpoint | null = null;
  // A job its scheduler restarted (Slurm's requeue or preemption) continues from its own latest checkpoint.
  const loadFrom = cfg.load_model_path ?? (Number(env['PUFFER_AUTOPILOT_RESTART_COUNT'] ?? 0) > 0 ? latestCheckpoint(ckptDir) : null);
  if (loadFrom !== null) {
    try {
      resume = loadCheckpoint(loadFrom, cfg);
    } catch (e) {
      if (e instanceof CheckpointError) {
        process.stderr.write(`error: ${cfg.load_model_path === null ? 'resume' : '--load-model-path'}: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
    note(`resuming from ${loadFrom} (epoch ${resume.epoch}, ${resume.agent_steps} agent steps)`);
  }

  const t = cfg.train;
  note(
    `training ${t.total_timesteps} steps: ${cfg.env.num_envs} envs x ${t.bptt_horizon} steps/epoch, minibatch ${t.minibatch_size}, ` +
      `${t.update_epochs} update epochs, lr ${t.learning_rate}, seed ${t.seed}`,
  );

  let lastPrint = -Infinity;
  let pending = { n: 0, ret: 0, len: 0, success: 0 };
  let lastMean = 0;
  let lastLen = 0;
  let lastSuccess = 0;
  const onEpoch = (r: EpochReport): void => {
    for (const ep of r.episodes) {
      pending.n += 1;
      pending.ret += ep.return;
      pending.len += ep.length;
      if (ep.truncated) pending.success += 1;
    }
    const now = Date.now();
    const done = r.agent_steps >= r.total_timesteps;
    if (!done && now - lastPrint < PRINT_INTERVAL_MS) return;
    lastPrint = now;
    if (pending.n > 0) {
      lastMean = pending.ret / pending.n;
      lastLen = pending.len / pending.n;
      lastSuccess = pending.success / pending.n;
    }
    emit({
      phase: 'train',
      agent_steps: r.agent_steps,
      total_timesteps: r.total_timesteps,
      epoch: r.epoch,
      sps: Math.round(r.elapsed_ms > 0 ? (r.steps_this_run * 1000) / r.elapsed_ms : 0),
      mean_reward: round(lastMean),
      episode_length: round(lastLen),
      success_rate: round(lastSuccess),
      episodes: pending.n,
      learning_rate: round(r.learning_rate),
      policy_loss: round(r.stats.policy_loss),
      value_loss: round(r.stats.value_loss),
      entropy: round(r.stats.entropy),
      approx_kl: round(r.stats.approx_kl),
      clipfrac: round(r.stats.clipfrac),
      elapsed_s: round(r.elapsed_ms / 1000, 4),
    });
    pending = { n: 0, ret: 0, len: 0, success: 0 };
  };
  const onCheckpoint = (c: Checkpoint): void => {
    writeJsonAtomic(join(ckptDir, checkpointFileName(c.epoch)), c);
  };

  const result = train(cfg, resume, { onEpoch, onCheckpoint });
  note(`trained ${result.agent_steps} steps in ${(result.elapsed_ms / 1000).toFixed(2)} s (${Math.round(result.sps)} sps); checkpoints in ${ckptDir}`);

  const ev = evaluate(result.policy, cfg.eval.episodes, t.seed, cfg.eval.seed);
  const summary = buildSummary({
    timestamp: new Date(),
    runId,
    train: t,
    env: cfg.env,
    eval: cfg.eval,
    loadModelPath: loadFrom,
    evalResult: ev,
    sps: result.sps,
    agentSteps: result.agent_steps,
    epoch: result.epoch,
  });
  writeJsonAtomic(summaryPath, summary);
  const cpu = process.cpuUsage();
  // process CPU time so far (user + system), a load-independent measure of the run's cost
  emit({ phase: 'eval', ...summary.metrics, cpu_s: round((cpu.user + cpu.system) / 1e6, 4) });
  note(`eval (${ev.returns.length} greedy episodes): mean_reward ${ev.mean_reward.toFixed(1)}, success_rate ${ev.success_rate.toFixed(3)}; summary ${summaryPath}`);
  return 0;
}

/** `--eval-only`: evaluate the checkpoint, print the eval line. @returns the exit code */
function evalOnly(cfg: TrainerConfig, runId: string | null, summaryPath: string): number {
  try {
    const summary = evaluateCheckpoint(cfg, runId, summaryPath);
    emit({ phase: 'eval', ...summary.metrics });
    note(
      `eval-only ${cfg.load_checkpoint} (${summary.metrics.eval_episodes} greedy episodes from seed ${cfg.eval.seed ?? 'of the train seed'}): mean_reward ${summary.metrics.mean_reward.toFixed(1)}; summary ${summaryPath}`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw e;
    process.stderr.write(`error: --load-checkpoint: ${e.message}\n`);
    return 2;
  }
}

try {
  process.exitCode = run(process.argv.slice(2), process.env);
} catch (e) {
  process.stderr.write(`error: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
}
