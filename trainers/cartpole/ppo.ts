/**
 * Proximal Policy Optimization (clipped surrogate) for the discrete
 * actor-critic: rollout collection, generalized advantage estimation, and the
 * minibatch update (advantage normalization, value loss with optional
 * clipping, entropy bonus, global gradient-norm clipping, Adam).
 *
 * Time-limit truncations are bootstrapped: when an episode is cut at the step
 * cap, `gamma * V(final observation)` is added to its last reward, so the
 * value of a state does not depend on the step counter the agent cannot see.
 */
import type { Adam } from './adam.js';
import { clipGradNorm } from './adam.js';
import type { CartPoleVec, Episode } from './env.js';
import { OBS_SIZE } from './env.js';
import { logSoftmaxRows } from './policy.js';
import type { ActorCritic } from './policy.js';
import type { Rng } from './rng.js';

/** PPO hyperparameters (names as in the config's `train` section). */
export interface PpoHyper {
  readonly gamma: number;
  readonly gae_lambda: number;
  readonly clip_coef: number;
  readonly vf_coef: number;
  readonly vf_clip_coef: number;
  readonly clip_vloss: boolean;
  readonly ent_coef: number;
  readonly max_grad_norm: number;
  readonly update_epochs: number;
  readonly minibatch_size: number;
  readonly norm_adv: boolean;
}

/** Storage for one rollout of `horizon` steps over `numEnvs` envs (index `t * numEnvs + env`). */
export class RolloutBuffer {
  readonly horizon: number;
  readonly numEnvs: number;
  readonly size: number;
  readonly obs: Float64Array;
  readonly actions: Int32Array;
  readonly logprobs: Float64Array;
  readonly values: Float64Array;
  readonly rewards: Float64Array;
  /** 1 where the episode ended after this step (terminated or truncated). */
  readonly dones: Uint8Array;
  readonly advantages: Float64Array;
  readonly returns: Float64Array;
  /** Critic values of the observations after the last step (bootstrap). */
  readonly lastValues: Float64Array;

  constructor(horizon: number, numEnvs: number) {
    this.horizon = horizon;
    this.numEnvs = numEnvs;
    this.size = horizon * numEnvs;
    this.obs = new Float64Array(this.size * OBS_SIZE);
    this.actions = new Int32Array(this.size);
    this.logprobs = new Float64Array(this.size);
    this.values = new Float64Array(this.size);
    this.rewards = new Float64Array(this.size);
    this.dones = new Uint8Array(this.size);
    this.advantages = new Float64Array(this.size);
    this.returns = new Float64Array(this.size);
    this.lastValues = new Float64Array(numEnvs);
  }
}

/**
 * Sample an action from each row of log-probabilities.
 * @returns the sampled action; its log-probability is `logp[row * k + action]`
 */
function sampleRow(logp: Float64Array, row: number, k: number, rng: Rng): number {
  const u = rng.next();
  let acc = 0;
  const o = row * k;
  for (let j = 0; j < k - 1; j++) {
    acc += Math.exp(logp[o + j]!);
    if (u < acc) return j;
  }
  return k - 1;
}

/**
 * Fill `buf` by stepping `env` `buf.horizon` times with actions sampled from the policy.
 * @param onEpisode receives every episode that ends during the rollout
 */
export function collectRollout(policy: ActorCritic, env: CartPoleVec, buf: RolloutBuffer, gamma: number, rng: Rng, onEpisode: (ep: Episode) => void): void {
  const n = env.numEnvs;
  const k = policy.arch.num_actions;
  const logp = new Float64Array(n * k);
  const actions = new Int32Array(n);
  const truncObs = new Float64Array(n * OBS_SIZE);
  const truncIdx = new Int32Array(n);
  const record = (_env: number, ep: Episode): void => onEpisode(ep);
  for (let t = 0; t < buf.horizon; t++) {
    const base = t * n;
    buf.obs.set(env.obs, base * OBS_SIZE);
    const logits = policy.actor.forward(env.obs, n);
    logSoftmaxRows(logits, n, k, logp);
    const values = policy.critic.forward(env.obs, n);
    for (let i = 0; i < n; i++) {
      const a = sampleRow(logp, i, k, rng);
      actions[i] = a;
      buf.actions[base + i] = a;
      buf.logprobs[base + i] = logp[i * k + a]!;
      buf.values[base + i] = values[i]!;
    }
    env.step(actions, record);
    let nTrunc = 0;
    for (let i = 0; i < n; i++) {
      buf.rewards[base + i] = env.rewards[i]!;
      const term = env.terminated[i] === 1;
      const trunc = env.truncated[i] === 1;
      buf.dones[base + i] = term || trunc ? 1 : 0;
      if (trunc && !term) {
        truncObs.set(env.finalObs.subarray(i * OBS_SIZE, (i + 1) * OBS_SIZE), nTrunc * OBS_SIZE);
        truncIdx[nTrunc++] = i;
      }
    }
    if (nTrunc > 0) {
      const v = policy.critic.forward(truncObs, nTrunc);
      for (let j = 0; j < nTrunc; j++) {
        const idx = base + truncIdx[j]!;
        buf.rewards[idx] = buf.rewards[idx]! + gamma * v[j]!;
      }
    }
  }
  buf.lastValues.set(policy.critic.forward(env.obs, n));
}

/**
 * Generalized advantage estimation over the buffer (in place:
 * `advantages`, and `returns = advantages + values`).
 */
export function computeGae(buf: RolloutBuffer, gamma: number, lambda: number): void {
  const n = buf.numEnvs;
  for (let i = 0; i < n; i++) {
    let last = 0;
    for (let t = buf.horizon - 1; t >= 0; t--) {
      const idx = t * n + i;
      const nonTerminal = buf.dones[idx] === 1 ? 0 : 1;
      const nextValue = t === buf.horizon - 1 ? buf.lastValues[i]! : buf.values[idx + n]!;
      const delta = buf.rewards[idx]! + gamma * nextValue * nonTerminal - buf.values[idx]!;
      last = delta + gamma * lambda * nonTerminal * last;
      buf.advantages[idx] = last;
      buf.returns[idx] = last + buf.values[idx]!;
    }
  }
}

/** Averages over the minibatches of one update. */
export interface UpdateStats {
  readonly policy_loss: number;
  readonly value_loss: number;
  readonly entropy: number;
  readonly approx_kl: number;
  readonly clipfrac: number;
  readonly grad_norm: number;
}

/** Loss terms of one minibatch. */
export interface MinibatchLoss {
  /** `policy_loss - ent_coef * entropy + vf_coef * value_loss`, the quantity whose gradient is computed. */
  readonly loss: number;
  readonly policy_loss: number;
  readonly value_loss: number;
  readonly entropy: number;
  readonly approx_kl: number;
  readonly clipfrac: number;
}

/** Scratch space reused across minibatches. */
export class MinibatchScratch {
  readonly size: number;
  readonly obs: Float64Array;
  readonly logp: Float64Array;
  readonly dLogits: Float64Array;
  readonly dValues: Float64Array;
  readonly adv: Float64Array;
  /** @param m minibatch size, @param k number of actions */
  constructor(m: number, k: number) {
    this.size = m;
    this.obs = new Float64Array(m * OBS_SIZE);
    this.logp = new Float64Array(m * k);
    this.dLogits = new Float64Array(m * k);
    this.dValues = new Float64Array(m);
    this.adv = new Float64Array(m);
  }
}

/**
 * PPO loss of the minibatch `rows` (indices into `buf`) and its gradient:
 * zeroes `policy.grads`, then fills them with d(loss)/d(params).
 */
export function minibatchLossAndGrad(policy: ActorCritic, buf: RolloutBuffer, rows: Int32Array, h: PpoHyper, s: MinibatchScratch): MinibatchLoss {
  const k = policy.arch.num_actions;
  const m = rows.length;
  // gather observations and advantages
  let advMean = 0;
  for (let r = 0; r < m; r++) {
    const idx = rows[r]!;
    for (let q = 0; q < OBS_SIZE; q++) s.obs[r * OBS_SIZE + q] = buf.obs[idx * OBS_SIZE + q]!;
    s.adv[r] = buf.advantages[idx]!;
    advMean += s.adv[r]!;
  }
  advMean /= m;
  if (h.norm_adv) {
    let v = 0;
    for (let r = 0; r < m; r++) v += (s.adv[r]! - advMean) ** 2;
    const std = m > 1 ? Math.sqrt(v / (m - 1)) : 0; // unbiased, like torch.std
    for (let r = 0; r < m; r++) s.adv[r] = (s.adv[r]! - advMean) / (std + 1e-8);
  }
  policy.zeroGrad();

  // policy: clipped surrogate + entropy bonus
  const logits = policy.actor.forward(s.obs, m);
  logSoftmaxRows(logits, m, k, s.logp);
  const lo = 1 - h.clip_coef;
  const hi = 1 + h.clip_coef;
  let pg = 0;
  let ent = 0;
  let kl = 0;
  let clipped = 0;
  for (let r = 0; r < m; r++) {
    const idx = rows[r]!;
    const a = buf.actions[idx]!;
    const o = r * k;
    const logRatio = s.logp[o + a]! - buf.logprobs[idx]!;
    const ratio = Math.exp(logRatio);
    const adv = s.adv[r]!;
    const clippedRatio = ratio < lo ? lo : ratio > hi ? hi : ratio;
    const l1 = -adv * ratio;
    const l2 = -adv * clippedRatio;
    pg += l1 > l2 ? l1 : l2;
    kl += ratio - 1 - logRatio;
    if (Math.abs(ratio - 1) > h.clip_coef) clipped += 1;
    // d(loss)/d(new logp): flows only through the unclipped term when it is the larger one
    const dLogp = l1 >= l2 ? (-adv * ratio) / m : 0;
    let hRow = 0;
    for (let j = 0; j < k; j++) {
      const lp = s.logp[o + j]!;
      hRow -= Math.exp(lp) * lp;
    }
    ent += hRow;
    for (let j = 0; j < k; j++) {
      const lp = s.logp[o + j]!;
      const p = Math.exp(lp);
      // d logp_a / d logit_j = [j == a] - p_j ;  d H / d logit_j = -p_j (log p_j + H)
      const dPg = dLogp * ((j === a ? 1 : 0) - p);
      const dEnt = (-h.ent_coef / m) * (-p * (lp + hRow));
      s.dLogits[o + j] = dPg + dEnt;
    }
  }
  policy.actor.backward(s.dLogits);

  // value loss 0.5 * (V - R)^2, optionally clipped around the rollout values
  const values = policy.critic.forward(s.obs, m);
  let vl = 0;
  const c = h.vf_clip_coef;
  for (let r = 0; r < m; r++) {
    const idx = rows[r]!;
    const v = values[r]!;
    const ret = buf.returns[idx]!;
    const diff = v - ret;
    if (h.clip_vloss) {
      const old = buf.values[idx]!;
      const dv = v - old;
      const diffC = old + (dv < -c ? -c : dv > c ? c : dv) - ret;
      const u = diff * diff;
      const cl = diffC * diffC;
      if (u >= cl) {
        vl += 0.5 * u;
        s.dValues[r] = (h.vf_coef * diff) / m;
      } else {
        vl += 0.5 * cl;
        s.dValues[r] = dv > -c && dv < c ? (h.vf_coef * diffC) / m : 0;
      }
    } else {
      vl += 0.5 * diff * diff;
      s.dValues[r] = (h.vf_coef * diff) / m;
    }
  }
  policy.critic.backward(s.dValues);

  const policyLoss = pg / m;
  const valueLoss = vl / m;
  const entropy = ent / m;
  return {
    loss: policyLoss - h.ent_coef * entropy + h.vf_coef * valueLoss,
    policy_loss: policyLoss,
    value_loss: valueLoss,
    entropy,
    approx_kl: kl / m,
    clipfrac: clipped / m,
  };
}

/**
 * Run `update_epochs` passes of shuffled minibatch PPO updates over the buffer
 * (a trailing partial minibatch, if any, is dropped).
 * @param lr learning rate for this update (after any annealing)
 */
export function ppoUpdate(policy: ActorCritic, adam: Adam, buf: RolloutBuffer, h: PpoHyper, lr: number, rng: Rng): UpdateStats {
  const m = h.minibatch_size;
  const numMb = Math.floor(buf.size / m);
  const scratch = new MinibatchScratch(m, policy.arch.num_actions);
  const order = new Int32Array(buf.size);
  for (let i = 0; i < buf.size; i++) order[i] = i;
  let sumPg = 0;
  let sumV = 0;
  let sumEnt = 0;
  let sumKl = 0;
  let sumClip = 0;
  let sumNorm = 0;
  let count = 0;
  for (let epoch = 0; epoch < h.update_epochs; epoch++) {
    rng.shuffle(order);
    for (let mb = 0; mb < numMb; mb++) {
      const l = minibatchLossAndGrad(policy, buf, order.subarray(mb * m, (mb + 1) * m), h, scratch);
      sumNorm += clipGradNorm(policy.grads, h.max_grad_norm);
      adam.update(policy.params, policy.grads, lr);
      sumPg += l.policy_loss;
      sumV += l.value_loss;
      sumEnt += l.entropy;
      sumKl += l.approx_kl;
      sumClip += l.clipfrac;
      count += 1;
    }
  }
  const n = Math.max(count, 1);
  return { policy_loss: sumPg / n, value_loss: sumV / n, entropy: sumEnt / n, approx_kl: sumKl / n, clipfrac: sumClip / n, grad_norm: sumNorm / n };
}
