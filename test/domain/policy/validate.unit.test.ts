import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getPath } from '../../../domain/config/config.js';
import { formatKey } from '../../../domain/text/format.js';
import { checkValue } from '../../../domain/policy/key-spec.js';
import { powersOfTwoIn, type KeySpec } from '../../../domain/policy/policy.js';
import { validateOverrides, type ValidationError } from '../../../domain/policy/validate.js';
import { baseConfig, policy, prototypeIsClean, withOwn } from '../fixtures.js';

function errorsOf(overrides: unknown): ValidationError[] {
  const result = validateOverrides(overrides, baseConfig(), policy);
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.override)}`);
  return result.errors;
}

function onlyError(overrides: unknown): ValidationError {
  const errors = errorsOf(overrides);
  expect(errors).toHaveLength(1);
  return errors[0] as ValidationError;
}

describe('when the overrides are valid', () => {
  it('merges nested, dotted and mixed overrides into the base', () => {
    const result = validateOverrides({ train: { learning_rate: 0.001, optimizer: 'muon' }, 'train.anneal_lr': false, 'train.update_epochs': 2 }, baseConfig(), policy);
    expect(result).toMatchObject({
      ok: true,
      override: { 'train.anneal_lr': false, 'train.learning_rate': 0.001, 'train.optimizer': 'muon', 'train.update_epochs': 2 },
      normalizations: [],
      diff: [
        { key: 'train.anneal_lr', from: true, to: false },
        { key: 'train.learning_rate', from: 0.0003, to: 0.001 },
        { key: 'train.optimizer', from: 'adam', to: 'muon' },
        { key: 'train.update_epochs', from: 4, to: 2 },
      ],
    });
    if (result.ok) expect(getPath(result.config, 'env.name')).toBe('puffer_breakout');
  });

  it('accepts empty overrides and leaves the base unchanged', () => {
    const result = validateOverrides({}, baseConfig(), policy);
    expect(result).toEqual({ ok: true, config: baseConfig(), override: {}, diff: [], normalizations: [] });
  });

  it('accepts range bounds and integral floats for integers', () => {
    const result = validateOverrides({ 'train.learning_rate': 0.1, 'train.update_epochs': 8.0, 'train.ent_coef': 1e-5 }, baseConfig(), policy);
    expect(result.ok).toBe(true);
  });

  it('does not mutate the base or the overrides', () => {
    const base = baseConfig();
    const overrides = { train: { learning_rate: 0.001 } };
    validateOverrides(overrides, base, policy);
    expect(base).toEqual(baseConfig());
    expect(overrides).toEqual({ train: { learning_rate: 0.001 } });
  });
});

describe('when a value breaks the policy', () => {
  it('rejects an unknown key, naming it', () => {
    expect(onlyError({ 'train.lerning_rate': 0.001 })).toMatchObject({ key: 'train.lerning_rate', rule: 'unknown_key', value: 0.001 });
    expect(onlyError({ 'train.lerning_rate': 0.001 }).message).toMatch(/^train\.lerning_rate = 0\.001 is not a key the policy allows: allowed one of the policy keys .*train\.learning_rate/);
  });

  it('rejects unknown sections instead of dropping them, even when empty', () => {
    expect(onlyError({ optimizer: {} })).toMatchObject({ key: 'optimizer', rule: 'unknown_key' });
    expect(onlyError({ train: { learning_rate: { value: 0.1 } } })).toMatchObject({ key: 'train.learning_rate', rule: 'type' });
    expect(onlyError({ 'train.learning_rate.value': 0.1 })).toMatchObject({ key: 'train.learning_rate.value', rule: 'unknown_key' });
  });

  it('rejects a value out of range, saying what is allowed', () => {
    expect(onlyError({ 'train.learning_rate': 5 })).toEqual({
      key: 'train.learning_rate',
      value: 5,
      rule: 'range',
      expected: 'number in [0.00001, 0.1]',
      message: 'train.learning_rate = 5 is out of range: allowed number in [0.00001, 0.1]',
    });
  });

  it('rejects a string for a number, even a numeric one', () => {
    const error = onlyError({ train: { learning_rate: '0.001' } });
    expect(error).toMatchObject({ key: 'train.learning_rate', rule: 'type', value: '0.001' });
    expect(error.message).toBe('train.learning_rate = "0.001" is a string, not a number: allowed number in [0.00001, 0.1]');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('rejects %s as non-finite', (shown, value) => {
    const error = onlyError({ 'train.learning_rate': value });
    expect(error).toMatchObject({ key: 'train.learning_rate', rule: 'non_finite' });
    expect(error.message).toBe(`train.learning_rate = ${shown} is not a finite number: allowed number in [0.00001, 0.1]`);
  });

  it('rejects a float for an integer', () => {
    expect(onlyError({ 'train.update_epochs': 2.5 })).toMatchObject({
      key: 'train.update_epochs',
      rule: 'type',
      message: 'train.update_epochs = 2.5 is not an integer: allowed integer in [1, 8]',
    });
  });

  it('rejects a value outside the enum choices, with no type coercion', () => {
    expect(onlyError({ 'train.optimizer': 'sgd' }).message).toBe('train.optimizer = "sgd" is not one of the choices: allowed one of ["adam", "muon"]');
    expect(onlyError({ 'train.optimizer': ['adam'] })).toMatchObject({ key: 'train.optimizer', rule: 'choices' });
  });

  it('rejects strings, numbers and null for booleans', () => {
    for (const value of ['true', 1, null]) {
      expect(onlyError({ 'train.anneal_lr': value })).toMatchObject({ key: 'train.anneal_lr', rule: 'type' });
    }
  });

  it('rejects a key given both nested and dotted', () => {
    expect(onlyError({ 'train.learning_rate': 0.001, train: { learning_rate: 0.002 } })).toMatchObject({
      key: 'train.learning_rate',
      rule: 'shape',
    });
  });

  it('rejects empty path segments', () => {
    expect(onlyError({ 'train..learning_rate': 0.001 })).toMatchObject({ key: 'train..learning_rate', rule: 'shape' });
    expect(onlyError({ '': 1 }).message).toMatch(/^"" = 1 has an empty path segment/);
  });

  it('collects every error at once', () => {
    const errors = errorsOf({
      train: { learning_rate: 5, gamma: '0.99', update_epochs: 2.5, optimizer: 'sgd', anneal_lr: 'yes', ent_coef: Number.NaN },
      'env.nope': 1,
    });
    expect(errors.map((e) => [e.key, e.rule]).sort()).toEqual([
      ['env.nope', 'unknown_key'],
      ['train.anneal_lr', 'type'],
      ['train.ent_coef', 'non_finite'],
      ['train.gamma', 'type'],
      ['train.learning_rate', 'range'],
      ['train.optimizer', 'choices'],
      ['train.update_epochs', 'type'],
    ]);
  });

  it.each([null, undefined, 42, 'train.learning_rate=0.1', [{ 'train.learning_rate': 0.1 }], true, new Date(0), new Map()])('rejects a root that is not a plain object (%s)', (overrides) => {
    expect(onlyError(overrides)).toMatchObject({ key: 'overrides', rule: 'shape' });
  });

  it('does not throw on hostile objects (throwing getters, proxies)', () => {
    const getter = Object.defineProperty({}, 'train.learning_rate', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    expect(onlyError(getter)).toMatchObject({ key: 'train.learning_rate', rule: 'type' });
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('trap');
        },
      },
    );
    expect(onlyError(proxy)).toMatchObject({ key: 'overrides', rule: 'shape' });
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    expect(onlyError(revocable.proxy)).toMatchObject({ key: 'overrides', rule: 'shape' });
  });
});

describe('when the overrides try to pollute prototypes', () => {
  it.each([
    ['a top-level __proto__', '{"__proto__":{"polluted":1}}', '__proto__'],
    ['a nested __proto__', '{"train":{"__proto__":{"polluted":1}}}', 'train.__proto__'],
    ['a dotted __proto__', '{"__proto__.polluted":1}', '__proto__.polluted'],
    ['a dotted nested __proto__', '{"train.__proto__.polluted":1}', 'train.__proto__.polluted'],
    ['constructor.prototype', '{"constructor":{"prototype":{"polluted":1}}}', 'constructor'],
    ['a dotted constructor.prototype', '{"constructor.prototype.polluted":1}', 'constructor.prototype.polluted'],
    ['a nested prototype', '{"train":{"prototype":{"polluted":1}}}', 'train.prototype'],
  ])('rejects %s with the key named and Object.prototype untouched', (_, json, key) => {
    const error = onlyError(JSON.parse(json));
    expect(error).toMatchObject({ key, rule: 'forbidden_key' });
    expect(error.message.startsWith(`${key} = `)).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(prototypeIsClean()).toBe(true);
  });

  it('rejects __proto__ next to valid keys without applying either', () => {
    const result = validateOverrides(JSON.parse('{"train":{"learning_rate":0.001},"__proto__":{"polluted":1}}'), baseConfig(), policy);
    expect(result.ok).toBe(false);
    expect(prototypeIsClean()).toBe(true);
  });
});

describe('when derived rules apply', () => {
  it('normalizes the merged config and records each change', () => {
    const result = validateOverrides({ 'vec.num_workers': 3, 'train.bptt_horizon': 128, 'train.minibatch_size': 65536, 'train.clip_coef': 0.3 }, baseConfig(), policy);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.normalizations).toEqual([
      { key: 'env.num_envs', before: 256, after: 255, rule: 'multiple_of' },
      { key: 'train.batch_size', before: 16384, after: 255 * 128, rule: 'product' },
      { key: 'train.minibatch_size', before: 65536, after: 255 * 128, rule: 'lte' },
      { key: 'train.vf_clip_coef', before: 0.2, after: 0.3, rule: 'equal' },
    ]);
    expect(result.override).toEqual({ 'train.bptt_horizon': 128, 'train.clip_coef': 0.3, 'train.minibatch_size': 65536, 'vec.num_workers': 3 });
    expect(result.diff.map((c) => c.key)).toEqual([
      'env.num_envs',
      'train.batch_size',
      'train.bptt_horizon',
      'train.clip_coef',
      'train.minibatch_size',
      'train.vf_clip_coef',
      'vec.num_workers',
    ]);
    expect(getPath(result.config, 'train.minibatch_size')).toBe(255 * 128);
  });

  it('raises gamma to gae_lambda (gte)', () => {
    const result = validateOverrides({ 'train.gamma': 0.9, 'train.gae_lambda': 0.95 }, baseConfig(), policy);
    expect(result.ok && result.normalizations).toEqual([{ key: 'train.gamma', before: 0.9, after: 0.95, rule: 'gte' }]);
  });

  it('rejects, under the rule name, a config the rules cannot complete', () => {
    const base = baseConfig();
    delete (base['vec'] as Record<string, unknown>)['num_workers'];
    const result = validateOverrides({}, base, policy);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([expect.objectContaining({ key: 'env.num_envs', rule: 'multiple_of' })]);
    expect(result.errors[0]?.message).toContain('vec.num_workers = null');
  });
});

const hostileKey = fc.oneof(
  fc.constantFrom(
    ...Object.keys(policy.keys),
    'train',
    'env',
    'vec',
    'autopilot',
    'train.lerning_rate',
    '__proto__',
    'constructor',
    'prototype',
    '__proto__.polluted',
    'constructor.prototype.polluted',
    'train.__proto__',
    'train.constructor.prototype',
    '',
    '.',
    'train.',
    '.train',
    'train..gamma',
    'toString',
    'hasOwnProperty',
    'train.valueOf',
  ),
  fc.string({ maxLength: 12 }),
);

function validValue(spec: KeySpec): fc.Arbitrary<unknown> {
  switch (spec.type) {
    case 'number':
      return fc.double({ min: spec.min, max: spec.max, noNaN: true });
    case 'integer':
      return spec.distribution === 'uniform_pow2' ? fc.constantFrom(...powersOfTwoIn(spec.min, spec.max)) : fc.integer({ min: spec.min, max: spec.max });
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...spec.choices);
  }
}

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 1e308, 5e-324, '0.001', '1e-3', 'True', 'adam', '', null, undefined, [], {}),
  fc.string(),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.anything({ maxDepth: 2 }),
);

/** Overrides: benign (valid flat or nested), near-valid, or hostile trees with own __proto__ keys. */
const benign = fc.record(Object.fromEntries(Object.entries(policy.keys).map(([key, spec]) => [key, validValue(spec)])), { requiredKeys: [] });
const hostileTree: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, hostileValue, fc.array(fc.tuple(hostileKey, tie('node')), { maxLength: 5 }).map(withOwn)),
})).node;
const overridesArb = fc.oneof(
  benign,
  benign.map((flat) => nest(flat)),
  fc.tuple(benign, fc.array(fc.tuple(hostileKey, hostileValue), { maxLength: 3 })).map(([flat, extra]) => withOwn([...Object.entries(flat), ...extra])),
  hostileTree,
  fc.anything(),
);

function nest(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(flat)) {
    const [section, leaf] = key.split('.') as [string, string];
    (out[section] ??= {})[leaf] = value;
  }
  return out;
}

/** True when `config` satisfies a derived rule of the policy. */
function satisfies(config: Parameters<typeof getPath>[0], rule: NonNullable<typeof policy.rules>[number]): boolean {
  const num = (key: string) => getPath(config, key) as number;
  switch (rule.rule) {
    case 'multiple_of':
      return num(rule.key) % num(rule.of) === 0;
    case 'equal':
      return getPath(config, rule.key) === getPath(config, rule.to);
    case 'lte':
      return num(rule.key) <= num(rule.than);
    case 'gte':
      return num(rule.key) >= num(rule.than);
    case 'product':
      return num(rule.key) === rule.of.reduce((p, k) => p * num(k), 1);
  }
}

/** Plain assertion (cheaper than expect inside 10,000 runs). */
function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(what);
}

describe('when fed thousands of generated proposals (property)', () => {
  it('never throws, keeps accepted values in range and every rule satisfied, and names a key in every rejection', () => {
    fc.assert(
      fc.property(overridesArb, (overrides) => {
        const result = validateOverrides(overrides, baseConfig(), policy);
        check(prototypeIsClean(), 'Object.prototype was polluted');
        if (result.ok) {
          const normalized = new Map(result.normalizations.map((n) => [n.key, n.rule]));
          const touched = new Set([...Object.keys(result.override), ...normalized.keys()]);
          for (const key of touched) {
            const spec = policy.keys[key];
            // A value a rule derived need only be in range (a rule may move it off the powers of two).
            if (spec !== undefined) check(checkValue(key, getPath(result.config, key), spec, normalized.get(key)).ok, `accepted ${key} breaks its spec`);
          }
          for (const key of Object.keys(result.override)) check(Object.hasOwn(policy.keys, key), `accepted unknown key ${key}`);
          for (const rule of policy.rules ?? []) check(satisfies(result.config, rule), `accepted config breaks rule ${JSON.stringify(rule)}`);
        } else {
          check(result.errors.length > 0, 'rejection without errors');
          for (const error of result.errors) {
            check(typeof error.key === 'string', 'error without key');
            check(error.message.startsWith(`${formatKey(error.key)} = `), `message does not name the key: ${error.message}`);
            check(error.message.includes(`allowed ${error.expected}`), `message does not say what is allowed: ${error.message}`);
          }
        }
      }),
      { numRuns: 10_000 },
    );
  }, 120_000);

  it('accepts every valid proposal, nested or flat (property)', () => {
    fc.assert(
      fc.property(fc.oneof(benign, benign.map(nest)), (overrides) => {
        const result = validateOverrides(overrides, baseConfig(), policy);
        check(result.ok, `rejected a valid proposal: ${result.ok ? '' : result.errors.map((e) => e.message).join('; ')}`);
      }),
      { numRuns: 2_000 },
    );
  }, 60_000);
});

describe('when a uniform_pow2 key is proposed', () => {
  it('rejects a value in range that is not a power of two, listing the powers allowed', () => {
    const result = validateOverrides({ 'train.minibatch_size': 1000 }, baseConfig(), policy);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([expect.objectContaining({ key: 'train.minibatch_size', value: 1000, rule: 'power_of_two' })]);
    expect(result.errors[0]?.expected).toBe('a power of two in [512, 65536]: 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536');
  });

  it('accepts a power of two, and a rule may still lower it off the powers (lte to the batch)', () => {
    expect(validateOverrides({ 'train.minibatch_size': 1024 }, baseConfig(), policy).ok).toBe(true);
    const lowered = validateOverrides({ 'vec.num_workers': 3, 'train.minibatch_size': 65536 }, baseConfig(), policy);
    expect(lowered.ok && getPath(lowered.config, 'train.minibatch_size')).toBe(255 * 64);
  });
});
