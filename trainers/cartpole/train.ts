/**
 * The training loop: epochs of (rollout of `batch_size` steps, PPO update)
 * until `total_timesteps` agent steps are reached, with optional resume from
 * a checkpoint. Pure apart from the injected clock; progress and checkpoints
 * are handed to callbacks.
 *
 * Resume semantics: epoch and agent-step counters continue from the
 * checkpoint (weights and Adam state are restored; the environments start
 * fresh, and random streams are re-derived from the seed and the epoch), and
 * training stops at the same `total_timesteps` as an uninterrupted run.
 */
import { Adam } from './adam.js';
import type { Checkpoint } from './checkpoint.js';
import { buildCheckpoint, restoreCheckpoint } from './checkpoint.js';
import type { TrainerConfig } from './config.js';
import type { Episode } from './env.js';
import { CartPoleVec } from './env.js';
import { ActorCritic, architectureFor } from './policy.js';
import type { UpdateStats } from './ppo.js';
import { collectRollout, computeGae, ppoUpdate, RolloutBuffer } from './ppo.js';
import { Rng, STREAM } from './rng.js';

/** What the loop reports after every epoch. */
export interface EpochReport {
  readonly epoch: number;
  readonly agent_steps: number;
  readonly total_timesteps: number;
  /** Learning rate used in this epoch's update. */
  readonly learning_rate: number;
  /** Episodes that ended during this epoch's rollout. */
  readonly episodes: readonly Episode[];
  readonly stats: UpdateStats;
  /** Milliseconds spent in this call's training so far. */
  readonly elapsed_ms: number;
  /** Agent steps taken in this call (excludes steps restored from a checkpoint). */
  readonly steps_this_run: number;
}

/** Callbacks and clock for {@link train}. */
export interface TrainHooks {
  /** Clock in milliseconds (default `Date.now`); only used for timing figures. */
  readonly now?: () => number;
  readonly onEpoch?: (r: EpochReport) => void;
  /** Called every `checkpoint_interval` epochs and once at the end. */
  readonly onCheckpoint?: (c: Checkpoint) => void;
}

/** Outcome of {@link train}. */
export interface TrainResult {
  readonly policy: ActorCritic;
  readonly epoch: number;
  readonly agent_steps: number;
  /** Agent steps per second over this call's training. */
  readonly sps: number;
  readonly elapsed_ms: number;
  readonly final_checkpoint: Checkpoint;
}

/** Build an initialized (or restored) policy for `cfg`. */
export function createPolicy(cfg: TrainerConfig): ActorCritic {
  const policy = new ActorCritic(architectureFor(cfg.train.hidden_size));
  policy.init(new Rng(cfg.train.seed, STREAM.init));
  return policy;
}

/**
 * Train a PPO agent on CartPole as configured.
 * @param resume a validated checkpoint to continue from, or null to start fresh
 */
export function train(cfg: TrainerConfig, resume: Checkpoint | null, hooks: TrainHooks = {}): TrainResult {
  const t = cfg.train;
  const now = hooks.now ?? Date.now;
  const policy = createPolicy(cfg);
  const adam = new Adam(policy.params.length, { beta1: t.adam_beta1, beta2: t.adam_beta2, eps: t.adam_eps });
  let epoch = 0;
  let agentSteps = 0;
  if (resume) {
    restoreCheckpoint(resume, policy, adam);
    epoch = resume.epoch;
    agentSteps = resume.agent_steps;
  }
  // Streams are re-derived per resume point so a resumed run does not replay the first epochs' randomness.
  const offset = epoch * 8;
  const envRng = new Rng(t.seed, STREAM.env + offset);
  const actionRng = new Rng(t.seed, STREAM.action + offset);
  const shuffleRng = new Rng(t.seed, STREAM.shuffle + offset);
  const numEnvs = cfg.env.num_envs;
  const env = new CartPoleVec(numEnvs, envRng);
  const buf = new RolloutBuffer(t.batch_size / numEnvs, numEnvs);
  const start = now();
  const startSteps = agentSteps;
  let lastCheckpointEpoch = -1;
  let last: Checkpoint | null = null;

  while (agentSteps < t.total_timesteps) {
    const frac = t.anneal_lr ? Math.max(0, 1 - agentSteps / t.total_timesteps) : 1;
    const lr = t.learning_rate * frac;
    const episodes: Episode[] = [];
    collectRollout(policy, env, buf, t.gamma, actionRng, (ep) => episodes.push(ep));
    computeGae(buf, t.gamma, t.gae_lambda);
    const stats = ppoUpdate(policy, adam, buf, t, lr, shuffleRng);
    epoch += 1;
    agentSteps += buf.size;
    hooks.onEpoch?.({
      epoch,
      agent_steps: agentSteps,
      total_timesteps: t.total_timesteps,
      learning_rate: lr,
      episodes,
      stats,
      elapsed_ms: now() - start,
      steps_this_run: agentSteps - startSteps,
    });
    if (epoch % t.checkpoint_interval === 0) {
      last = buildCheckpoint(policy, adam, epoch, agentSteps, t);
      lastCheckpointEpoch = epoch;
      hooks.onCheckpoint?.(last);
    }
  }
  if (lastCheckpointEpoch !== epoch || last === null) {
    last = buildCheckpoint(policy, adam, epoch, agentSteps, t);
    hooks.onCheckpoint?.(last);
  }
  const elapsed = now() - start;
  const steps = agentSteps - startSteps;
  return { policy, epoch, agent_steps: agentSteps, sps: elapsed > 0 ? (steps * 1000) / elapsed : 0, elapsed_ms: elapsed, final_checkpoint: last };
}
