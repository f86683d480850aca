/**
 * CartPole-v1 with the physics of Gym/Gymnasium (`CartPoleEnv`, Euler
 * integrator), vectorized over `numEnvs` independent copies with automatic
 * reset.
 *
 * Each step gives reward 1 (including the terminating step). An episode is
 * *terminated* when |x| > 2.4 or |theta| > 12 degrees and *truncated* when it
 * reaches {@link MAX_EPISODE_STEPS} steps without terminating (Gym's TimeLimit).
 */
import type { Rng } from './rng.js';

/** Observation size: x, x_dot, theta, theta_dot. */
export const OBS_SIZE = 4;
/** Discrete actions: 0 pushes left, 1 pushes right. */
export const NUM_ACTIONS = 2;
/** Episode length cap of CartPole-v1 (reaching it is a truncation, not a termination). */
export const MAX_EPISODE_STEPS = 500;

/** Physical constants, exactly those of Gym's CartPole. */
export const PHYSICS = {
  gravity: 9.8,
  massCart: 1.0,
  massPole: 0.1,
  totalMass: 1.1,
  length: 0.5, // half the pole's length
  poleMassLength: 0.05,
  forceMag: 10.0,
  tau: 0.02,
  thetaThreshold: (12 * 2 * Math.PI) / 360,
  xThreshold: 2.4,
} as const;

/**
 * Advance one CartPole state `[x, x_dot, theta, theta_dot]` (stored at
 * `state[off..off+3]`) by one step in place, as Gym does.
 * @returns true if the new state is terminal (out of bounds)
 */
export function physicsStep(state: Float64Array, off: number, action: number): boolean {
  const p = PHYSICS;
  const x = state[off]!;
  const xDot = state[off + 1]!;
  const theta = state[off + 2]!;
  const thetaDot = state[off + 3]!;
  const force = action === 1 ? p.forceMag : -p.forceMag;
  const cosT = Math.cos(theta);
  const sinT = Math.sin(theta);
  const temp = (force + p.poleMassLength * thetaDot * thetaDot * sinT) / p.totalMass;
  const thetaAcc = (p.gravity * sinT - cosT * temp) / (p.length * (4.0 / 3.0 - (p.massPole * cosT * cosT) / p.totalMass));
  const xAcc = temp - (p.poleMassLength * thetaAcc * cosT) / p.totalMass;
  const nx = x + p.tau * xDot;
  const nxDot = xDot + p.tau * xAcc;
  const nTheta = theta + p.tau * thetaDot;
  const nThetaDot = thetaDot + p.tau * thetaAcc;
  state[off] = nx;
  state[off + 1] = nxDot;
  state[off + 2] = nTheta;
  state[off + 3] = nThetaDot;
  return nx < -p.xThreshold || nx > p.xThreshold || nTheta < -p.thetaThreshold || nTheta > p.thetaThreshold;
}

/** One finished episode. */
export interface Episode {
  /** Sum of rewards (equals the length for CartPole). */
  readonly return: number;
  readonly length: number;
  /** True if it reached the step cap (Gym's `truncated`). */
  readonly truncated: boolean;
}

/** `numEnvs` CartPole copies stepped together, with automatic reset. */
export class CartPoleVec {
  readonly numEnvs: number;
  /** Current observations, `numEnvs x 4`, row-major (after any automatic reset). */
  readonly obs: Float64Array;
  /** Reward of the last step per env. */
  readonly rewards: Float64Array;
  /** 1 where the last step terminated the episode. */
  readonly terminated: Uint8Array;
  /** 1 where the last step reached the step cap (may coincide with termination, as in Gym). */
  readonly truncated: Uint8Array;
  /** Observation reached by the last step before the automatic reset (valid where an episode ended). */
  readonly finalObs: Float64Array;
  private readonly steps: Int32Array;
  private readonly returns: Float64Array;
  private readonly rng: Rng;
  private readonly maxSteps: number;

  /**
   * @param numEnvs number of parallel environments
   * @param rng generator used for the initial states (uniform in [-0.05, 0.05] per component)
   * @param maxSteps step cap per episode (CartPole-v1: 500)
   */
  constructor(numEnvs: number, rng: Rng, maxSteps = MAX_EPISODE_STEPS) {
    this.numEnvs = numEnvs;
    this.rng = rng;
    this.maxSteps = maxSteps;
    this.obs = new Float64Array(numEnvs * OBS_SIZE);
    this.finalObs = new Float64Array(numEnvs * OBS_SIZE);
    this.rewards = new Float64Array(numEnvs);
    this.terminated = new Uint8Array(numEnvs);
    this.truncated = new Uint8Array(numEnvs);
    this.steps = new Int32Array(numEnvs);
    this.returns = new Float64Array(numEnvs);
    for (let i = 0; i < numEnvs; i++) this.resetEnv(i);
  }

  private resetEnv(i: number): void {
    const o = i * OBS_SIZE;
    for (let k = 0; k < OBS_SIZE; k++) this.obs[o + k] = this.rng.uniform(-0.05, 0.05);
    this.steps[i] = 0;
    this.returns[i] = 0;
  }

  /**
   * Step every env with its action (0 or 1). Envs whose episode ended are
   * reset; their last observation is kept in {@link finalObs}.
   * @param actions one action per env
   * @param onEpisode called once per finished episode, in env order
   */
  step(actions: Int32Array, onEpisode?: (env: number, ep: Episode) => void): void {
    for (let i = 0; i < this.numEnvs; i++) {
      const o = i * OBS_SIZE;
      const term = physicsStep(this.obs, o, actions[i]!);
      const n = this.steps[i]! + 1;
      const ret = this.returns[i]! + 1;
      this.steps[i] = n;
      this.returns[i] = ret;
      this.rewards[i] = 1;
      this.terminated[i] = term ? 1 : 0;
      const trunc = n >= this.maxSteps; // Gym's TimeLimit flags truncation even on a terminal last step
      this.truncated[i] = trunc ? 1 : 0;
      if (term || trunc) {
        for (let k = 0; k < OBS_SIZE; k++) this.finalObs[o + k] = this.obs[o + k]!;
        onEpisode?.(i, { return: ret, length: n, truncated: trunc });
        this.resetEnv(i);
      }
    }
  }
}
