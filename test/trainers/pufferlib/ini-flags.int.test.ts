/**
 * The flags autopilot renders for the drone example, parsed by the fake `load_config`, which builds
 * its argparse parser from the real `default.ini` and `drone_pp.ini` (byte copies of the fork's
 * `master`, named in test/fixtures/pufferlib/pufferlib/config/SOURCE.md) as PufferLib's own does:
 * every shipped baseline and every policy extreme must be accepted, each value arriving typed as
 * in the config; what the real parser refuses is refused.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { flattenConfig, mergeConfig, type Scalar } from '../../../domain/config/config.js';
import { parsePolicy, type KeySpec } from '../../../domain/policy/policy.js';
import { renderArgs } from '../../../domain/trainer-io/render-args.js';
import { EXAMPLE, FAKE_PUFFERLIB, hasPython, PYTHON, readJson, type Sections } from './support.js';

type Parsed = { ok: true; args: Record<string, unknown> } | { ok: false; code: number; stderr: string };

/** Parses each flag list with the fake's load_config('puffer_drone_pp'), all in one Python process. */
function parseAll(argvs: string[][]): Parsed[] {
  const r = spawnSync(PYTHON, [join(FAKE_PUFFERLIB, 'parse_flags.py')], {
    input: JSON.stringify({ env: 'puffer_drone_pp', argvs }),
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, PYTHONPATH: FAKE_PUFFERLIB, PYTHONDONTWRITEBYTECODE: '1' },
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Parsed);
}

/** The value at a dotted path of parsed args. */
function at(args: Record<string, unknown>, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], args);
}

/** The extreme values of a policy key: its bounds, each choice, both booleans. */
function extremes(spec: KeySpec): Scalar[] {
  switch (spec.type) {
    case 'number':
    case 'integer':
      return [spec.min, spec.max];
    case 'boolean':
      return [true, false];
    case 'enum':
      return spec.choices;
  }
}

const CONFIG_DIR = join(FAKE_PUFFERLIB, 'pufferlib', 'config');
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

beforeAll(() => {
  expect(hasPython(), 'these tests run python3 from PATH').toBe(true);
});

describe("the fake's .ini files", () => {
  it('are the byte copies SOURCE.md names (its sha256 lines match the files)', () => {
    const source = readFileSync(join(CONFIG_DIR, 'SOURCE.md'), 'utf8');
    expect(source).toContain('1c13fc6830336bb90f4dd62dc25853c8314aefb3');
    for (const rel of ['default.ini', 'ocean/drone_pp.ini']) expect(source, rel).toContain(`${sha256(join(CONFIG_DIR, rel))}  ${rel}`);
  });
});

describe('when every shipped baseline and every policy extreme of the drone example is rendered and parsed', () => {
  const policy = parsePolicy(readJson(join(EXAMPLE, 'policy.json')));
  const cases: { name: string; config: Sections }[] = [];
  for (const mode of ['quick', 'full']) {
    const base = readJson<Sections>(join(EXAMPLE, 'configs', `baseline_${mode}.json`));
    cases.push({ name: `baseline_${mode}`, config: base });
    for (const [key, spec] of Object.entries(policy.keys))
      for (const value of extremes(spec)) cases.push({ name: `${mode} ${key}=${String(value)}`, config: mergeConfig(base, { [key]: value }) as Sections });
  }
  let parsed: Parsed[];
  beforeAll(() => {
    parsed = parseAll(cases.map((c) => renderArgs(c.config)));
  });

  it('covers both baselines and both ends of every policy key', () => {
    expect(cases.length).toBe(2 + 2 * 2 * Object.keys(policy.keys).length);
  });

  it('has every one accepted, each config value arriving with its type', () => {
    cases.forEach((c, i) => {
      const p = parsed[i]!;
      if (!p.ok) throw new Error(`${c.name}: refused (exit ${p.code}): ${p.stderr}`);
      for (const [key, value] of Object.entries(flattenConfig(c.config))) expect(at(p.args, key), `${c.name}: ${key}`).toStrictEqual(value);
    });
  });
});

describe('when flags the real parser refuses or reads specially are parsed', () => {
  const argvs: Record<string, string[]> = {
    wandbTrue: ['--wandb', 'True'],
    negativeSpaced: ['--train.gamma', '-1e-05'],
    rendered: renderArgs({ wandb: true, neptune: false, train: { gamma: -1e-5, compile_mode: 'default', name: 'me' } }),
    topLevel: ['--neptune-name', 'n', '--fps', '30', '--max-suggestion-cost', '60', '--sweep.train.gamma.max', '0.99'],
    box2: ['--env.box-base-density', '50.0'],
  };
  let r: Record<string, Parsed>;
  beforeAll(() => {
    const names = Object.keys(argvs);
    const out = parseAll(names.map((n) => argvs[n]!));
    r = Object.fromEntries(names.map((n, i) => [n, out[i]!]));
  });

  it('refuses `--wandb True` (store_true) and a spaced negative value, as argparse does', () => {
    expect(r['wandbTrue']).toMatchObject({ ok: false, code: 2 });
    expect((r['wandbTrue'] as { stderr: string }).stderr).toContain('unrecognized arguments: True');
    expect(r['negativeSpaced']).toMatchObject({ ok: false, code: 2 });
    expect((r['negativeSpaced'] as { stderr: string }).stderr).toContain('expected one argument');
  });

  it("accepts autopilot's rendering of them: the bare --wandb, nothing for false, --train.gamma=-1e-05", () => {
    expect(r['rendered']).toMatchObject({ ok: true, args: { wandb: true, neptune: false, train: { gamma: -1e-5, compile_mode: 'default', name: 'me' } } });
  });

  it('accepts the real top-level options and the [sweep*] sections', () => {
    expect(r['topLevel']).toMatchObject({ ok: true, args: { neptune_name: 'n', fps: 30, max_suggestion_cost: 60, sweep: { train: { gamma: { max: 0.99 } } } } });
  });

  it("refuses the box2 branch's keys, which master's drone_pp.ini does not declare", () => {
    expect(r['box2']).toMatchObject({ ok: false, code: 2 });
  });
});
