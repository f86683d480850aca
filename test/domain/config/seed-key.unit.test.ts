import { describe, expect, it } from 'vitest';
import { chooseSeedKey, isSeedName, seedKeyCandidates } from '../../../domain/config/seed-key.js';

describe('which keys name a seed', () => {
  it('takes a last segment seed, *_seed or *Seed, at any depth', () => {
    for (const key of ['seed', 'train.seed', 'env.seed', 'random_seed', 'train.rng_seed', 'Seed', 'randomSeed']) expect(isSeedName(key), key).toBe(true);
    for (const key of ['seeds', 'seed.count', 'seeded', 'train.seed_offset', 'linseed', 'reseed_every']) expect(isSeedName(key), key).toBe(false);
  });

  it('holds integers only, in the order of the config', () => {
    expect(seedKeyCandidates({ seed: 1, env: { seed: 2.5, rng_seed: 3 }, train: { random_seed: '4', seed: 5 } })).toEqual(['seed', 'env.rng_seed', 'train.seed']);
  });
});

describe('the seed key init chooses', () => {
  it('is the one candidate, the default among several, else none', () => {
    expect(chooseSeedKey({ lr: 0.01, seed: 1 })).toEqual({ candidates: ['seed'], key: 'seed' });
    expect(chooseSeedKey({ train: { seed: 1 }, vec: { seed: 1 } })).toEqual({ candidates: ['train.seed', 'vec.seed'], key: 'train.seed' });
    expect(chooseSeedKey({ seed: 1, env: { seed: 1 } })).toEqual({ candidates: ['seed', 'env.seed'], key: null });
    expect(chooseSeedKey({ lr: 0.01 })).toEqual({ candidates: [], key: null });
  });
});
