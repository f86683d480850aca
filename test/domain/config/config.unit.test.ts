import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloneConfig, flattenConfig, getPath, mergeConfig, scalarsAt, unflattenConfig, type Config, type Scalar } from '../../../domain/config/config.js';
import { prototypeIsClean, withOwn } from '../fixtures.js';

const segment = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/).filter((s) => !['constructor', 'prototype'].includes(s));
const scalar: fc.Arbitrary<Scalar> = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.boolean());
const config: fc.Arbitrary<Config> = fc.letrec<{ config: Config; value: Scalar | Config }>((tie) => ({
  config: fc.dictionary(segment, tie('value'), { minKeys: 1, maxKeys: 4, noNullPrototype: true }),
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('config')),
})).config;

describe('when flattening and unflattening', () => {
  it('turns nested sections into dotted keys', () => {
    expect(flattenConfig({ train: { learning_rate: 0.001 }, env: { num_envs: 8, name: 'x' }, seed: 1 })).toEqual({
      'train.learning_rate': 0.001,
      'env.num_envs': 8,
      'env.name': 'x',
      seed: 1,
    });
  });

  it('rebuilds the nested config from dotted keys', () => {
    expect(unflattenConfig({ 'train.learning_rate': 0.001, 'env.num_envs': 8, seed: 1 })).toEqual({
      train: { learning_rate: 0.001 },
      env: { num_envs: 8 },
      seed: 1,
    });
  });

  it('round-trips any config through flatten and unflatten (property)', () => {
    fc.assert(
      fc.property(config, (c) => {
        const flat = flattenConfig(c);
        expect(unflattenConfig(flat)).toEqual(c);
        expect(flattenConfig(unflattenConfig(flat))).toEqual(flat);
      }),
      { numRuns: 500 },
    );
  });

  it('skips forbidden segments instead of following them', () => {
    const hostile = JSON.parse('{"__proto__":{"polluted":1},"a":{"constructor":{"prototype":{"x":1}},"b":2}}') as Config;
    expect(flattenConfig(hostile)).toEqual({ 'a.b': 2 });
    expect(unflattenConfig({ '__proto__.polluted': 1, 'a.constructor.prototype.x': 1, 'a.b': 2 })).toEqual({ a: { b: 2 } });
    expect(prototypeIsClean()).toBe(true);
  });
});

describe('when merging an override into a base', () => {
  it('sets dotted keys and keeps everything else', () => {
    const base: Config = { train: { learning_rate: 0.001, gamma: 0.99 }, env: { num_envs: 8 } };
    expect(mergeConfig(base, { 'train.learning_rate': 0.01, 'env.name': 'breakout' })).toEqual({
      train: { learning_rate: 0.01, gamma: 0.99 },
      env: { num_envs: 8, name: 'breakout' },
    });
  });

  it('never mutates its inputs (property)', () => {
    fc.assert(
      fc.property(config, config, (base, over) => {
        const override = flattenConfig(over);
        const baseBefore = structuredClone(base);
        const overrideBefore = structuredClone(override);
        const merged = mergeConfig(base, override);
        expect(base).toEqual(baseBefore);
        expect(override).toEqual(overrideBefore);
        expect(merged).not.toBe(base);
      }),
      { numRuns: 300 },
    );
  });

  it('makes every override key read back from the result (property)', () => {
    fc.assert(
      fc.property(config, config, (base, over) => {
        const override = flattenConfig(over);
        const merged = mergeConfig(base, override);
        for (const [key, value] of Object.entries(override)) expect(getPath(merged, key)).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it('shares no section with the base', () => {
    const base: Config = { train: { lr: 1 } };
    const merged = mergeConfig(base, {});
    (merged['train'] as Config)['lr'] = 2;
    expect(base).toEqual({ train: { lr: 1 } });
  });

  it('replaces a scalar by a section when a deeper key is set', () => {
    expect(mergeConfig({ a: 1 }, { 'a.b': 2 })).toEqual({ a: { b: 2 } });
  });

  it('ignores __proto__, constructor and prototype segments in the override and the base', () => {
    const base = JSON.parse('{"__proto__":{"polluted":1},"train":{"lr":1}}') as Config;
    const merged = mergeConfig(base, {
      '__proto__.polluted': 1,
      'constructor.prototype.polluted': 1,
      'train.__proto__.polluted': 1,
      __proto__: 1,
    });
    expect(merged).toEqual({ train: { lr: 1 } });
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(prototypeIsClean()).toBe(true);
  });

  it('ignores an own __proto__ key in an override built by JSON.parse', () => {
    const override = withOwn([
      ['__proto__', 1],
      ['train.lr', 2],
    ]) as Record<string, Scalar>;
    expect(mergeConfig({}, override)).toEqual({ train: { lr: 2 } });
    expect(prototypeIsClean()).toBe(true);
  });
});

describe('when reading a path', () => {
  const c: Config = { train: { learning_rate: 0.001 } };

  it('returns scalars and sections', () => {
    expect(getPath(c, 'train.learning_rate')).toBe(0.001);
    expect(getPath(c, 'train')).toEqual({ learning_rate: 0.001 });
  });

  it('returns undefined for missing keys, paths through scalars and inherited properties', () => {
    expect(getPath(c, 'train.gamma')).toBeUndefined();
    expect(getPath(c, 'train.learning_rate.x')).toBeUndefined();
    expect(getPath(c, 'constructor')).toBeUndefined();
    expect(getPath(c, 'train.toString')).toBeUndefined();
    expect(getPath(c, '__proto__')).toBeUndefined();
  });
});

describe('when cloning', () => {
  it('copies deeply', () => {
    const c: Config = { a: { b: { c: 1 } } };
    const copy = cloneConfig(c);
    expect(copy).toEqual(c);
    expect(copy['a']).not.toBe(c['a']);
  });
});

describe('scalarsAt', () => {
  it('picks the scalar values of the keys asked for, leaving out absent keys and sections', () => {
    const c: Config = { train: { lr: 0.01, name: 'a', on: false, opt: { beta: 0.9 } } };
    expect(scalarsAt(c, ['train.lr', 'train.name', 'train.on', 'train.opt', 'train.missing', 'env.n'])).toEqual({ 'train.lr': 0.01, 'train.name': 'a', 'train.on': false });
  });
});
