import { describe, expect, it } from 'vitest';
import type { Episode } from '../../../trainers/cartpole/env.js';
import { CartPoleVec, MAX_EPISODE_STEPS, PHYSICS, physicsStep } from '../../../trainers/cartpole/env.js';
import { Rng } from '../../../trainers/cartpole/rng.js';

// Reference values computed with Gym's CartPoleEnv.step formulas (Euler, float64).
describe('when the cart-pole physics takes one step', () => {
  it('pushing right from rest accelerates the cart right and the pole left', () => {
    const s = new Float64Array([0, 0, 0, 0]);
    const terminal = physicsStep(s, 0, 1);
    expect(terminal).toBe(false);
    expect(s[0]).toBe(0);
    expect(s[1]).toBeCloseTo(0.1951219512195122, 15);
    expect(s[2]).toBe(0);
    expect(s[3]).toBeCloseTo(-0.2926829268292683, 15);
  });

  it('matches the Gym update from a tilted, moving state when pushing left', () => {
    const s = new Float64Array([0.01, -0.02, 0.03, 0.04]);
    physicsStep(s, 0, 0);
    expect(s[0]).toBeCloseTo(0.009600000000000001, 15);
    expect(s[1]).toBeCloseTo(-0.21553901710278936, 15);
    expect(s[2]).toBeCloseTo(0.030799999999999998, 15);
    expect(s[3]).toBeCloseTo(0.34199522377603914, 15);
  });

  it('matches the Gym trajectory over several steps', () => {
    const s = new Float64Array([0.01, -0.02, 0.03, 0.04]);
    for (const a of [1, 0, 0, 1, 1]) physicsStep(s, 0, a);
    expect(s[0]).toBeCloseTo(0.00791661253107495, 14);
    expect(s[1]).toBeCloseTo(0.17298676004769037, 14);
    expect(s[2]).toBeCloseTo(0.035838631046105324, 14);
    expect(s[3]).toBeCloseTo(-0.20574851582677406, 14);
  });

  it('uses 12 degrees and 2.4 as the termination thresholds', () => {
    expect(PHYSICS.thetaThreshold).toBeCloseTo(0.20943951023931953, 15);
    expect(PHYSICS.xThreshold).toBe(2.4);
    expect(PHYSICS.tau).toBe(0.02);
  });

  it('terminates once the pole angle passes the threshold', () => {
    const s = new Float64Array([0, 0, PHYSICS.thetaThreshold - 0.001, 1]);
    expect(physicsStep(s, 0, 1)).toBe(true);
  });

  it('terminates once the cart leaves the track', () => {
    const s = new Float64Array([2.39, 1, 0, 0]);
    expect(physicsStep(s, 0, 1)).toBe(true);
    const t = new Float64Array([-2.39, -1, 0, 0]);
    expect(physicsStep(t, 0, 0)).toBe(true);
  });

  it('does not terminate inside the bounds', () => {
    const s = new Float64Array([2.3, 0.1, 0.1, 0.1]);
    expect(physicsStep(s, 0, 1)).toBe(false);
  });
});

describe('when vectorized environments are stepped', () => {
  it('starts every env uniformly within +-0.05', () => {
    const env = new CartPoleVec(64, new Rng(3));
    for (const v of env.obs) expect(Math.abs(v)).toBeLessThanOrEqual(0.05);
    expect(new Set(env.obs).size).toBe(env.obs.length);
  });

  it('gives reward 1 per step, terminates a falling pole and resets it', () => {
    const env = new CartPoleVec(1, new Rng(1));
    const episodes: Episode[] = [];
    let steps = 0;
    while (episodes.length === 0) {
      env.step(new Int32Array([1]), (_i, ep) => episodes.push(ep));
      expect(env.rewards[0]).toBe(1);
      steps += 1;
    }
    expect(env.terminated[0]).toBe(1);
    expect(env.truncated[0]).toBe(0);
    expect(episodes[0]).toEqual({ return: steps, length: steps, truncated: false });
    expect(steps).toBeLessThan(30);
    // the final observation is out of bounds; the current one is a fresh start
    const fo = env.finalObs;
    expect(Math.abs(fo[0]!) > PHYSICS.xThreshold || Math.abs(fo[2]!) > PHYSICS.thetaThreshold).toBe(true);
    for (const v of env.obs) expect(Math.abs(v)).toBeLessThanOrEqual(0.05);
  });

  it('truncates a balanced pole at exactly 500 steps', () => {
    const env = new CartPoleVec(2, new Rng(7));
    const episodes: Episode[] = [];
    const actions = new Int32Array(2);
    for (let t = 0; t < MAX_EPISODE_STEPS; t++) {
      // a PD controller on angle and cart position keeps the pole up
      for (let i = 0; i < 2; i++) {
        const o = env.obs;
        const u = o[i * 4 + 2]! * 10 + o[i * 4 + 3]! * 2 + o[i * 4]! * 0.1 + o[i * 4 + 1]! * 0.5;
        actions[i] = u > 0 ? 1 : 0;
      }
      env.step(actions, (_i, ep) => episodes.push(ep));
      if (t < MAX_EPISODE_STEPS - 1) expect(episodes).toEqual([]);
    }
    expect(episodes).toEqual([
      { return: 500, length: 500, truncated: true },
      { return: 500, length: 500, truncated: true },
    ]);
    expect(Array.from(env.truncated)).toEqual([1, 1]);
    expect(Array.from(env.terminated)).toEqual([0, 0]);
  });

  it('honours a custom step cap', () => {
    const env = new CartPoleVec(1, new Rng(7), 3);
    const episodes: Episode[] = [];
    for (let t = 0; t < 3; t++) env.step(new Int32Array([t % 2]), (_i, ep) => episodes.push(ep));
    expect(episodes).toEqual([{ return: 3, length: 3, truncated: true }]);
  });
});
