import { describe, expect, it } from 'vitest';
import { HELD_OUT_BASE, heldOutSeeds, inRange } from '../../../domain/evaluation/held-out-seeds.js';

describe('when held-out seeds are chosen for an evaluation', () => {
  it('starts at the base when no training seed is near it, and records the training seeds it avoided', () => {
    expect(heldOutSeeds([1, 2, 3], 100)).toEqual({ first: HELD_OUT_BASE, count: 100, training: { count: 3, max: 3 } });
    expect(heldOutSeeds([], 5)).toEqual({ first: HELD_OUT_BASE, count: 5, training: { count: 0, max: null } });
  });

  it('moves past every training seed that would fall inside the range', () => {
    const training = [HELD_OUT_BASE + 3, HELD_OUT_BASE + 7, HELD_OUT_BASE + 40, 5];
    const r = heldOutSeeds(training, 30);
    expect(r.first).toBe(HELD_OUT_BASE + 8);
    for (const s of training) expect(inRange(r, s)).toBe(false);
  });

  it('is disjoint from every training seed whatever they are (random seeds near the base included)', () => {
    const training = Array.from({ length: 500 }, (_, i) => HELD_OUT_BASE + ((i * 7919) % 2000));
    const r = heldOutSeeds(training, 64);
    for (const s of training) expect(inRange(r, s)).toBe(false);
    expect(heldOutSeeds([...training].reverse(), 64)).toEqual(r);
  });

  it('refuses a count below 1', () => {
    expect(() => heldOutSeeds([], 0)).toThrow(RangeError);
  });
});
