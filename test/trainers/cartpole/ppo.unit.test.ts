import { describe, expect, it } from 'vitest';
import { CartPoleVec, OBS_SIZE } from '../../../trainers/cartpole/env.js';
import { ActorCritic, architectureFor, logSoftmaxRows } from '../../../trainers/cartpole/policy.js';
import type { PpoHyper } from '../../../trainers/cartpole/ppo.js';
import { collectRollout, computeGae, MinibatchScratch, minibatchLossAndGrad, RolloutBuffer } from '../../../trainers/cartpole/ppo.js';
import { Rng } from '../../../trainers/cartpole/rng.js';

const HYPER: PpoHyper = {
  gamma: 0.99,
  gae_lambda: 0.95,
  clip_coef: 0.2,
  vf_coef: 0.5,
  vf_clip_coef: 0.3,
  clip_vloss: false,
  ent_coef: 0.01,
  max_grad_norm: 0.5,
  update_epochs: 1,
  minibatch_size: 6,
  norm_adv: true,
};

describe('when advantages are estimated with GAE', () => {
  it('matches a hand computation, cutting at episode ends, per env', () => {
    const buf = new RolloutBuffer(3, 2);
    // env 0: rewards 1, values 0.5 0.6 0.7, episode ends after t=1, bootstrap 0.8
    // env 1: no episode end, all values 0, bootstrap 1
    buf.rewards.set([1, 2, 1, 2, 1, 2]);
    buf.values.set([0.5, 0, 0.6, 0, 0.7, 0]);
    buf.dones.set([0, 0, 1, 0, 0, 0]);
    buf.lastValues.set([0.8, 1]);
    computeGae(buf, 0.9, 0.8);
    const adv0 = [1.04 + 0.9 * 0.8 * 0.4, 0.4, 1.02];
    const d1 = 2 + 0.9; // last step delta for env 1
    const a1t2 = d1;
    const a1t1 = 2 + 0.72 * a1t2;
    const a1t0 = 2 + 0.72 * a1t1;
    const expected = [adv0[0]!, a1t0, adv0[1]!, a1t1, adv0[2]!, a1t2];
    expected.forEach((v, i) => expect(buf.advantages[i]).toBeCloseTo(v, 12));
    expect(buf.returns[0]).toBeCloseTo(adv0[0]! + 0.5, 12);
    expect(buf.returns[4]).toBeCloseTo(1.02 + 0.7, 12);
  });
});

describe('when a rollout is collected', () => {
  it('stores the sampled actions with their log-probabilities and bootstraps truncated episodes', () => {
    const policy = new ActorCritic(architectureFor(8));
    policy.init(new Rng(1));
    const env = new CartPoleVec(2, new Rng(2), 3); // step cap 3: both episodes are truncated at t = 2
    const buf = new RolloutBuffer(3, 2);
    const eps: number[] = [];
    collectRollout(policy, env, buf, 0.9, new Rng(3), (ep) => eps.push(ep.length));
    expect(eps).toEqual([3, 3]);
    expect(Array.from(buf.dones)).toEqual([0, 0, 0, 0, 1, 1]);
    expect(Array.from(buf.rewards.subarray(0, 4))).toEqual([1, 1, 1, 1]);
    const vFinal = Array.from(policy.critic.forward(env.finalObs, 2));
    expect(buf.rewards[4]).toBeCloseTo(1 + 0.9 * vFinal[0]!, 12);
    expect(buf.rewards[5]).toBeCloseTo(1 + 0.9 * vFinal[1]!, 12);
    // stored log-probabilities are those of the stored actions under the policy
    const logits = policy.actor.forward(buf.obs, 6);
    const logp = new Float64Array(12);
    logSoftmaxRows(logits, 6, 2, logp);
    for (let r = 0; r < 6; r++) expect(buf.logprobs[r]).toBeCloseTo(logp[r * 2 + buf.actions[r]!]!, 12);
    // the bootstrap values are those of the current observations
    expect(Array.from(buf.lastValues)).toEqual(Array.from(policy.critic.forward(env.obs, 2)));
  });
});

function randomBuffer(policy: ActorCritic, rng: Rng): RolloutBuffer {
  const buf = new RolloutBuffer(3, 2);
  for (let i = 0; i < buf.size * OBS_SIZE; i++) buf.obs[i] = rng.normal() * 0.5;
  const logits = policy.actor.forward(buf.obs, buf.size);
  const logp = new Float64Array(buf.size * 2);
  logSoftmaxRows(logits, buf.size, 2, logp);
  for (let r = 0; r < buf.size; r++) {
    const a = rng.int(2);
    buf.actions[r] = a;
    // old log-probs near the current ones: some ratios inside the clip range, some outside
    buf.logprobs[r] = logp[r * 2 + a]! + rng.normal() * 0.3;
    buf.advantages[r] = rng.normal();
    buf.values[r] = rng.normal();
    buf.returns[r] = buf.values[r]! + rng.normal();
  }
  return buf;
}

describe('when the PPO loss is differentiated', () => {
  for (const clipVloss of [false, true]) {
    it(`matches central differences (clip_vloss ${clipVloss})`, () => {
      const policy = new ActorCritic(architectureFor(5));
      policy.init(new Rng(4));
      // larger head weights so the policy is not uniform
      for (let i = 0; i < policy.params.length; i++) policy.params[i] = policy.params[i]! + new Rng(9 + i).normal() * 0.3;
      const buf = randomBuffer(policy, new Rng(5));
      const h = { ...HYPER, clip_vloss: clipVloss };
      const rows = Int32Array.from([0, 1, 2, 3, 4, 5]);
      const scratch = new MinibatchScratch(6, 2);
      const base = minibatchLossAndGrad(policy, buf, rows, h, scratch);
      expect(base.loss).toBeCloseTo(base.policy_loss - h.ent_coef * base.entropy + h.vf_coef * base.value_loss, 12);
      // both branches of the clipped surrogate are exercised
      expect(base.clipfrac).toBeGreaterThan(0);
      expect(base.clipfrac).toBeLessThan(1);
      const analytic = Float64Array.from(policy.grads);
      const epsilon = 1e-6;
      for (let i = 0; i < policy.params.length; i++) {
        const orig = policy.params[i]!;
        policy.params[i] = orig + epsilon;
        const up = minibatchLossAndGrad(policy, buf, rows, h, scratch).loss;
        policy.params[i] = orig - epsilon;
        const down = minibatchLossAndGrad(policy, buf, rows, h, scratch).loss;
        policy.params[i] = orig;
        const numeric = (up - down) / (2 * epsilon);
        expect(Math.abs(numeric - analytic[i]!)).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
      }
    });
  }

  it('reports zero KL and no clipping when the policy has not moved', () => {
    const policy = new ActorCritic(architectureFor(4));
    policy.init(new Rng(1));
    const buf = randomBuffer(policy, new Rng(2));
    const logits = policy.actor.forward(buf.obs, buf.size);
    const logp = new Float64Array(buf.size * 2);
    logSoftmaxRows(logits, buf.size, 2, logp);
    for (let r = 0; r < buf.size; r++) buf.logprobs[r] = logp[r * 2 + buf.actions[r]!]!;
    const l = minibatchLossAndGrad(policy, buf, Int32Array.from([0, 1, 2, 3, 4, 5]), HYPER, new MinibatchScratch(6, 2));
    expect(l.approx_kl).toBeCloseTo(0, 12);
    expect(l.clipfrac).toBe(0);
    expect(l.entropy).toBeGreaterThan(0.69); // near-uniform initial policy: entropy close to ln 2
  });
});
