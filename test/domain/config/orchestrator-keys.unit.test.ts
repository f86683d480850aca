import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getPath } from '../../../domain/config/config.js';
import { checkOrchestratorValue, checkpointPathProblem, ORCHESTRATOR_KEYS } from '../../../domain/config/orchestrator-keys.js';
import { parsePolicy } from '../../../domain/policy/policy.js';
import { renderArgs } from '../../../domain/trainer-io/render-args.js';
import { validateOverrides, type ValidationError } from '../../../domain/policy/validate.js';
import { baseConfig, policy, policyJson } from '../fixtures.js';

function errorsOf(overrides: unknown, p = policy): ValidationError[] {
  const result = validateOverrides(overrides, baseConfig(), p);
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.override)}`);
  return result.errors;
}

describe('when a proposal sets orchestrator-only keys', () => {
  it('accepts them without a policy entry, nested or dotted, and merges them into the autopilot section', () => {
    const result = validateOverrides(
      { autopilot: { resume_mode: 'continue', save_strategy: 'all' }, 'autopilot.resume_from': 'runs/002/checkpoints/model_000010.pt', 'train.learning_rate': 0.001 },
      baseConfig(),
      policy,
    );
    expect(result).toMatchObject({
      ok: true,
      override: {
        'autopilot.resume_from': 'runs/002/checkpoints/model_000010.pt',
        'autopilot.resume_mode': 'continue',
        'autopilot.save_strategy': 'all',
        'train.learning_rate': 0.001,
      },
      diff: [
        { key: 'autopilot.resume_from', from: null, to: 'runs/002/checkpoints/model_000010.pt' },
        { key: 'autopilot.resume_mode', from: null, to: 'continue' },
        { key: 'autopilot.save_strategy', from: null, to: 'all' },
        { key: 'train.learning_rate', from: 0.0003, to: 0.001 },
      ],
    });
    if (result.ok) expect(getPath(result.config, 'autopilot')).toEqual({ mode: 'quick', resume_mode: 'continue', save_strategy: 'all', resume_from: 'runs/002/checkpoints/model_000010.pt' });
  });

  it.each([
    ['autopilot.resume_mode', ['fresh', 'continue']],
    ['autopilot.resume_from', ['latest', 'best', 'checkpoints/model.pt', 'runs/001/checkpoints/model_000010.pt']],
    ['autopilot.save_strategy', ['best', 'latest', 'all']],
  ])('accepts every allowed value of %s', (key, values) => {
    for (const value of values) expect(validateOverrides({ [key]: value }, baseConfig(), policy).ok, `${key} = ${value}`).toBe(true);
  });

  it('never renders them as trainer flags', () => {
    const result = validateOverrides({ autopilot: { resume_mode: 'continue', resume_from: 'best', save_strategy: 'latest' } }, baseConfig(), policy);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const args = renderArgs(result.config);
    expect(args.filter((a) => a.includes('autopilot') || a.includes('resume') || a.includes('save-strategy'))).toEqual([]);
    expect(args).toContain('--train.learning-rate');
  });
});

describe('when an orchestrator key has a bad value', () => {
  it.each([
    ['autopilot.resume_mode', 'warm', 'choices'],
    ['autopilot.save_strategy', 'none', 'choices'],
    ['autopilot.resume_mode', true, 'type'],
    ['autopilot.resume_from', 3, 'type'],
    ['autopilot.resume_from', '../outside.pt', 'path'],
    ['autopilot.resume_from', 'runs/../../outside.pt', 'path'],
    ['autopilot.resume_from', '/etc/passwd', 'path'],
    ['autopilot.resume_from', 'C:/model.pt', 'path'],
    ['autopilot.resume_from', 'runs\\001\\model.pt', 'path'],
    ['autopilot.resume_from', '~/model.pt', 'path'],
    ['autopilot.resume_from', '', 'path'],
    ['autopilot.resume_from', 'runs//model.pt', 'path'],
    ['autopilot.resume_from', 'runs/001/', 'path'],
    ['autopilot.resume_from', 'model\u0000.pt', 'path'],
  ])('rejects %s = %j naming the key, the value and what is allowed (%s)', (key, value, rule) => {
    const errors = errorsOf({ [key]: value });
    expect(errors).toEqual([expect.objectContaining({ key, value, rule })]);
    const error = errors[0] as ValidationError;
    expect(error.message).toMatch(new RegExp(`^${key.replace('.', '\\.')} = `));
    expect(error.expected).toContain('one of [');
  });

  it('describes the checkpoint path form for resume_from', () => {
    expect(errorsOf({ 'autopilot.resume_from': '../x.pt' })[0]?.expected).toBe(
      'one of ["latest", "best"] or the workspace-relative path of a checkpoint a run recorded (runs/<id>/checkpoints/…)',
    );
  });
});

describe('when a proposal sets another autopilot key', () => {
  it.each([
    [{ 'autopilot.mode': 'full' }, 'autopilot.mode'],
    [{ autopilot: { budget: { runs: 3 } } }, 'autopilot.budget'],
    [{ autopilot: 'x' }, 'autopilot'],
    [{ autopilot: { resume_mode: { nested: 'fresh' } } }, 'autopilot.resume_mode'],
  ])('rejects %j naming the allowed orchestrator keys', (overrides, key) => {
    const errors = errorsOf(overrides);
    expect(errors).toHaveLength(1);
    const error = errors[0] as ValidationError;
    expect(error.key).toBe(key);
    if (key !== 'autopilot.resume_mode') {
      expect(error.rule).toBe('unknown_key');
      expect(error.message).toContain('is not an orchestrator key');
      for (const allowed of Object.keys(ORCHESTRATOR_KEYS)) expect(error.expected).toContain(allowed);
    } else {
      expect(error.rule).toBe('type');
    }
  });
});

describe('when the policy lists an orchestrator key itself', () => {
  const own = parsePolicy({
    ...policyJson,
    keys: { ...policyJson.keys, 'autopilot.resume_mode': { type: 'enum', choices: ['fresh'] }, 'autopilot.max_checkpoints': { type: 'integer', min: 1, max: 5 } },
  });

  it('checks it by the policy (the policy wins)', () => {
    expect(errorsOf({ 'autopilot.resume_mode': 'continue' }, own)).toEqual([expect.objectContaining({ key: 'autopilot.resume_mode', rule: 'choices', expected: 'one of ["fresh"]' })]);
    expect(validateOverrides({ autopilot: { resume_mode: 'fresh', max_checkpoints: 2, save_strategy: 'best' } }, baseConfig(), own).ok).toBe(true);
  });

  it('lists the policy keys under autopilot among the allowed ones', () => {
    const error = errorsOf({ 'autopilot.other': 1 }, own)[0];
    expect(error?.expected).toContain('autopilot.max_checkpoints');
    expect(error?.expected).toContain('autopilot.save_strategy');
  });
});

describe('when checking values directly', () => {
  it('never throws and accepts only strings that are choices or safe relative paths (property)', () => {
    const keys = [...Object.keys(ORCHESTRATOR_KEYS), 'autopilot.nope'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.oneof(fc.string(), fc.anything(), fc.constantFrom('..', 'a/..', '/x', 'best', 'fresh', 'all')), (key, value) => {
        const checked = checkOrchestratorValue(key, value);
        if (!checked.ok) return checked.error.key === key && checked.error.message.startsWith(`${key} = `);
        const spec = ORCHESTRATOR_KEYS[key];
        return typeof value === 'string' && spec !== undefined && (spec.choices.includes(value) || (spec.path === 'checkpoint' && checkpointPathProblem(value) === null));
      }),
      { numRuns: 2_000 },
    );
  });

  it('names the problem of an unsafe checkpoint path', () => {
    expect(checkpointPathProblem('a/../b.pt')).toBe('leaves the workspace through ..');
    expect(checkpointPathProblem('/abs.pt')).toBe('is an absolute path');
    expect(checkpointPathProblem('runs/001/model.pt')).toBeNull();
  });
});
