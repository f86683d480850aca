import { describe, expect, it } from 'vitest';
import { previousErrorsEnv } from '../../../adapters/proposers/agent-run.js';
import { validationError } from '../../../domain/policy/validation-error.js';

const error = (i: number) => validationError(`u${i}`, 'é'.repeat(200), 'unknown_key', 'is not a key the policy allows', `one of the policy keys ${'k, '.repeat(100)}`);

describe('when the previous errors go to the agent in its environment', () => {
  it('passes them all when they fit, with nothing omitted', () => {
    const env = previousErrorsEnv({ previousErrors: [error(1), error(2)] });
    expect(JSON.parse(env.AUTOPILOT_PREVIOUS_ERRORS!)).toEqual([error(1), error(2)]);
    expect(env.AUTOPILOT_PREVIOUS_ERRORS_OMITTED).toBe('0');
  });

  it('keeps the variable under 64 KiB of UTF-8 (Linux refuses one over 128 KiB) and counts the rest', () => {
    const env = previousErrorsEnv({ previousErrors: Array.from({ length: 100 }, (_, i) => error(i)), previousOmitted: 19_900 });
    const text = env.AUTOPILOT_PREVIOUS_ERRORS!;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(64 * 1024);
    const passed = JSON.parse(text) as unknown[];
    expect(passed.length).toBeGreaterThan(0);
    expect(passed.length).toBeLessThan(100);
    expect(passed[0]).toEqual(error(0));
    expect(Number(env.AUTOPILOT_PREVIOUS_ERRORS_OMITTED)).toBe(100 - passed.length + 19_900);
  });
});
