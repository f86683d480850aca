/** `autopilot policy import-puffer | check | schema` through the real CLI. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../support/workspace.js';

const run = (args: string[]) => execa('node', [CLI, ...args], { reject: false });

const SWEEP_INI = `# a PufferLib env config
[base]
env_name = puffer_drone_pp

[env]
num_drones = 64

[train]
learning_rate = 0.0063508 # tuned
update_epochs = 1
total_timesteps = 200_000_000
anneal_lr = True

[sweep.train.learning_rate]
distribution = log_normal
min = 0.00001
max = 0.1
mean = 0.006
scale = 0.5

[sweep.train.update_epochs]
distribution = uniform
min = 1
max = 8
scale = auto

[sweep.env.num_drones]
distribution = uniform_pow2
min = 8
max = 64
mean = 64
scale = auto
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'autopilot-policy-'));
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('when importing a PufferLib ini', () => {
  it('prints a policy that policy check accepts, with the notes on stderr', async () => {
    const ini = write('drone.ini', SWEEP_INI);
    const imported = await run(['policy', 'import-puffer', ini, '--env', 'puffer_drone_pp']);
    expect(imported.exitCode, imported.stderr).toBe(0);
    const policy = JSON.parse(imported.stdout) as { keys: Record<string, { type: string; distribution: string }> };
    expect(policy.keys['train.update_epochs']).toMatchObject({ type: 'integer', distribution: 'int_uniform' });
    expect(policy.keys['env.num_drones']).toMatchObject({ type: 'integer', distribution: 'uniform_pow2' });
    expect(imported.stderr).toContain('note: train.update_epochs: scale = auto omitted');

    const file = write('imported.json', imported.stdout);
    const checked = await run(['policy', 'check', '--file', file]);
    expect(checked.exitCode, checked.stderr).toBe(0);
    for (const key of ['train.learning_rate', 'train.update_epochs', 'env.num_drones']) expect(checked.stdout).toContain(key);
  });

  it('writes the policy with --out', async () => {
    const ini = write('out.ini', SWEEP_INI);
    const out = join(dir, 'nested', 'policy.json');
    const r = await run(['policy', 'import-puffer', ini, '--out', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(Object.keys((JSON.parse(readFileSync(out, 'utf8')) as { keys: object }).keys)).toHaveLength(3);
  });

  it('exits 2 naming the file and line of an invalid ini', async () => {
    const ini = write('broken.ini', '[train]\nlr = 0.1\nthis line has no equals sign\n');
    const r = await run(['policy', 'import-puffer', ini]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${ini}:3: expected "key = value"`);
    expect(r.stdout).toBe('');
  });

  it('exits 2 for an env the file does not configure', async () => {
    const ini = write('env.ini', SWEEP_INI);
    const r = await run(['policy', 'import-puffer', ini, '--env', 'puffer_pong']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--env puffer_pong is not configured by this file');
  });
});

describe("when importing default.ini and an env's file together", () => {
  const CONFIG = join(ROOT, 'test', 'fixtures', 'pufferlib', 'pufferlib', 'config');

  it("merges PufferLib's real default.ini and drone_pp.ini as PufferLib does: both sweeps, the env's [sweep] metric", async () => {
    const r = await run(['policy', 'import-puffer', join(CONFIG, 'default.ini'), join(CONFIG, 'ocean', 'drone_pp.ini')]);
    expect(r.exitCode, r.stderr).toBe(0);
    const keys = (JSON.parse(r.stdout) as { keys: Record<string, { mean?: number }> }).keys;
    for (const key of ['train.learning_rate', 'train.bptt_horizon', 'env.w_position', 'env.grip_k_decay']) expect(keys, key).toHaveProperty([key]);
    // drone_pp.ini's [train] values are the base values (means) of default.ini's sweep sections.
    expect(keys['train.learning_rate']!.mean).toBe(0.01);
    expect(r.stderr).toContain('PufferLib sweeps for metric perfect_deliv (maximize)');
    expect(r.stderr).toContain('as PufferLib does');
  });

  it("takes the env's keys over default.ini's key by key, inside a section both have", async () => {
    const under = write('default.ini', '[base]\nenv_name = None\n\n[sweep.train.learning_rate]\ndistribution = log_normal\nmin = 0.0001\nmax = 0.1\nmean = 0.01\n');
    const over = write('mine.ini', '[base]\nenv_name = mine\n\n[sweep.train.learning_rate]\nmean = 0.05\n');
    const r = await run(['policy', 'import-puffer', under, over]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).keys['train.learning_rate']).toMatchObject({ distribution: 'log_normal', min: 0.0001, max: 0.1, mean: 0.05 });
    const alone = await run(['policy', 'import-puffer', over]);
    expect(alone.exitCode).toBe(2);
  });

  it('refuses a third file', async () => {
    const ini = write('third.ini', SWEEP_INI);
    const r = await run(['policy', 'import-puffer', ini, ini, ini]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('optionally after default.ini');
  });
});

describe('when checking a policy', () => {
  it('lists every key of the shipped workspace policy, its rules and allowed paths', async () => {
    const r = await run(['policy', 'check', '--workspace', join(ROOT, 'autopilot')]);
    expect(r.exitCode, r.stderr).toBe(0);
    const shipped = JSON.parse(readFileSync(join(ROOT, 'autopilot', 'policy.json'), 'utf8')) as { keys: object };
    for (const key of Object.keys(shipped.keys)) expect(r.stdout).toMatch(new RegExp(`^${key.replace(/\./g, '\\.')}\\s`, 'm'));
    expect(r.stdout).toMatch(/^key\s+type\s+range\/choices\s+distribution/m);
    expect(r.stdout).toContain('lte: train.minibatch_size <= train.batch_size');
    expect(r.stdout).toContain('allowed_paths: proposals/next_config.json');
  });

  it('prints the parsed policy with --json', async () => {
    const r = await run(['policy', 'check', '--workspace', join(ROOT, 'autopilot'), '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, policy: { version: 1 } });
  });

  it('exits 1 naming every problem of a broken policy', async () => {
    const file = write(
      'broken.json',
      JSON.stringify({
        version: 1,
        keys: { 'train.learning_rate': { type: 'number', min: 0.1, max: 0.001 }, 'train.epochs': { type: 'integer', min: 1, max: 4, distribution: 'gaussian' } },
      }),
    );
    const r = await run(['policy', 'check', '--file', file]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('keys["train.learning_rate"]');
    expect(r.stderr).toContain('min (0.1) must be <= max (0.001)');
    expect(r.stderr).toContain('keys["train.epochs"].distribution');
    const json = await run(['policy', 'check', '--file', file, '--json']);
    expect(json.exitCode).toBe(1);
    expect((JSON.parse(json.stdout) as { ok: boolean; problems: string[] }).problems).toHaveLength(2);
  });

  it('exits 1 for a uniform_pow2 key whose bounds are not powers of two, naming the bound and the nearest powers', async () => {
    const file = write('pow2.json', JSON.stringify({ version: 1, keys: { 'train.batch_size': { type: 'integer', min: 500, max: 4096, distribution: 'uniform_pow2' } } }));
    const r = await run(['policy', 'check', '--file', file]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('keys["train.batch_size"].min: uniform_pow2 needs min to be a power of two (1, 2, 4, …); 500 is not; the nearest are 256 and 512');
    expect(r.stderr).not.toContain('.max');
  });

  it('exits 1 for a file that is not JSON and 2 for a missing file', async () => {
    expect((await run(['policy', 'check', '--file', write('not.json', '{ nope')])).exitCode).toBe(1);
    const missing = await run(['policy', 'check', '--file', join(dir, 'absent.json')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('policy not found');
  });

  it('accepts a "$schema" field for editors', async () => {
    const file = write('with-schema.json', JSON.stringify({ $schema: '../dist/schemas/policy.schema.json', version: 1, keys: { 'train.seed': { type: 'boolean' } } }));
    expect((await run(['policy', 'check', '--file', file])).exitCode).toBe(0);
  });

  it('passes the example policy for puffer_drone_pp, with its divisibility and batch-size rules', async () => {
    const r = await run(['policy', 'check', '--file', join(ROOT, 'examples', 'puffer_drone_pp', 'policy.json')]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('multiple_of: vec.num_envs is a multiple of vec.num_workers');
    expect(r.stdout).toContain('product: train.batch_size = env.num_envs * env.num_drones * vec.num_envs * train.bptt_horizon');
    expect(r.stdout).toContain('lte: train.minibatch_size <= train.batch_size');
  });
});

describe('when printing the schema', () => {
  it('prints a JSON Schema whose properties describe the keys', async () => {
    const r = await run(['policy', 'schema']);
    expect(r.exitCode, r.stderr).toBe(0);
    const schema = JSON.parse(r.stdout) as { $schema: string; properties: Record<string, unknown>; required: string[] };
    expect(schema.$schema).toContain('json-schema.org');
    expect(schema.properties.keys).toBeDefined();
    expect(schema.required).toEqual(expect.arrayContaining(['version', 'keys']));
  });

  it('writes the same schema with --out', async () => {
    const out = join(dir, 'policy.schema.json');
    expect((await run(['policy', 'schema', '--out', out])).exitCode).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(JSON.parse((await run(['policy', 'schema'])).stdout));
  });
});
