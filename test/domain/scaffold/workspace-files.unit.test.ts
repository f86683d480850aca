import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../domain/config/parse-config.js';
import { parsePolicy } from '../../../domain/policy/policy.js';
import { examplePolicy } from '../../../domain/scaffold/example-policy.js';
import { settingsFile } from '../../../domain/scaffold/json-text.js';
import { trainerScript } from '../../../domain/scaffold/scripts.js';
import { trainerSpec, workspaceFiles } from '../../../domain/scaffold/workspace-files.js';
import { FULL_TIMEOUT_DEFAULTS, parseSettings } from '../../../domain/config/settings.js';
import { ROOT } from '../../support/workspace.js';

describe('the settings layout', () => {
  it('writes the shipped autopilot.json back byte for byte from its parsed value', () => {
    const text = readFileSync(join(ROOT, 'autopilot', 'autopilot.json'), 'utf8');
    expect(settingsFile(JSON.parse(text) as Record<string, unknown>)).toBe(text);
  });
});

describe('a workspace for a trainer', () => {
  const files = workspaceFiles(
    trainerSpec({
      argv: ['python3', 'train.py', '--name', "it's a $HOME"],
      cwd: '..',
      script: 'ws/scripts/run_training.sh',
      metric: { name: 'score', direction: 'minimize' },
      policy: examplePolicy({ train: { learning_rate: 0.003 } }).policy,
      baselines: { quick: { train: { learning_rate: 0.003 } }, full: { train: { learning_rate: 0.003, total_timesteps: 10 } } },
    }),
  );
  const text = (path: string) => files.find((f) => f.path === path)?.text ?? '';

  it("parses with autopilot's own parsers, defaults filled in", () => {
    const s = parseSettings(JSON.parse(text('autopilot.json')));
    expect(s.trainer).toEqual({ command: ['bash', 'ws/scripts/run_training.sh'], cwd: '..', env: {}, flag_names: 'kebab' });
    expect(s.metric).toEqual({ name: 'score', direction: 'minimize' });
    expect(s.timeouts.full).toEqual(FULL_TIMEOUT_DEFAULTS);
    expect(parsePolicy(JSON.parse(text('policy.json'))).keys['train.learning_rate']).toMatchObject({ min: 0.0003, max: 0.03, distribution: 'log_normal' });
    expect(parseConfig(JSON.parse(text('configs/baseline_full.json')))).toEqual({ train: { learning_rate: 0.003, total_timesteps: 10 } });
    expect(text('proposals/next_config.json')).toBe('{}\n');
    expect(files.filter((f) => f.executable).map((f) => f.path)).toEqual(['scripts/run_training.sh']);
  });

  it('execs the argv, each word quoted for bash, then the flags autopilot appends', () => {
    const script = text('scripts/run_training.sh');
    expect(script.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(script).toContain('\nexport PYTHONUNBUFFERED=1\n');
    expect(script.endsWith(`\nexec python3 train.py --name 'it'\\''s a $HOME' "$@"\n`)).toBe(true);
    expect(trainerScript(['-weird', 'x'])).toContain('\nexec -- -weird x "$@"\n');
  });
});

describe('the example policy', () => {
  it('takes train.learning_rate, else the first number, with a range holding the baseline value', () => {
    expect(examplePolicy({ train: { learning_rate: 0.01, seed: 1 } }).key).toBe('train.learning_rate');
    const int = examplePolicy({ env: { name: 'x', num_envs: 8 } });
    expect(int.key).toBe('env.num_envs');
    expect(int.policy.keys['env.num_envs']).toMatchObject({ type: 'integer', min: 4, max: 16 });
    const negative = examplePolicy({ train: { bias: -0.5 } }).policy.keys['train.bias'];
    expect(negative).toMatchObject({ type: 'number', min: -1.5, max: 0.5 });
    expect(examplePolicy({}).policy.keys['train.learning_rate']).toMatchObject({ min: 1e-5, max: 1e-2 });
    for (const baseline of [{ a: { b: 0 } }, { a: { b: 1 } }, { a: { b: 3 } }, { a: { b: 1e-9 } }, { a: { b: 0.7 } }]) {
      expect(() => parsePolicy(examplePolicy(baseline).policy)).not.toThrow();
    }
  });
});
