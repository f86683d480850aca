/**
 * `--eval-only --load-checkpoint PATH`: evaluate a saved checkpoint, training nothing, and write
 * the normal summary with its per-episode samples. With `--eval.seed S` episode i starts from seed
 * S + i, so two checkpoints evaluated from the same S pair up episode by episode.
 */
import type { Checkpoint } from './checkpoint.js';
import { CheckpointError, parseCheckpoint } from './checkpoint.js';
import type { TrainerConfig } from './config.js';
import { evaluate } from './evaluate.js';
import { readJson, writeJsonAtomic } from './io.js';
import { buildSummary, type TrainerSummary } from './summary.js';
import { createPolicy } from './train.js';

/** Read and validate a checkpoint for the architecture `cfg` describes. @throws CheckpointError */
export function loadCheckpoint(path: string, cfg: TrainerConfig): Checkpoint {
  let json: unknown;
  try {
    json = readJson(path);
  } catch (e) {
    throw new CheckpointError(`cannot read ${path}: ${(e as Error).message}`);
  }
  const probe = createPolicy(cfg);
  return parseCheckpoint(json, probe.arch, { actor: probe.actorSize, critic: probe.params.length - probe.actorSize });
}

/**
 * Evaluate the checkpoint `cfg.load_checkpoint` and write the summary at `summaryPath`.
 * @returns the summary written
 * @throws CheckpointError when the checkpoint is unreadable or of another architecture
 */
export function evaluateCheckpoint(cfg: TrainerConfig, runId: string | null, summaryPath: string): TrainerSummary {
  const path = cfg.load_checkpoint!;
  const ckpt = loadCheckpoint(path, cfg);
  const policy = createPolicy(cfg);
  policy.params.set(ckpt.weights.actor, 0);
  policy.params.set(ckpt.weights.critic, policy.actorSize);
  const ev = evaluate(policy, cfg.eval.episodes, cfg.train.seed, cfg.eval.seed);
  const summary = {
    ...buildSummary({
      timestamp: new Date(),
      runId,
      train: cfg.train,
      env: cfg.env,
      eval: cfg.eval,
      loadModelPath: null,
      evalResult: ev,
      sps: 0,
      agentSteps: ckpt.agent_steps,
      epoch: ckpt.epoch,
    }),
    checkpoint: path,
  };
  writeJsonAtomic(summaryPath, summary);
  return summary;
}
