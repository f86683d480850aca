import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../domain/policy/policy.js';
import { baselineRunConfig } from '../../../domain/preflight/baseline-run.js';
import { policyKeyProblems, ruleKeyProblems } from '../../../domain/preflight/keys.js';
import { formatProblem } from '../../../domain/preflight/problem.js';
import { closestName, editDistance } from '../../../domain/preflight/suggest.js';

const baseline = { file: 'configs/baseline_quick.json', config: { train: { learning_rate: 0.001, batch_size: 1024, minibatch_size: 256, seed: 1 }, env: { num_envs: 8 } } };
const number = { type: 'number', min: 0.0001, max: 0.1 };

describe('when a policy key is not in the baseline', () => {
  it('names policy.json, the key and the closest baseline key', () => {
    const policy = parsePolicy({ version: 1, keys: { 'train.learnin_rate': number } });
    const [problem, ...rest] = policyKeyProblems(policy, baseline);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ file: 'policy.json', key: 'keys["train.learnin_rate"]' });
    expect(formatProblem(problem!)).toContain('is not a key of configs/baseline_quick.json (did you mean train.learning_rate?)');
    expect(problem!.allowed).toContain('"optional": true');
  });

  it('suggests nothing for a key that is nowhere near a baseline key', () => {
    const policy = parsePolicy({ version: 1, keys: { 'model.dropout': number } });
    expect(policyKeyProblems(policy, baseline)[0]!.problem).not.toContain('did you mean');
  });

  it('accepts it when the spec says optional: true, and always for orchestrator keys', () => {
    const policy = parsePolicy({
      version: 1,
      keys: { 'train.weight_decay': { ...number, optional: true }, 'autopilot.resume_mode': { type: 'enum', choices: ['fresh', 'continue'] }, 'train.learning_rate': number },
    });
    expect(policyKeyProblems(policy, baseline)).toEqual([]);
  });
});

describe('when a derived rule names a key', () => {
  it('reports a key that is neither in the baseline nor in the policy, with the closest one', () => {
    const policy = parsePolicy({ version: 1, keys: {}, rules: [{ rule: 'lte', key: 'train.minibatch_size', than: 'train.bach_size' }] });
    const problems = ruleKeyProblems(policy, baseline);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'policy.json', key: 'rules[0]' });
    expect(problems[0]!.problem).toContain('names train.bach_size');
    expect(problems[0]!.problem).toContain('did you mean train.batch_size?');
  });

  it('accepts keys of the policy (an optional key the baseline leaves out) and reports a repeated unknown key once', () => {
    const policy = parsePolicy({
      version: 1,
      keys: { 'train.horizon': { type: 'integer', min: 1, max: 64, optional: true } },
      rules: [
        { rule: 'product', key: 'train.batch_size', of: ['train.horizon', 'env.num_envs'] },
        { rule: 'product', key: 'train.batch_size', of: ['env.nope', 'env.nope'] },
      ],
    });
    const problems = ruleKeyProblems(policy, baseline);
    expect(problems.map((p) => p.key)).toEqual(['rules[1]']);
  });
});

describe('the baseline run', () => {
  it('is the baseline normalized by the rules, as the loop launches run 001', () => {
    const policy = parsePolicy({ version: 1, keys: {}, rules: [{ rule: 'lte', key: 'train.minibatch_size', than: 'env.num_envs' }] });
    const run = baselineRunConfig(baseline.config, policy, { key: 'train.seed', policy: 'increment' }, baseline.file);
    expect(run).toEqual({ ok: true, config: { ...baseline.config, train: { ...baseline.config.train, minibatch_size: 8 } } });
  });

  it('is a problem of the baseline file when a rule rejects it', () => {
    const policy = parsePolicy({
      version: 1,
      keys: { 'train.minibatch_size': { type: 'integer', min: 100, max: 512 } },
      rules: [{ rule: 'lte', key: 'train.minibatch_size', than: 'env.num_envs' }],
    });
    const run = baselineRunConfig(baseline.config, policy, { key: 'train.seed', policy: 'increment' }, baseline.file);
    expect(run.ok).toBe(false);
    if (!run.ok) expect(run.problems[0]).toMatchObject({ file: 'configs/baseline_quick.json', key: 'train.minibatch_size' });
  });
});

describe('closest names', () => {
  it('counts an adjacent swap as one edit', () => {
    expect(editDistance('learnign', 'learning')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('prefers the nearest candidate, ignoring case and - for _, and gives up beyond a third of the length', () => {
    expect(closestName('train.learning-rate', ['train.learning_rate', 'train.gamma'])).toBe('train.learning_rate');
    expect(closestName('train.gama', ['train.gamma', 'train.game_x'])).toBe('train.gamma');
    expect(closestName('zzz', ['train.gamma'])).toBeNull();
    expect(closestName('train.gamma', ['train.gamma'])).toBeNull();
  });
});
