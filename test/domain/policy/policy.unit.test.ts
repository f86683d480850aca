import { describe, expect, it } from 'vitest';
import { parsePolicy, PolicyError, powersOfTwoIn, ruleInputs } from '../../../domain/policy/policy.js';
import { policyJson, prototypeIsClean } from '../fixtures.js';

function problems(raw: unknown): readonly string[] {
  try {
    parsePolicy(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as PolicyError).issues;
  }
  throw new Error('expected the policy to be rejected');
}

describe('when the policy is well formed', () => {
  it('parses every key type, distribution and rule', () => {
    const policy = parsePolicy(policyJson);
    expect(Object.keys(policy.keys)).toHaveLength(13);
    expect(policy.keys['train.gamma']).toMatchObject({ type: 'number', distribution: 'logit_normal' });
    expect(policy.rules?.map((r) => r.rule)).toEqual(['multiple_of', 'product', 'lte', 'gte', 'equal']);
    expect(policy.allowed_paths).toEqual(['proposals/next_config.json', 'journal/notes.md']);
  });

  it('accepts a minimal policy without rules or allowed paths', () => {
    expect(parsePolicy({ version: 1, keys: { seed: { type: 'boolean' } } })).toEqual({ version: 1, keys: { seed: { type: 'boolean' } } });
  });
});

describe('when the policy is malformed', () => {
  it('lists every problem with its path and what is allowed', () => {
    const issues = problems({
      version: 2,
      keys: {
        'train.lr': { type: 'number', min: 1, max: 0.1 },
        'train.epochs': { type: 'integer', min: 1.5, max: 4 },
        'train.kind': { type: 'enum', choices: [] },
        'train.what': { type: 'float', min: 0, max: 1 },
        'train.extra': { type: 'boolean', default: true },
      },
      rules: [{ rule: 'clamp', key: 'train.lr' }],
      allowed_paths: ['../outside'],
      extra: true,
    });
    const text = issues.join('\n');
    expect(text).toContain('version: Invalid input: expected 1');
    expect(text).toContain('keys["train.lr"].min: min (1) must be <= max (0.1)');
    expect(text).toContain('keys["train.epochs"].min');
    expect(text).toContain('keys["train.kind"].choices: must list at least one choice');
    expect(text).toContain('keys["train.what"].type: type must be one of "number", "integer", "boolean", "enum"');
    expect(text).toContain('keys["train.extra"]: unknown field(s) default: allowed fields are type, description');
    expect(text).toContain('rules[0].rule: rule must be one of "multiple_of", "equal", "lte", "gte", "product"');
    expect(text).toContain('allowed_paths[0]: must be a non-empty relative path');
    expect(text).toContain('(policy): unknown field(s) extra');
    expect(issues.length).toBeGreaterThanOrEqual(9);
  });

  it('puts every problem in the error message', () => {
    expect(() => parsePolicy({ version: 1, keys: { a: { type: 'number', min: 2, max: 1 } } })).toThrow(/keys\.a\.min: min \(2\) must be <= max \(1\)/);
  });

  it('rejects keys that are not dotted paths of safe segments, still checking their specs', () => {
    const issues = problems({
      version: 1,
      keys: { 'a..b': { type: 'boolean' }, 'train.learning-rate': { type: 'boolean' }, '1x': { type: 'number', min: 3, max: 1 } },
    });
    expect(issues.filter((i) => i.includes('(the key): must be a dotted path'))).toHaveLength(3);
    expect(issues.join('\n')).toContain('keys["1x"].min: min (3) must be <= max (1)');
  });

  it('rejects __proto__ keys without polluting Object.prototype', () => {
    const raw = JSON.parse('{"version":1,"keys":{"__proto__":{"type":"boolean"},"train.constructor":{"type":"boolean"}}}') as unknown;
    expect(problems(raw).join('\n')).toMatch(/__proto__.*must be a dotted path/);
    expect(prototypeIsClean()).toBe(true);
  });

  it('rejects a key that is a section of another key', () => {
    expect(problems({ version: 1, keys: { train: { type: 'boolean' }, 'train.lr': { type: 'boolean' } } })).toEqual([
      'keys["train"]: is a section of keys["train.lr"]; a key must be a leaf, not a prefix of another key',
    ]);
  });

  it('rejects distributions that do not fit their range', () => {
    const text = problems({
      version: 1,
      keys: {
        'a.log': { type: 'number', min: 0, max: 1, distribution: 'log_normal' },
        'a.logit': { type: 'number', min: 0.5, max: 1, distribution: 'logit_normal' },
        'a.pow2': { type: 'integer', min: 5, max: 7, distribution: 'uniform_pow2' },
        'a.ilog': { type: 'integer', min: 0, max: 7, distribution: 'log_normal' },
        'a.scale': { type: 'number', min: 0, max: 1, mean: 2, scale: 0 },
      },
    }).join('\n');
    expect(text).toContain('log_normal needs min > 0');
    expect(text).toContain('logit_normal needs 0 <= min and max < 1');
    expect(text).toContain('keys["a.pow2"].min: uniform_pow2 needs min to be a power of two (1, 2, 4, …); 5 is not; the nearest are 4 and 8');
    expect(text).toContain('keys["a.pow2"].max: uniform_pow2 needs max to be a power of two (1, 2, 4, …); 7 is not; the nearest are 4 and 8');
    expect(text).toContain('log_normal needs min >= 1');
    expect(text).toContain('mean (2) must lie in [min, max]');
    expect(text).toContain('scale (0) must be > 0');
  });

  it('rejects non-finite bounds and duplicate choices', () => {
    const text = problems({
      version: 1,
      keys: { 'a.x': { type: 'number', min: 0, max: Infinity }, 'a.e': { type: 'enum', choices: ['a', 'a'] } },
    }).join('\n');
    expect(text).toContain('keys["a.x"].max');
    expect(text).toContain('duplicate choice "a"');
  });

  it('rejects rules that refer to their own key or to unsafe keys', () => {
    const text = problems({
      version: 1,
      keys: { 'a.x': { type: 'boolean' } },
      rules: [
        { rule: 'lte', key: 'a.x', than: 'a.x' },
        { rule: 'equal', key: 'a.y', to: '__proto__.z' },
      ],
    }).join('\n');
    expect(text).toContain('rules[1].to: must be a dotted path');
  });

  it('reports a rule referring to its own key', () => {
    expect(problems({ version: 1, keys: {}, rules: [{ rule: 'product', key: 'a.x', of: ['a.y', 'a.x'] }] })).toEqual([
      'rules[0]: rule product on a.x refers to its own key; allowed are other keys',
    ]);
  });

  it('rejects a root that is not an object', () => {
    expect(problems(null)).toEqual(['(policy): Invalid input: expected object, received null']);
    expect(problems('policy')).toHaveLength(1);
  });
});

describe('when listing powers of two and rule inputs', () => {
  it('finds the powers of two in a range', () => {
    expect(powersOfTwoIn(3, 40)).toEqual([4, 8, 16, 32]);
    expect(powersOfTwoIn(5, 7)).toEqual([]);
    expect(powersOfTwoIn(-4, 1)).toEqual([1]);
  });

  it('names the keys each rule reads', () => {
    expect(ruleInputs({ rule: 'product', key: 'a', of: ['b', 'c'] })).toEqual(['b', 'c']);
    expect(ruleInputs({ rule: 'multiple_of', key: 'a', of: 'b' })).toEqual(['b']);
    expect(ruleInputs({ rule: 'equal', key: 'a', to: 'b' })).toEqual(['b']);
    expect(ruleInputs({ rule: 'gte', key: 'a', than: 'b' })).toEqual(['b']);
  });
});
