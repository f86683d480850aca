/**
 * Checkpoint format (pure: building, naming and validating; file access is in io.ts).
 *
 * A checkpoint is JSON: `{format, architecture, epoch, agent_steps,
 * weights: {actor, critic}, optimizer: {step, m, v}, train}`. Numbers are
 * written with JavaScript's shortest round-trip form, so weights reload
 * bit for bit.
 */
import type { Adam, AdamState } from './adam.js';
import type { TrainSection } from './config.js';
import type { ActorCritic, Architecture } from './policy.js';
import { architectureMismatch } from './policy.js';

/** Format tag written into every checkpoint. */
export const CHECKPOINT_FORMAT = 'autopilot-cartpole-ppo/1';

/** Parsed checkpoint. */
export interface Checkpoint {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly architecture: Architecture;
  /** Epochs (rollout + update) completed. */
  readonly epoch: number;
  /** Environment steps taken in training so far. */
  readonly agent_steps: number;
  readonly weights: { readonly actor: number[]; readonly critic: number[] };
  readonly optimizer: AdamState;
  /** Train section of the run that wrote it (informational). */
  readonly train: TrainSection;
}

/** `model_000042.json` for epoch 42. */
export function checkpointFileName(epoch: number): string {
  return `model_${String(epoch).padStart(6, '0')}.json`;
}

/** Raised for unreadable or incompatible checkpoints. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

function isNumArray(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/**
 * Validate parsed JSON as a checkpoint for the `expected` architecture.
 * @throws CheckpointError naming what is wrong (format, architecture mismatch, sizes)
 */
export function parseCheckpoint(json: unknown, expected: Architecture, sizes: { actor: number; critic: number }): Checkpoint {
  if (json === null || typeof json !== 'object') throw new CheckpointError('not a JSON object');
  const c = json as Record<string, unknown>;
  if (c['format'] !== CHECKPOINT_FORMAT) throw new CheckpointError(`format is ${JSON.stringify(c['format'])}, expected ${JSON.stringify(CHECKPOINT_FORMAT)}`);
  const arch = c['architecture'] as Architecture | undefined;
  if (!arch || typeof arch !== 'object' || !Array.isArray(arch.hidden_sizes)) throw new CheckpointError('missing architecture');
  const mismatch = architectureMismatch(expected, arch);
  if (mismatch) throw new CheckpointError(`architecture mismatch: ${mismatch} (set --train.hidden-size to match the checkpoint)`);
  const epoch = c['epoch'];
  const steps = c['agent_steps'];
  if (!Number.isSafeInteger(epoch) || (epoch as number) < 0) throw new CheckpointError('epoch must be a non-negative integer');
  if (!Number.isSafeInteger(steps) || (steps as number) < 0) throw new CheckpointError('agent_steps must be a non-negative integer');
  const w = c['weights'] as Record<string, unknown> | undefined;
  if (!w || !isNumArray(w['actor']) || !isNumArray(w['critic'])) throw new CheckpointError('weights.actor and weights.critic must be arrays of finite numbers');
  if (w['actor'].length !== sizes.actor || w['critic'].length !== sizes.critic) {
    throw new CheckpointError(`weights have ${w['actor'].length}/${w['critic'].length} values, architecture needs ${sizes.actor}/${sizes.critic}`);
  }
  const o = c['optimizer'] as Record<string, unknown> | undefined;
  const total = sizes.actor + sizes.critic;
  if (!o || !Number.isSafeInteger(o['step']) || !isNumArray(o['m']) || !isNumArray(o['v']) || o['m'].length !== total || o['v'].length !== total) {
    throw new CheckpointError(`optimizer must be {step, m, v} with ${total} moments each`);
  }
  return c as unknown as Checkpoint;
}

/** Snapshot the policy and optimizer as a checkpoint. */
export function buildCheckpoint(policy: ActorCritic, adam: Adam, epoch: number, agentSteps: number, train: TrainSection): Checkpoint {
  return {
    format: CHECKPOINT_FORMAT,
    architecture: policy.arch,
    epoch,
    agent_steps: agentSteps,
    weights: {
      actor: Array.from(policy.params.subarray(0, policy.actorSize)),
      critic: Array.from(policy.params.subarray(policy.actorSize)),
    },
    optimizer: adam.getState(),
    train: { ...train },
  };
}

/** Load a checkpoint's weights and optimizer state into `policy` and `adam`. */
export function restoreCheckpoint(ckpt: Checkpoint, policy: ActorCritic, adam: Adam): void {
  policy.params.set(ckpt.weights.actor, 0);
  policy.params.set(ckpt.weights.critic, policy.actorSize);
  adam.setState(ckpt.optimizer);
}
