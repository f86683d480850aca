import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../domain/policy/policy.js';
import { importPufferSweep, parseIniValue, parsePufferIni, PufferIniError } from '../../../integrations/pufferlib/ini.js';

/** A PufferLib-style env config: comments of both kinds, underscores, auto scales, True/False, int and float keys, pow2. */
const DRONE_INI = `; drone_pp-like config written for this test
[base]
package = ocean
env_name = puffer_drone_pp puffer_drone_swarm
policy_name = Policy

[vec]
num_envs = 8
num_workers = auto
zero_copy = True

[env]
num_envs = 16 # inline comment
num_drones = 64
w_position = 1.13

[train]
anneal_lr = False
device = 'cuda'
total_timesteps = 200_000_000
learning_rate = 0.0063508 # 0.0109
update_epochs = 1
bptt_horizon = 64
minibatch_size = 32_768

[sweep]
method = Protein
metric = perfect_deliv
goal = maximize

# the learning rate, log-scaled
[sweep.train.learning_rate]
distribution = log_normal
min = 1e-5
max = 1e-1
mean = 0.006
scale = 0.5

[sweep.train.update_epochs]
distribution = uniform
min = 1
max = 8
mean = 1
scale = auto

[sweep.train.minibatch_size]
distribution = uniform_pow2
min = 8_192
max = 65_536
mean = 32_768
scale = auto

[sweep.train.total_timesteps]
distribution = log_normal
min = 1e8
max = 4e8
mean = 2e8
scale = time

[sweep.env.w_position]
distribution = uniform
min = 0.0
max = 1.5
mean = 1.7
scale = auto

[sweep.train.gae_lambda]
distribution = logit_normal
min = 0.6
max = 0.995
mean = 0.5999999999999999

#[sweep.train.gamma]
#distribution = logit_normal
#min = 0.8
`;

/** The error thrown by `fn`, which must be a PufferIniError. */
function iniError(fn: () => unknown): PufferIniError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PufferIniError);
    return error as PufferIniError;
  }
  throw new Error('expected a PufferIniError');
}

describe('when reading PufferLib literal values', () => {
  it("reads integers and floats with underscores, keeping Python's int/float distinction", () => {
    expect(parseIniValue('10_000_000', 1)).toEqual({ kind: 'int', value: 10_000_000 });
    expect(parseIniValue('-3', 1)).toEqual({ kind: 'int', value: -3 });
    expect(parseIniValue('1e-4', 1)).toEqual({ kind: 'float', value: 1e-4 });
    expect(parseIniValue('2e8', 1)).toEqual({ kind: 'float', value: 2e8 });
    expect(parseIniValue('0.90', 1)).toEqual({ kind: 'float', value: 0.9 });
    expect(parseIniValue('.5', 1)).toEqual({ kind: 'float', value: 0.5 });
    expect(parseIniValue('1_000.5', 1)).toEqual({ kind: 'float', value: 1000.5 });
  });

  it('reads True/False, None, quoted strings and bare words', () => {
    expect(parseIniValue('True', 1)).toEqual({ kind: 'bool', value: true });
    expect(parseIniValue('False', 1)).toEqual({ kind: 'bool', value: false });
    expect(parseIniValue('None', 1)).toEqual({ kind: 'none' });
    expect(parseIniValue('"muon"', 1)).toEqual({ kind: 'string', value: 'muon', quoted: true });
    expect(parseIniValue("'it\\'s'", 1)).toEqual({ kind: 'string', value: "it's", quoted: true });
    expect(parseIniValue('auto', 1)).toEqual({ kind: 'string', value: 'auto', quoted: false });
    expect(parseIniValue('max-autotune-no-cudagraphs', 1)).toEqual({ kind: 'string', value: 'max-autotune-no-cudagraphs', quoted: false });
  });

  it('rejects malformed numbers and strings, naming the line', () => {
    expect(iniError(() => parseIniValue('1__000', 7)).message).toBe('line 7: "1__000" is not a valid number (underscores go between digits, as in 10_000_000 or 1e-4)');
    expect(iniError(() => parseIniValue('10_', 3)).line).toBe(3);
    expect(iniError(() => parseIniValue('1e', 3)).problem).toContain('not a valid number');
    expect(iniError(() => parseIniValue("'open", 4)).message).toBe("line 4: unterminated string: no closing '");
    expect(iniError(() => parseIniValue('"a" b', 5)).problem).toContain('unexpected text after the closing');
  });
});

describe('when parsing an ini file', () => {
  it('reads sections and entries in file order, skipping comments and inline comments', () => {
    const ini = parsePufferIni(DRONE_INI);
    expect(ini.sections.map((s) => s.name).slice(0, 5)).toEqual(['base', 'vec', 'env', 'train', 'sweep']);
    const env = ini.sections.find((s) => s.name === 'env');
    expect(env?.entries).toEqual([
      { key: 'num_envs', value: { kind: 'int', value: 16 }, line: 13 },
      { key: 'num_drones', value: { kind: 'int', value: 64 }, line: 14 },
      { key: 'w_position', value: { kind: 'float', value: 1.13 }, line: 15 },
    ]);
    const train = ini.sections.find((s) => s.name === 'train');
    expect(train?.entries.find((e) => e.key === 'learning_rate')?.value).toEqual({ kind: 'float', value: 0.0063508 });
    expect(train?.entries.find((e) => e.key === 'device')?.value).toEqual({ kind: 'string', value: 'cuda', quoted: true });
    expect(ini.sections.some((s) => s.name === 'sweep.train.gamma')).toBe(false);
  });

  it('accepts "key: value", CRLF line ends, lower-cases keys and joins indented continuation lines', () => {
    const ini = parsePufferIni('[train]\r\nSeed: 42\r\nname = a\r\n  b\r\n');
    expect(ini.sections[0]?.entries).toEqual([
      { key: 'seed', value: { kind: 'int', value: 42 }, line: 2 },
      { key: 'name', value: { kind: 'string', value: 'a\nb', quoted: false }, line: 3 },
    ]);
  });

  it('names the line of every structural error', () => {
    expect(iniError(() => parsePufferIni('lr = 1\n')).message).toBe('line 1: key "lr" is outside any section; add a [section] header above it');
    expect(iniError(() => parsePufferIni('[train]\n\njust words\n')).message).toBe('line 3: expected "key = value", a [section] header or a comment, got: just words');
    expect(iniError(() => parsePufferIni('[train]\nlr = 1\n[env]\n[train]\n')).message).toBe('line 4: section [train] is already defined on line 1');
    expect(iniError(() => parsePufferIni('[train]\nlr = 1\nLR = 2\n')).message).toBe('line 3: key "lr" is already set in [train] on line 2');
    expect(iniError(() => parsePufferIni('[train\n')).line).toBe(1);
    expect(iniError(() => parsePufferIni('[]\n')).line).toBe(1);
    expect(iniError(() => parsePufferIni('[train]\n= 3\n')).line).toBe(2);
    expect(iniError(() => parsePufferIni('[train]\na = 1\nsteps = 10__000\n')).message).toContain('line 3: "10__000" is not a valid number');
  });
});

describe('when importing a sweep', () => {
  const imported = importPufferSweep(DRONE_INI, { env: 'puffer_drone_pp' });

  it('turns each [sweep.<section>.<key>] into a policy key, in file order', () => {
    expect(Object.keys(imported.policy.keys)).toEqual(['train.learning_rate', 'train.update_epochs', 'train.minibatch_size', 'train.total_timesteps', 'env.w_position', 'train.gae_lambda']);
  });

  it('keeps a float key a number and carries mean and a numeric scale', () => {
    expect(imported.policy.keys['train.learning_rate']).toEqual({
      type: 'number',
      min: 1e-5,
      max: 0.1,
      distribution: 'log_normal',
      mean: 0.006,
      scale: 0.5,
      description: 'PufferLib [sweep.train.learning_rate]; base value 0.0063508',
    });
  });

  it('imports uniform on an integer-valued base key as an int_uniform integer, omitting scale = auto', () => {
    expect(imported.policy.keys['train.update_epochs']).toEqual({
      type: 'integer',
      min: 1,
      max: 8,
      distribution: 'int_uniform',
      mean: 1,
      description: 'PufferLib [sweep.train.update_epochs]; base value 1',
    });
    expect(imported.notes).toContain('train.update_epochs: uniform on an integer key imported as int_uniform');
    expect(imported.notes.some((n) => n.startsWith('train.update_epochs: scale = auto omitted'))).toBe(true);
  });

  it('imports uniform_pow2 as an integer uniform_pow2 with underscores read as digits', () => {
    expect(imported.policy.keys['train.minibatch_size']).toMatchObject({ type: 'integer', min: 8192, max: 65536, distribution: 'uniform_pow2', mean: 32768 });
    expect(imported.policy.keys['train.minibatch_size']).not.toHaveProperty('scale');
  });

  it('imports log_normal on an integer base key as an integer, and omits scale = time', () => {
    expect(imported.policy.keys['train.total_timesteps']).toMatchObject({ type: 'integer', min: 1e8, max: 4e8, distribution: 'log_normal', mean: 2e8 });
    expect(imported.policy.keys['train.total_timesteps']).not.toHaveProperty('scale');
    expect(imported.notes.some((n) => n.startsWith('train.total_timesteps: scale = time omitted'))).toBe(true);
  });

  it('clamps a mean outside [min, max] into the range, with a note', () => {
    expect(imported.policy.keys['env.w_position']).toMatchObject({ type: 'number', distribution: 'uniform', mean: 1.5 });
    expect(imported.policy.keys['train.gae_lambda']).toMatchObject({ type: 'number', distribution: 'logit_normal', mean: 0.6 });
    expect(imported.notes).toContain('train.gae_lambda: mean 0.5999999999999999 lies outside [0.6, 0.995]; clamped to 0.6');
  });

  it('produces a policy parsePolicy accepts unchanged', () => {
    expect(parsePolicy(JSON.parse(JSON.stringify(imported.policy)))).toEqual(imported.policy);
  });

  it('notes the env, the sweep metric and the missing rules', () => {
    expect(imported.notes).toContain('env puffer_drone_pp (one of 2 in [base] env_name)');
    expect(imported.notes.some((n) => n.includes('metric perfect_deliv (maximize) with Protein'))).toBe(true);
    expect(imported.notes.some((n) => n.includes('declare no derived rules'))).toBe(true);
  });

  it('asks for --env when the file configures several envs', () => {
    expect(importPufferSweep(DRONE_INI).notes.some((n) => n.includes('configures 2 envs') && n.includes('--env'))).toBe(true);
  });

  it('rejects an env the file does not configure, naming the env_name line', () => {
    expect(iniError(() => importPufferSweep(DRONE_INI, { env: 'puffer_pong' })).message).toBe(
      'line 4: --env puffer_pong is not configured by this file; [base] env_name lists puffer_drone_pp, puffer_drone_swarm',
    );
  });

  it('imports a file that names no env for the env given', () => {
    const ini = '[base]\nenv_name = None\n[sweep.train.gamma]\ndistribution = logit_normal\nmin = 0.8\nmax = 0.9999\n';
    const result = importPufferSweep(ini, { env: 'puffer_drone_pp' });
    expect(result.policy.keys['train.gamma']).toMatchObject({ type: 'number', distribution: 'logit_normal' });
    expect(result.notes[0]).toContain('imported for puffer_drone_pp as is');
  });

  it('reads the older [sweep.parameters.<section>.parameters.<key>] form, typing keys without a base by their bounds', () => {
    const ini =
      '[sweep.parameters.env.parameters.frameskip]\ndistribution = uniform\nmin = 1\nmax = 10\n\n[sweep.parameters.env.parameters.drag]\ndistribution = uniform\nmin = 0\nmax = 1.0\n';
    const { policy } = importPufferSweep(ini);
    expect(policy.keys['env.frameskip']).toMatchObject({ type: 'integer', min: 1, max: 10, distribution: 'int_uniform' });
    expect(policy.keys['env.drag']).toMatchObject({ type: 'number', min: 0, max: 1, distribution: 'uniform' });
  });

  it('rounds fractional bounds of an integer key inwards', () => {
    const result = importPufferSweep('[sweep.train.update_epochs]\ndistribution = int_uniform\nmin = 0.5\nmax = 8.5\n');
    expect(result.policy.keys['train.update_epochs']).toMatchObject({ type: 'integer', min: 1, max: 8 });
    expect(result.notes).toContain('train.update_epochs: integer range [0.5, 8.5] rounded inwards to [1, 8]');
  });
});

describe('when a sweep section cannot be imported', () => {
  const sweep = (body: string) => `[train]\nlr = 0.1\n\n[sweep.train.lr]\n${body}`;

  it('names the line of a bad field', () => {
    expect(iniError(() => importPufferSweep(sweep('distribution = gaussian\nmin = 0\nmax = 1\n'))).message).toBe(
      'line 5: [sweep.train.lr]: unknown distribution gaussian; allowed are uniform, int_uniform, uniform_pow2, log_normal, logit_normal',
    );
    expect(iniError(() => importPufferSweep(sweep('distribution = uniform\nmin = low\nmax = 1\n'))).message).toBe('line 6: [sweep.train.lr]: min must be a finite number, got low');
    expect(iniError(() => importPufferSweep(sweep('distribution = uniform\nmin = 0\nmax = 1\nscale = wide\n'))).message).toBe(
      'line 8: [sweep.train.lr]: scale must be a number > 0, auto or time, got wide',
    );
  });

  it('names the section line for a missing field', () => {
    expect(iniError(() => importPufferSweep(sweep('distribution = uniform\nmin = 0\n'))).message).toBe('line 4: [sweep.train.lr]: missing max');
  });

  it('rejects ranges the distribution cannot sample, on the line of min', () => {
    expect(iniError(() => importPufferSweep(sweep('distribution = log_normal\nmin = 0.0\nmax = 1.0\n'))).message).toBe('line 6: [sweep.train.lr]: log_normal needs min > 0, range is [0, 1]');
    expect(iniError(() => importPufferSweep(sweep('distribution = logit_normal\nmin = 0.5\nmax = 1.0\n'))).line).toBe(6);
    expect(iniError(() => importPufferSweep(sweep('distribution = uniform\nmin = 2.0\nmax = 1.0\n'))).problem).toContain('min (2) is greater than max (1)');
    expect(iniError(() => importPufferSweep(sweep('distribution = uniform_pow2\nmin = 5\nmax = 7\n'))).problem).toContain('needs a power of two in [5, 7]');
  });

  it('rounds a uniform_pow2 range inwards to powers of two, with a note, so the policy accepts it', () => {
    const result = importPufferSweep(sweep('distribution = uniform_pow2\nmin = 100\nmax = 5000\n'));
    expect(result.policy.keys['train.lr']).toMatchObject({ type: 'integer', min: 128, max: 4096, distribution: 'uniform_pow2' });
    expect(result.notes).toContain('train.lr: uniform_pow2 range [100, 5000] rounded inwards to the powers of two [128, 4096]');
  });

  it('rejects a file without sweep sections', () => {
    const error = iniError(() => importPufferSweep('[train]\nlr = 0.1\n'));
    expect(error.line).toBeNull();
    expect(error.message).toContain('no [sweep.<section>.<key>] sections');
  });
});
