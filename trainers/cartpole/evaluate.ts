/**
 * Deterministic final evaluation: `episodes` CartPole episodes played in
 * parallel by the *greedy* policy (argmax of the logits, ties to the lowest
 * action). The only randomness is the initial states, drawn from the
 * evaluation stream of the train seed, so the same weights and seed always
 * give the same per-episode returns. With a first-episode seed S, episode i
 * starts from the evaluation stream of seed S + i instead: episodes of two
 * checkpoints evaluated from the same S pair up by seed.
 */
import { CartPoleVec, MAX_EPISODE_STEPS, OBS_SIZE } from './env.js';
import { argmaxRow } from './policy.js';
import type { ActorCritic } from './policy.js';
import { Rng, STREAM } from './rng.js';

/** Per-episode results of an evaluation, in episode order. */
export interface EvalResult {
  readonly returns: number[];
  readonly lengths: number[];
  /** Share of episodes that reached the step cap. */
  readonly success_rate: number;
  readonly mean_reward: number;
  readonly mean_length: number;
}

/** Mean of a list (0 for an empty list). */
export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length === 0 ? 0 : s / xs.length;
}

/** Play `episodes` greedy episodes, one per environment copy; episode i starts from seed `firstSeed + i` when one is given. */
export function evaluate(policy: ActorCritic, episodes: number, seed: number, firstSeed: number | null = null): EvalResult {
  const env = new CartPoleVec(episodes, new Rng(seed, STREAM.evalEnv));
  if (firstSeed !== null)
    for (let i = 0; i < episodes; i++) {
      // Only the first episode of each copy counts, so its start is all a per-episode seed must decide.
      const rng = new Rng(firstSeed + i, STREAM.evalEnv);
      for (let k = 0; k < OBS_SIZE; k++) env.obs[i * OBS_SIZE + k] = rng.uniform(-0.05, 0.05);
    }
  const k = policy.arch.num_actions;
  const returns = new Array<number>(episodes).fill(0);
  const lengths = new Array<number>(episodes).fill(0);
  const finished = new Uint8Array(episodes);
  const actions = new Int32Array(episodes);
  let remaining = episodes;
  let successes = 0;
  for (let step = 0; step < MAX_EPISODE_STEPS && remaining > 0; step++) {
    const logits = policy.actor.forward(env.obs, episodes);
    for (let i = 0; i < episodes; i++) actions[i] = argmaxRow(logits, i, k);
    env.step(actions, (i, ep) => {
      if (finished[i]) return;
      finished[i] = 1;
      remaining -= 1;
      returns[i] = ep.return;
      lengths[i] = ep.length;
      if (ep.length >= MAX_EPISODE_STEPS) successes += 1;
    });
  }
  return { returns, lengths, success_rate: successes / episodes, mean_reward: mean(returns), mean_length: mean(lengths) };
}
