import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FULL_TIMEOUT_DEFAULTS, LIMIT_DEFAULTS, parseSettings, SettingsError } from '../../../domain/config/settings.js';
import { ROOT } from '../../support/workspace.js';

const shipped = () => JSON.parse(readFileSync(join(ROOT, 'autopilot', 'autopilot.json'), 'utf8')) as Record<string, unknown>;

describe('when autopilot.json has no limits', () => {
  it('parses unchanged, with the default limits', () => {
    expect(parseSettings(shipped()).limits).toEqual({
      max_problems: 100,
      max_samples: 100_000,
      max_event_bytes: 1_048_576,
      max_output_bytes: 64 * 1024 * 1024,
      failure_tail_lines: 20,
    });
    expect(LIMIT_DEFAULTS.max_event_bytes).toBe(1_048_576);
  });
});

describe('when autopilot.json sets limits', () => {
  it('takes each key, defaulting the others', () => {
    expect(parseSettings({ ...shipped(), limits: { max_samples: 500 } }).limits).toMatchObject({ max_samples: 500, max_problems: 100 });
  });

  it('names a bad or unknown key and what is allowed', () => {
    const problem = (limits: unknown) => {
      try {
        parseSettings({ ...shipped(), limits });
      } catch (e) {
        expect(e).toBeInstanceOf(SettingsError);
        return (e as Error).message;
      }
      throw new Error('expected a SettingsError');
    };
    expect(problem({ max_problems: 0 })).toMatch(/limits\.max_problems: .*>=1/);
    expect(problem({ max_event_bytes: 100 })).toMatch(/limits\.max_event_bytes: .*>=4096/);
    expect(problem({ max_samples: 1.5 })).toMatch(/limits\.max_samples/);
    expect(problem({ max_events: 3 })).toMatch(/limits: Unrecognized key: "max_events"/);
  });
});

describe('when autopilot.json leaves out timeouts.full', () => {
  const minimal = { trainer: { command: ['python3', 'train.py'] }, metric: { name: 'score', direction: 'maximize' }, timeouts: { quick: { wall_seconds: 60, no_output_seconds: 10 } } };

  it('parses a quick-only workspace, with the default limits for full runs', () => {
    const s = parseSettings(minimal);
    expect(s.timeouts.full).toEqual(FULL_TIMEOUT_DEFAULTS);
    expect(s.timeouts.quick).toEqual({ wall_seconds: 60, no_output_seconds: 10, grace_seconds: 5 });
  });

  it('keeps full limits that are given, and every existing workspace the same', () => {
    const given = { wall_seconds: 100, no_output_seconds: 20, grace_seconds: 3 };
    expect(parseSettings({ ...minimal, timeouts: { ...minimal.timeouts, full: given } }).timeouts.full).toEqual(given);
    expect(parseSettings(shipped()).timeouts.full).toEqual({ wall_seconds: 1800, no_output_seconds: 120, grace_seconds: 10 });
  });

  it('still needs the quick limits', () => {
    expect(() => parseSettings({ ...minimal, timeouts: {} })).toThrow(/timeouts\.quick/);
  });
});
