import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { getPath, mergeConfig, type Config, type Scalar } from '../../domain/config/config.js';
import { historyWorkspace } from '../support/histories.js';
import { CLI, copyShippedWorkspace } from '../support/workspace.js';

type Output = {
  ok: boolean;
  base: { kind: string; run: string | null };
  config?: Record<string, Record<string, unknown>>;
  diff?: { key: string; from: unknown; to: unknown }[];
  normalizations?: unknown[];
  errors?: { key: string; value: unknown; expected: string; rule: string; message: string }[];
};

const run = (args: string[]) => execa('node', [CLI, ...args], { reject: false });

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Writes a proposal file into the workspace folder's parent and returns its path. */
function proposalFile(ws: string, name: string, text: string): string {
  const path = join(ws, '..', name);
  writeFileSync(path, text);
  return path;
}

const envelope = (overrides: string) => `{"overrides": ${overrides}, "rationale": "test", "hypothesis": "test"}`;

async function validateJson(ws: string, file: string, extra: string[] = []): Promise<{ code: number | undefined; out: Output; stderr: string }> {
  const r = await run(['validate', file, '--workspace', ws, '--json', ...extra]);
  return { code: r.exitCode, out: JSON.parse(r.stdout) as Output, stderr: r.stderr };
}

describe('when validating against a fresh workspace (no log yet)', () => {
  let ws: string;
  let baseline: Record<string, Record<string, unknown>>;
  beforeAll(() => {
    ws = copyShippedWorkspace();
    baseline = readJson(join(ws, 'configs', 'baseline_quick.json'));
  });

  it('accepts a valid proposal against the baseline, printing the config, the diff and the normalizations', async () => {
    const file = proposalFile(ws, 'valid.json', envelope('{"train": {"learning_rate": 0.001}, "autopilot.resume_mode": "fresh"}'));
    const text = await run(['validate', file, '--workspace', ws]);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toContain('base: the quick baseline (no incumbent yet)');
    expect(text.stdout).toContain('"learning_rate": 0.001');
    expect(text.stdout).toContain('train.learning_rate: 0.0001 -> 0.001');
    expect(text.stdout).toContain('autopilot.resume_mode: (unset) -> "fresh"');
    expect(text.stdout).toContain('normalizations: none');

    const { code, out } = await validateJson(ws, file);
    expect(code).toBe(0);
    expect(out).toMatchObject({ ok: true, base: { kind: 'baseline', run: null }, normalizations: [] });
    expect(out.diff).toEqual([
      { key: 'autopilot.resume_mode', from: null, to: 'fresh' },
      { key: 'train.learning_rate', from: 0.0001, to: 0.001 },
    ]);
    expect(out.config).toEqual({ ...baseline, train: { ...baseline['train'], learning_rate: 0.001 }, autopilot: { resume_mode: 'fresh' } });
  });

  it('prints the normalizations the policy rules made', async () => {
    const own = copyShippedWorkspace();
    const range = { type: 'integer', min: 64, max: 4096 };
    writeFileSync(
      join(own, 'policy.json'),
      JSON.stringify({
        version: 1,
        keys: { 'train.batch_size': range, 'train.minibatch_size': range },
        rules: [{ rule: 'lte', key: 'train.minibatch_size', than: 'train.batch_size' }],
      }),
    );
    const file = proposalFile(own, 'normalized.json', envelope('{"train": {"batch_size": 256, "minibatch_size": 512}}'));
    const { code, out } = await validateJson(own, file);
    expect(code).toBe(0);
    expect(out.normalizations).toEqual([{ key: 'train.minibatch_size', before: 512, after: 256, rule: 'lte' }]);
    const text = await run(['validate', file, '--workspace', own]);
    expect(text.stdout).toContain('train.minibatch_size: 512 -> 256 (lte)');
  });

  const nine = '{"train": {"a": {"b": {"c": {"d": {"e": {"f": {}}}}}}}}';
  it.each([
    ['an unknown key', envelope('{"train": {"bogus_rate": 1}}'), 'train.bogus_rate', 'unknown_key'],
    ['an out-of-range value', envelope('{"train": {"learning_rate": 5}}'), 'train.learning_rate', 'range'],
    ['a NaN token', envelope('{"train": {"learning_rate": NaN}}'), 'train.learning_rate', 'non_finite'],
    ['an Infinity token', envelope('{"train.gamma": -Infinity}'), 'train.gamma', 'non_finite'],
    ['a duplicate key', envelope('{"train": {"learning_rate": 0.001, "learning_rate": 0.002}}'), 'train.learning_rate', 'duplicate_key'],
    ['a __proto__ key', envelope('{"train": {"__proto__": {"polluted": true}}}'), 'train.__proto__', 'forbidden_key'],
    ['another autopilot key', envelope('{"autopilot": {"mode": "full"}}'), 'autopilot.mode', 'unknown_key'],
    ['a checkpoint outside the workspace', envelope('{"autopilot.resume_from": "../../etc/passwd"}'), 'autopilot.resume_from', 'path'],
    ['a workspace file that is no checkpoint', envelope('{"autopilot.resume_from": "autopilot.json"}'), 'autopilot.resume_from', 'resume'],
    ['a batch size that is no power of two', envelope('{"train": {"batch_size": 1000}}'), 'train.batch_size', 'power_of_two'],
    ['a 300 KiB file', envelope(`{"train": {"learning_rate": 0.001}}, "pad": "${'x'.repeat(300 * 1024)}"`), 'proposal', 'shape'],
    ['nesting 9 deep', envelope(nine), 'train.a.b.c.d.e.f', 'too_deep'],
  ])('rejects %s with exit 1, naming the key', async (name, text, key, rule) => {
    const file = proposalFile(ws, `${name.replaceAll(' ', '-')}.json`, text);
    const plain = await run(['validate', file, '--workspace', ws]);
    expect(plain.exitCode, plain.stderr).toBe(1);
    expect(plain.stdout).toContain('rejected:');
    expect(plain.stdout).toContain(`  ${key} [${rule}]: ${key} = `);

    const { code, out } = await validateJson(ws, file);
    expect(code).toBe(1);
    expect(out.ok).toBe(false);
    expect(out.errors).toContainEqual(expect.objectContaining({ key, rule }));
    for (const e of out.errors ?? []) expect(Object.keys(e).sort()).toEqual(['expected', 'key', 'message', 'rule', 'value']);
  });

  it('exits 2 for a missing file, a --base without a log, or a bad --mode', async () => {
    const file = proposalFile(ws, 'fine.json', envelope('{}'));
    const missing = await run(['validate', join(ws, 'nope.json'), '--workspace', ws]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('not found');
    const base = await run(['validate', file, '--workspace', ws, '--base', '001']);
    expect(base.exitCode).toBe(2);
    expect(base.stderr).toContain('the log holds no runs yet');
    expect((await run(['validate', file, '--workspace', ws, '--mode', 'fast'])).exitCode).toBe(2);
  });

  it('uses the full baseline with --mode full', async () => {
    const full = readJson<Record<string, Record<string, unknown>>>(join(ws, 'configs', 'baseline_full.json'));
    const { code, out } = await validateJson(ws, proposalFile(ws, 'empty.json', envelope('{}')), ['--mode', 'full']);
    expect(code).toBe(0);
    expect(out.config).toEqual(full);
  });
});

describe('when a loop has run', () => {
  let ws: string;
  let incumbent: { run_id: string; override: Record<string, Scalar> };
  let baseline: Config;
  let first: Record<string, Record<string, unknown>>;
  let epochs: number;
  beforeAll(async () => {
    // A committed 2-run history: validate only reads it.
    ws = await historyWorkspace('loop-2');
    incumbent = readJson(join(ws, 'runs', 'best.json'));
    baseline = readJson(join(ws, 'configs', 'baseline_quick.json'));
    first = readJson(join(ws, 'runs', '001', 'config.json'));
    const taken = [incumbent.override['train.update_epochs'], getPath(baseline, 'train.update_epochs'), first['train']?.['update_epochs']];
    epochs = [1, 2, 3, 4, 5, 6, 7, 8].find((n) => !taken.includes(n)) as number;
  });

  it("validates against the incumbent's config (the baseline with its override) by default", async () => {
    const file = proposalFile(ws, 'epochs.json', envelope(`{"train.update_epochs": ${epochs}}`));
    const { code, out } = await validateJson(ws, file);
    expect(code).toBe(0);
    expect(out.base).toMatchObject({ kind: 'incumbent', run: incumbent.run_id });
    const base = mergeConfig(baseline, incumbent.override);
    expect(out.config).toEqual(mergeConfig(base, { 'train.update_epochs': epochs }));
    expect(out.diff).toEqual([{ key: 'train.update_epochs', from: getPath(base, 'train.update_epochs'), to: epochs }]);
    const text = await run(['validate', file, '--workspace', ws]);
    expect(text.stdout).toContain(`base: incumbent run ${incumbent.run_id}`);
  });

  it("validates against run 001's accepted config with --base 001", async () => {
    const file = proposalFile(ws, 'epochs.json', envelope(`{"train.update_epochs": ${epochs}}`));
    const { code, out } = await validateJson(ws, file, ['--base', '001']);
    expect(code).toBe(0);
    expect(out.base).toMatchObject({ kind: 'run', run: '001' });
    expect(out.config).toEqual({ ...first, train: { ...first['train'], update_epochs: epochs } });
    if (incumbent.run_id !== '001') expect(out.config).not.toEqual((await validateJson(ws, file)).out.config);
  });

  it('exits 2 for an unknown --base run, naming the known runs', async () => {
    const r = await run(['validate', proposalFile(ws, 'empty.json', envelope('{}')), '--workspace', ws, '--base', '009']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('no run "009"');
    expect(r.stderr).toContain('001, 002');
  });
});
