/** `autopilot init` through the real CLI: the files it writes, what it refuses, and the scripts it writes run for real. */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../domain/config/parse-config.js';
import { parsePolicy } from '../../domain/policy/policy.js';
import { parseSettings } from '../../domain/config/settings.js';
import { CLI, ROOT } from '../support/workspace.js';

const PYTHON = '/usr/bin/python3';
const TRAINER = join(ROOT, 'test', 'fixtures', 'python-trainer', 'train.py');
const PUFFER = join(ROOT, 'test', 'fixtures', 'pufferlib', 'pufferlib', 'config');
const init = (cwd: string, args: string[]) => execa('node', [CLI, 'init', ...args], { cwd, reject: false });
const project = () => mkdtempSync(join(tmpdir(), 'autopilot-init-'));

/** Every file under `dir` (relative path → bytes), links and all, without following any. */
function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else out.set(relative(dir, p), st.isSymbolicLink() ? `link:${readlinkSync(p)}` : readFileSync(p, 'latin1'));
    }
  };
  walk(dir);
  return out;
}

const WRITTEN = [
  'autopilot.json',
  'policy.json',
  'configs/baseline_quick.json',
  'configs/baseline_full.json',
  'scripts/run_training.sh',
  'prompts/propose.md',
  'proposals/next_config.json',
  'journal/.gitkeep',
  'logs/.gitkeep',
  'models/.gitkeep',
  'runs/.gitkeep',
  '.gitignore',
];

describe('init for a Python trainer', () => {
  const dir = project();
  const record = join(dir, 'record.jsonl');
  const odd = ['a b', "it's", '$HOME', '*.py', '', 'tab\there'];
  const trainer = [PYTHON, TRAINER, '--record', record, ...odd.flatMap((t) => ['--tag', `'${t.replaceAll("'", `'\\''`)}'`])].join(' ');
  writeFileSync(join(dir, 'baseline.json'), JSON.stringify({ train: { learning_rate: 0.01, seed: 1 } }));

  it("writes a complete workspace that autopilot's own parsers accept", async () => {
    const r = await init(dir, ['--trainer', trainer, '--metric', 'score', '--maximize', '--config', 'baseline.json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const ws = join(dir, 'autopilot');
    expect([...tree(ws).keys()].sort()).toEqual([...WRITTEN].sort());
    const settings = parseSettings(JSON.parse(readFileSync(join(ws, 'autopilot.json'), 'utf8')));
    // The trainer runs where init was run; the script is found from there.
    expect(settings.trainer).toEqual({ command: ['bash', 'autopilot/scripts/run_training.sh'], cwd: '..', env: {}, flag_names: 'kebab' });
    expect(settings.metric).toEqual({ name: 'score', direction: 'maximize' });
    const policy = parsePolicy(JSON.parse(readFileSync(join(ws, 'policy.json'), 'utf8')));
    expect(policy.keys['train.learning_rate']).toMatchObject({ type: 'number', min: 0.001, max: 0.1 });
    for (const mode of ['quick', 'full'])
      expect(parseConfig(JSON.parse(readFileSync(join(ws, `configs/baseline_${mode}.json`), 'utf8')))).toEqual({ train: { learning_rate: 0.01, seed: 1 } });
    expect(statSync(join(ws, 'scripts/run_training.sh')).mode & 0o111).toBe(0o111);
    expect(r.stdout).toMatch(/next steps:\n {2}1\. edit autopilot\/policy\.json.*autopilot policy schema/);
    expect(r.stdout).toMatch(/2\. autopilot check --workspace autopilot\n {2}3\. autopilot loop --dry-run --workspace autopilot\n {2}4\. autopilot loop --workspace autopilot$/);
    const check = await execa('node', [CLI, 'policy', 'check', '--workspace', ws], { reject: false });
    expect(check.exitCode, check.stderr).toBe(0);
  });

  it('writes a script that passes the flags it is given to the trainer verbatim, after its own odd argv', () => {
    const flags = ['--train.learning-rate', '0.003', '--train.note', `a b 'c' "d" $HOME $(id) \\ *`, '--env.num-envs', '8'];
    const summary = join(dir, 'summary.json');
    // Run as the loop runs it: bash with the script path of trainer.command, in trainer.cwd, with no shell around it.
    execFileSync('bash', ['autopilot/scripts/run_training.sh', ...flags], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent-home', PUFFER_AUTOPILOT_SUMMARY: summary, PUFFER_AUTOPILOT_RUN_ID: '001' },
    });
    const calls = readFileSync(record, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { argv: string[]; args: { tag: string[]; note: string; learning_rate: number }; cwd: string; unbuffered: string; run_id: string });
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.argv).toEqual(['--record', record, ...odd.flatMap((t) => ['--tag', t]), ...flags]);
    expect(call.args.tag).toEqual(odd);
    expect(call.args.note).toBe(flags[3]);
    expect(call.args.learning_rate).toBe(0.003);
    expect(call.cwd).toBe(dir);
    expect(call.unbuffered).toBe('1');
    expect(call.run_id).toBe('001');
    expect(JSON.parse(readFileSync(summary, 'utf8')).samples.score).toHaveLength(8);
  });
});

describe('when files of the workspace exist', () => {
  it('refuses to overwrite them (exit 2, listing them, nothing changed); --force replaces them and lists what it replaced', async () => {
    const dir = project();
    writeFileSync(join(dir, 'train.py'), '');
    const args = ['--trainer', `${PYTHON} train.py`, '--metric', 'loss', '--minimize'];
    expect((await init(dir, args)).exitCode).toBe(0);
    const ws = join(dir, 'autopilot');
    writeFileSync(join(ws, 'policy.json'), '{"mine": true}\n');
    rmSync(join(ws, 'prompts/propose.md'));
    // A link where a file goes: replaced with --force, never written through.
    const decoy = join(mkdtempSync(join(tmpdir(), 'autopilot-decoy-')), 'decoy.txt');
    writeFileSync(decoy, 'decoy\n');
    rmSync(join(ws, '.gitignore'));
    symlinkSync(decoy, join(ws, '.gitignore'));
    const before = tree(ws);

    const refused = await init(dir, args);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/nothing written: 11 path\(s\) in .* exist already/);
    expect(refused.stderr).toContain('  - policy.json (a regular file)');
    expect(refused.stderr).toContain(`  - .gitignore (a symlink to ${decoy})`);
    expect(refused.stderr).not.toContain('prompts/propose.md');
    expect(refused.stderr).toMatch(/pass --force to replace them/);
    expect(tree(ws)).toEqual(before);

    const forced = await init(dir, [...args, '--force', '--json']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    const out = JSON.parse(forced.stdout) as { replaced: string[]; written: string[] };
    expect(out.replaced).toHaveLength(11);
    expect(out.replaced).toContain('policy.json');
    expect(out.replaced).not.toContain('prompts/propose.md');
    expect(out.written.sort()).toEqual([...WRITTEN].sort());
    expect(JSON.parse(readFileSync(join(ws, 'policy.json'), 'utf8'))).toHaveProperty('version', 1);
    expect(lstatSync(join(ws, '.gitignore')).isFile()).toBe(true);
    expect(readFileSync(decoy, 'utf8')).toBe('decoy\n');
  });

  it('never deletes a folder standing where a file goes, even with --force', async () => {
    const dir = project();
    mkdirSync(join(dir, 'autopilot', 'policy.json'), { recursive: true });
    writeFileSync(join(dir, 'autopilot', 'policy.json', 'keep.txt'), 'keep');
    const r = await init(dir, ['--builtin', '--force']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--force replaces files, never a folder:\n {2}- policy\.json \(a directory\)/);
    expect(readFileSync(join(dir, 'autopilot', 'policy.json', 'keep.txt'), 'utf8')).toBe('keep');
    expect(existsSync(join(dir, 'autopilot', 'autopilot.json'))).toBe(false);
  });
});

/** The proposer.seed init drew, checked to be a 32-bit unsigned integer, and the settings text without it. */
function drawnSeed(settings: string): { seed: number; rest: string } {
  const m = /"proposer": \{ "kind": "builtin", "max_attempts": 3, "seed": (\d+) \}/.exec(settings);
  expect(m, settings).not.toBeNull();
  const seed = Number(m![1]);
  expect(seed).toBeLessThan(2 ** 32);
  return { seed, rest: settings.replace(`, "seed": ${seed} }`, ' }') };
}

describe('init --builtin', () => {
  // Beside the repository's own autopilot/, as the shipped workspace sits: its script finds autopilot two folders up.
  const inRepo = join(ROOT, `.init-test-${process.pid}`);
  afterAll(() => rmSync(inRepo, { recursive: true, force: true }));
  const shipped = execFileSync('git', ['-C', ROOT, 'ls-files', 'autopilot'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((p) => p.slice('autopilot/'.length));

  it('writes the shipped autopilot/ workspace file for file, byte for byte (but the proposer seed it draws), plus a .gitignore', async () => {
    const r = await init(ROOT, ['--builtin', inRepo]);
    expect(r.exitCode, r.stderr).toBe(0);
    const written = tree(inRepo);
    // The shipped workspace's generated state is ignored by the repository's own .gitignore instead.
    expect([...written.keys()].sort()).toEqual([...shipped, '.gitignore'].sort());
    // The shipped workspace has no seed (its first loop draws one); init draws one at once.
    written.set('autopilot.json', drawnSeed(written.get('autopilot.json')!).rest);
    for (const path of shipped) expect(written.get(path), path).toBe(readFileSync(join(ROOT, 'autopilot', path), 'latin1'));
    expect(statSync(join(inRepo, 'scripts/run_training.sh')).mode & 0o111).toBe(statSync(join(ROOT, 'autopilot/scripts/run_training.sh')).mode & 0o111);
    const ignoredByRepo = readFileSync(join(ROOT, '.gitignore'), 'utf8')
      .split('\n')
      .filter((l) => /^!?\/autopilot\//.test(l))
      .map((l) => l.replace('/autopilot/', '/'));
    const ignoredHere = written
      .get('.gitignore')!
      .split('\n')
      .filter((l) => l.startsWith('/') || l.startsWith('!'));
    expect(ignoredHere.sort()).toEqual(ignoredByRepo.sort());
  });

  it('elsewhere, differs only in telling the script where autopilot is and leaving git commits on, and its script starts the built-in trainer', async () => {
    const dir = project();
    const r = await init(dir, ['--builtin', 'ws']);
    expect(r.exitCode, r.stderr).toBe(0);
    const ws = join(dir, 'ws');
    const settings = readFileSync(join(ws, 'autopilot.json'), 'utf8');
    expect(drawnSeed(settings).rest).toBe(
      readFileSync(join(ROOT, 'autopilot/autopilot.json'), 'utf8')
        .replace('"env": {}', `"env": { "AUTOPILOT_HOME": ${JSON.stringify(ROOT.replace(/\/$/, ''))} }`)
        .replace(',\n  "git": { "enabled": false }\n', '\n'),
    );
    for (const path of shipped.filter((p) => p !== 'autopilot.json')) expect(readFileSync(join(ws, path), 'latin1'), path).toBe(readFileSync(join(ROOT, 'autopilot', path), 'latin1'));
    const env = (JSON.parse(settings) as { trainer: { env: Record<string, string> } }).trainer.env;
    const help = await execa('bash', ['scripts/run_training.sh', '--help'], { cwd: ws, env, reject: false });
    expect(help.exitCode, help.stderr).toBe(0);
    expect(help.stdout).toContain('--train.learning-rate');
  });
});

describe('init --from-puffer', () => {
  it('takes the baselines from drone_pp.ini merged over default.ini, and writes a policy that policy check accepts', async () => {
    const dir = project();
    const r = await init(dir, [
      '--trainer',
      `${PYTHON} -m pufferlib.pufferl train puffer_drone_pp`,
      '--from-puffer',
      join(PUFFER, 'ocean/drone_pp.ini'),
      '--env',
      'puffer_drone_pp',
      '--metric',
      'score',
      '--maximize',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`note: merged ${join(PUFFER, 'default.ini')} under`);
    // default.ini sweeps train.total_timesteps around its own 10M; drone_pp.ini's 200M is the base it is swept from.
    expect(r.stdout).not.toMatch(/total_timesteps: the base value .* lies outside the sweep range/);
    // The real files sweep: default.ini the train keys, drone_pp.ini the env's reward weights.
    const policy = JSON.parse(readFileSync(join(dir, 'autopilot', 'policy.json'), 'utf8')) as { keys: Record<string, unknown> };
    for (const key of ['train.learning_rate', 'train.gamma', 'env.w_position', 'env.grip_k_decay']) expect(policy.keys, key).toHaveProperty([key]);
    const ws = join(dir, 'autopilot');
    const quick = JSON.parse(readFileSync(join(ws, 'configs/baseline_quick.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(readFileSync(join(ws, 'configs/baseline_full.json'), 'utf8')).toBe(readFileSync(join(ws, 'configs/baseline_quick.json'), 'utf8'));
    expect(Object.keys(quick).sort()).toEqual(['env', 'policy', 'rnn', 'train', 'vec']);
    expect(quick.train).toMatchObject({ learning_rate: 0.0063508, total_timesteps: 200_000_000, device: 'cuda', batch_size: 'auto', anneal_lr: true, adam_eps: 0.000010542 });
    expect(quick.vec).toEqual({ backend: 'Multiprocessing', num_envs: 8, num_workers: 'auto', batch_size: 'auto', zero_copy: true, seed: 42 });
    expect(quick.env).toMatchObject({ num_envs: 24, num_drones: 64 });
    const check = await execa('node', [CLI, 'policy', 'check', '--workspace', ws], { reject: false });
    expect(check.exitCode, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/train\.learning_rate\s+number/);

    writeFileSync(join(dir, 'x.py'), '');
    const own = await init(dir, ['--trainer', 'python3 x.py', '--from-puffer', join(PUFFER, 'ocean/drone_pp.ini'), '--no-puffer-defaults', '--metric', 'score', '--maximize', 'own']);
    expect(own.exitCode, own.stderr).toBe(0);
    const ownQuick = JSON.parse(readFileSync(join(dir, 'own/configs/baseline_quick.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(ownQuick.train).not.toHaveProperty('device');
    expect(ownQuick.vec).toEqual({ num_envs: 8 });
  });

  it('imports the sweeps of both files and the [sweep] metric and goal, so no --metric is needed', async () => {
    const dir = project();
    mkdirSync(join(dir, 'config', 'ocean'), { recursive: true });
    writeFileSync(
      join(dir, 'config/default.ini'),
      '[train]\ngamma = 0.99\nlearning_rate = 0.015\n[sweep]\nmetric = score\ngoal = maximize\n[sweep.train.gamma]\ndistribution = logit_normal\nmin = 0.9\nmax = 0.999\n[sweep.train.learning_rate]\ndistribution = log_normal\nmin = 0.001\nmax = 0.1\n',
    );
    writeFileSync(
      join(dir, 'config/ocean/toy.ini'),
      '[base]\nenv_name = toy\n[env]\nnum_agents = 16\n[train]\nlearning_rate = 0.003\n[sweep.train.learning_rate]\ndistribution = log_normal\nmin = 0.0001\nmax = 0.01\n[sweep.env.num_agents]\ndistribution = uniform_pow2\nmin = 4\nmax = 64\n',
    );
    writeFileSync(join(dir, 'train.py'), '');
    const r = await init(dir, ['--trainer', 'python3 train.py', '--from-puffer', 'config/ocean/toy.ini', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const ws = join(dir, 'autopilot');
    const policy = parsePolicy(JSON.parse(readFileSync(join(ws, 'policy.json'), 'utf8')));
    expect(Object.keys(policy.keys).sort()).toEqual(['env.num_agents', 'train.gamma', 'train.learning_rate']);
    expect(policy.keys['train.learning_rate']).toMatchObject({ min: 0.0001, max: 0.01 });
    expect(parseSettings(JSON.parse(readFileSync(join(ws, 'autopilot.json'), 'utf8'))).metric).toEqual({ name: 'score', direction: 'maximize' });
    expect(JSON.parse(readFileSync(join(ws, 'configs/baseline_quick.json'), 'utf8'))).toEqual({ train: { gamma: 0.99, learning_rate: 0.003 }, env: { num_agents: 16 } });

    const wrongEnv = await init(dir, ['--trainer', 'python3 train.py', '--from-puffer', 'config/ocean/toy.ini', '--env', 'other', 'ws2']);
    expect(wrongEnv.exitCode).toBe(2);
    expect(wrongEnv.stderr).toMatch(/--env other: .*toy\.ini:2: --env other is not configured by this file; \[base\] env_name lists toy/);
  });
});

describe("init finds the baseline's seed key", () => {
  const dir = project();
  // init checks that the trainer's script is there.
  writeFileSync(join(dir, 'train.py'), 'print(1)\n');
  /** Runs init on `baseline` into its own folder; its notes and the seeds setting it wrote (undefined: the default). */
  const initWith = async (name: string, baseline: object) => {
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(baseline));
    const r = await init(dir, ['--trainer', 'python3 train.py', '--metric', 'score', '--maximize', '--config', `${name}.json`, '--json', name]);
    expect(r.exitCode, r.stderr).toBe(0);
    const written = JSON.parse(readFileSync(join(dir, name, 'autopilot.json'), 'utf8')) as { seeds?: unknown };
    const seedNotes = (JSON.parse(r.stdout) as { notes: string[] }).notes.filter((n) => n.includes('seed'));
    return { seeds: written.seeds, settings: parseSettings(written), seedNotes };
  };

  it('writes seeds.key "seed" for a top-level seed (CleanRL style), and says so; the seed is not the example policy key', async () => {
    const r = await initWith('top', { seed: 1, lr: 0.01 });
    expect(r.seeds).toEqual({ key: 'seed' });
    expect(r.settings.seeds).toEqual({ key: 'seed', policy: 'increment' });
    expect(r.seedNotes).toEqual(["seeds.key is seed, the baseline's seed: replicates and re-runs get a fresh seed"]);
    expect(Object.keys(parsePolicy(JSON.parse(readFileSync(join(dir, 'top', 'policy.json'), 'utf8'))).keys)).toEqual(['lr']);
    const check = await execa('node', [CLI, 'check', '--workspace', join(dir, 'top')], { reject: false });
    expect(check.exitCode, check.stdout).toBe(0);
    expect(check.stdout).toContain('seeds:       seed (increment for proposals; fresh for replicates and re-runs)');
  });

  it('leaves the default for train.seed, and writes env.rng_seed when that is the one seed key', async () => {
    expect(await initWith('train', { train: { seed: 3, learning_rate: 0.01 } })).toMatchObject({ seeds: undefined, seedNotes: [] });
    expect(await initWith('rng', { env: { rng_seed: 3 }, train: { learning_rate: 0.01, seeds_used: 2 } })).toMatchObject({ seeds: { key: 'env.rng_seed' } });
  });

  it('says when the baseline has no seed key, and what check will then ask for', async () => {
    const r = await initWith('none', { lr: 0.01, seeded: 1 });
    expect(r.seeds).toBeUndefined();
    expect(r.seedNotes).toEqual([expect.stringMatching(/^the baseline has no seed key .*set seeds\.key to it, or set seeds\.key to null if the trainer seeds itself randomly each run$/)]);
    const check = await execa('node', [CLI, 'check', '--workspace', join(dir, 'none')], { reject: false });
    expect(check.exitCode).toBe(2);
    expect(check.stdout).toContain('seeds.key: "train.seed" names no number in configs/baseline_quick.json');
  });

  it('names several seed keys, choosing none, or the default when it is one of them', async () => {
    const several = await initWith('several', { seed: 1, env: { seed: 2 }, lr: 0.01 });
    expect(several.seeds).toBeUndefined();
    expect(several.seedNotes).toEqual([expect.stringContaining('the baseline has several seed keys (seed, env.seed) and none was chosen: set seeds.key')]);
    const puffer = await initWith('puffer', { train: { seed: 42, learning_rate: 0.01 }, vec: { seed: 42 } });
    expect(puffer.seeds).toBeUndefined();
    expect(puffer.seedNotes).toEqual([expect.stringContaining('several seed keys (train.seed, vec.seed); seeds.key stays train.seed, the default')]);
  });
});

describe('bad input', () => {
  const dir = project();
  writeFileSync(join(dir, 'bad.json'), '{"train": {"lr": null}}');
  writeFileSync(join(dir, 'train.py'), '');
  const cases: [string, string[], RegExp[]][] = [
    ['nothing', [], [/3 problems:\n {2}- missing --trainer ARGV.*or --builtin.*\n {2}- missing --metric NAME.*\n {2}- missing --maximize or --minimize/]],
    [
      'shell code, both directions, a lone --env, a missing --trainer-cwd',
      ['--trainer', 'python train.py | tee log', '--metric', 'm', '--maximize', '--minimize', '--env', 'x', '--trainer-cwd', 'nowhere'],
      [
        /4 problems:/,
        /- --maximize and --minimize both given: give one/,
        /- --env is for --from-puffer FILE\.ini/,
        /- --trainer: "\|" at character 17 is a pipe .*argv only/,
        /- --trainer-cwd nowhere: no such folder/,
      ],
    ],
    [
      '$( and no direction',
      ['--trainer', 'python $(which train)', '--metric', 'm'],
      [/--trainer: "\$" .*substitution/, /missing --maximize or --minimize: whether a higher or a lower m is better/],
    ],
    ['an unbalanced quote', ['--trainer', "python 'train.py", '--metric', 'm', '--maximize'], [/^autopilot init: --trainer: the ' at character 8 is never closed/]],
    [
      'a missing --config',
      ['--trainer', 'python3 train.py', '--metric', 'm', '--maximize', '--config', 'nope.json'],
      [/--config nope\.json: cannot read it \(ENOENT\); give an existing file/],
    ],
    [
      'a --config that is no config',
      ['--trainer', 'python3 train.py', '--metric', 'm', '--maximize', '--config', 'bad.json'],
      [/--config bad\.json is not a config of nested sections:\n {2}- train\.lr: is null/],
    ],
    ['--builtin with a trainer', ['--builtin', '--trainer', 'python train.py'], [/--builtin writes the shipped CartPole workspace as it is and takes no --trainer/]],
  ];

  it.each(cases)('%s: exit 2 naming each flag, nothing written', async (_, args, messages) => {
    const r = await init(dir, args);
    expect(r.exitCode).toBe(2);
    for (const m of messages) expect(r.stderr).toMatch(m);
    expect(existsSync(join(dir, 'autopilot'))).toBe(false);
  });
});

describe('a --trainer that is not there', () => {
  const typo = async (trainer: string, extra: string[] = []) => {
    const dir = project();
    writeFileSync(join(dir, 'train.py'), 'print(1)\n');
    writeFileSync(join(dir, 'baseline.json'), '{"train": {"lr": 0.1}}');
    const r = await init(dir, ['--trainer', trainer, '--metric', 'score', '--maximize', '--config', 'baseline.json', ...extra]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(2);
    // Nothing written: the project holds only what the test put there.
    expect(readdirSync(dir).sort()).toEqual(['baseline.json', 'train.py']);
    return { dir, stderr: r.stderr };
  };

  it('refuses a misspelled script, naming it, where it was looked for, and the close name (exit 2, nothing written)', async () => {
    const { dir, stderr } = await typo('python3 trian.py');
    expect(stderr).toContain(`autopilot init: --trainer: the script "trian.py" does not exist (looked for ${join(dir, 'trian.py')}) (did you mean train.py?)`);
    expect(stderr).toContain(`allowed: a file relative to the trainer's folder ${dir}`);
  });

  it('refuses a misspelled interpreter, suggesting the command on PATH', async () => {
    const { stderr } = await typo('pythn3 train.py');
    expect(stderr).toMatch(/--trainer: "pythn3" is not found on PATH \(.*\) \(did you mean python3\?\); allowed: a command on PATH/);
  });

  it('looks for the script in --trainer-cwd, naming every problem at once', async () => {
    const dir = project();
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'train.py'), '');
    const r = await init(dir, ['--trainer', 'python3 train.py', '--trainer-cwd', 'src', '--metric', 'score', '--maximize', '--minimize']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('2 problems:');
    expect(r.stderr).toContain(
      `--trainer: the script "train.py" does not exist (looked for ${join(dir, 'src', 'train.py')}); allowed: a file relative to the trainer's folder ${join(dir, 'src')} (--trainer-cwd)`,
    );
    expect(r.stderr).toContain('--maximize and --minimize both given');
    expect(readdirSync(dir).sort()).toEqual(['src', 'train.py']);
  });

  it('takes a module run with -m, and a trainer found relative to --trainer-cwd', async () => {
    const dir = project();
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'train.py'), '');
    const module = await init(dir, ['--trainer', 'python3 -m no.such.module', '--metric', 'score', '--maximize', 'ws1']);
    expect(module.exitCode, module.stderr).toBe(0);
    const inCwd = await init(dir, ['--trainer', 'python3 train.py', '--trainer-cwd', 'src', '--metric', 'score', '--maximize', 'ws2']);
    expect(inCwd.exitCode, inCwd.stderr).toBe(0);
  });
});
