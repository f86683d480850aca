import { describe, expect, it } from 'vitest';
import { AutopilotError, ERROR_EXIT, EXIT, failure, isAutopilotError, prefixed, UsageError } from '../../domain/errors.js';
import { WorkspaceError } from '../../adapters/workspace.js';
import { PolicyError } from '../../domain/policy/policy.js';

describe('AutopilotError', () => {
  it('carries its code, the exit code of that code, the file, the key and the hint', () => {
    const e = new AutopilotError('config-invalid', 'train.lr is not a number', { file: 'autopilot/baseline.json', key: 'train.lr', hint: 'give a finite number' });
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('config-invalid');
    expect(e.exitCode).toBe(EXIT.usage);
    expect(e.file).toBe('autopilot/baseline.json');
    expect(e.key).toBe('train.lr');
    expect(e.hint).toBe('give a finite number');
    // The message a person reads: the problem, then what to do.
    expect(e.shortMessage).toBe('train.lr is not a number');
    expect(e.message).toBe('train.lr is not a number; give a finite number');
  });

  it('keeps the message as given when there is no hint', () => {
    const e = failure('the loop halted');
    expect(e.message).toBe('the loop halted');
    expect(e.hint).toBeUndefined();
    expect(e.exitCode).toBe(EXIT.failed);
  });

  it('maps every code to one of the three exit codes', () => {
    expect(EXIT).toEqual({ ok: 0, failed: 1, usage: 2 });
    for (const exit of Object.values(ERROR_EXIT)) expect([EXIT.failed, EXIT.usage]).toContain(exit);
    expect(ERROR_EXIT.usage).toBe(2);
    expect(ERROR_EXIT.workspace).toBe(2);
    expect(ERROR_EXIT['lock-held']).toBe(1);
    expect(ERROR_EXIT['no-log']).toBe(1);
  });

  it('is what the error classes of autopilot are, each with its code', () => {
    expect(new UsageError('bad flag').code).toBe('usage');
    expect(new WorkspaceError('no autopilot.json').exitCode).toBe(EXIT.usage);
    const policy = new PolicyError(['keys: required']);
    expect(isAutopilotError(policy, 'policy-invalid')).toBe(true);
    expect(isAutopilotError(policy, 'usage')).toBe(false);
    expect(isAutopilotError(new Error('plain'))).toBe(false);
  });

  it("reports itself after the one prefix, in its command's name when it has a scope", () => {
    expect(new UsageError('nothing written').report()).toBe('autopilot: nothing written');
    expect(new UsageError('nothing written', { scope: 'init' }).report()).toBe('autopilot init: nothing written');
    expect(prefixed('x', 'mcp')).toBe('autopilot mcp: x');
  });
});
