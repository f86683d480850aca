/**
 * trainer_summary.json (pure: builds the object; io.ts writes it atomically).
 *
 * Shape (the trainer contract): `{timestamp, run_id, train, env, vec,
 * metrics: {success_rate, mean_reward, episode_length, sps, agent_steps,
 * epoch}, samples: {mean_reward: number[], episode_length: number[]}}`.
 * Metrics other than sps/agent_steps/epoch come from the final evaluation;
 * `samples` holds its per-episode values.
 */
import type { EnvSection, EvalSection, TrainSection } from './config.js';
import type { EvalResult } from './evaluate.js';

/** The written summary. */
export interface TrainerSummary {
  readonly timestamp: string;
  readonly run_id: string | null;
  readonly train: TrainSection;
  readonly env: EnvSection;
  readonly eval: EvalSection;
  readonly vec: Record<string, never>;
  readonly load_model_path: string | null;
  readonly metrics: {
    readonly success_rate: number;
    readonly mean_reward: number;
    readonly episode_length: number;
    readonly sps: number;
    readonly agent_steps: number;
    readonly epoch: number;
    readonly eval_episodes: number;
  };
  readonly samples: { readonly mean_reward: number[]; readonly episode_length: number[] };
}

/** Inputs of {@link buildSummary}. */
export interface SummaryInput {
  readonly timestamp: Date;
  readonly runId: string | null;
  readonly train: TrainSection;
  readonly env: EnvSection;
  readonly eval: EvalSection;
  readonly loadModelPath: string | null;
  readonly evalResult: EvalResult;
  readonly sps: number;
  readonly agentSteps: number;
  readonly epoch: number;
}

/** Assemble the summary object. */
export function buildSummary(i: SummaryInput): TrainerSummary {
  return {
    timestamp: i.timestamp.toISOString(),
    run_id: i.runId,
    train: { ...i.train },
    env: { ...i.env },
    eval: { ...i.eval },
    vec: {},
    load_model_path: i.loadModelPath,
    metrics: {
      success_rate: i.evalResult.success_rate,
      mean_reward: i.evalResult.mean_reward,
      episode_length: i.evalResult.mean_length,
      sps: Math.round(i.sps),
      agent_steps: i.agentSteps,
      epoch: i.epoch,
      eval_episodes: i.evalResult.returns.length,
    },
    samples: { mean_reward: [...i.evalResult.returns], episode_length: [...i.evalResult.lengths] },
  };
}
