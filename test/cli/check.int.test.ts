import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';

const run = (args: string[]) => execa('node', [CLI, ...args], { reject: false });

type Json = Record<string, unknown> & { keys: Record<string, Record<string, unknown>>; rules: Record<string, unknown>[] };
const readPolicy = (ws: string) => JSON.parse(readFileSync(join(ws, 'policy.json'), 'utf8')) as Json;
const writePolicy = (ws: string, policy: unknown) => writeFileSync(join(ws, 'policy.json'), JSON.stringify(policy, null, 2));

/** `check` and `loop` both refuse the workspace with exit 2, naming every needle, and the loop leaves no log behind. */
async function expectRefused(ws: string, needles: string[]): Promise<void> {
  const check = await run(['check', '--workspace', ws]);
  expect(check.exitCode, check.stdout + check.stderr).toBe(2);
  for (const needle of needles) expect(check.stdout).toContain(needle);
  const loop = await run(['loop', '--runs', '1', '--workspace', ws]);
  expect(loop.exitCode, loop.stdout + loop.stderr).toBe(2);
  for (const needle of needles) expect(loop.stderr).toContain(needle);
  expect(loop.stderr).toContain('no session was started and nothing was recorded');
  expect(existsSync(join(ws, 'events.db'))).toBe(false);
}

// Each test has its own workspace and waits on the processes it starts: the tests run at once.
describe.concurrent('autopilot check on the shipped workspace', () => {
  it('says ok with the trainer, the baseline argv, the keys and the metric', async () => {
    const ws = fakeTrainerWorkspace();
    const r = await run(['check', '--workspace', ws]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('is ready for a quick session with the builtin proposer');
    expect(r.stdout).toMatch(/trainer: +\/\S*bash running \S*\/scripts\/run_training\.sh/);
    expect(r.stdout).toContain('argv:        bash scripts/run_training.sh --env.num-envs 8 --eval.episodes 32');
    expect(r.stdout).toContain('policy:      11 keys in configs/baseline_quick.json, 1 rule');
    expect(r.stdout).toContain('metric:      mean_reward (maximize)');
    const json = await run(['check', '--workspace', ws, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, mode: 'quick', problems: [], metric: { name: 'mean_reward', direction: 'maximize' } });
    expect(existsSync(join(ws, 'events.db'))).toBe(false);
  });

  it('names the tracker and where its links are recorded, and warns of a W&B server only the shell names', async () => {
    const ws = fakeTrainerWorkspace();
    expect((await run(['check', '--workspace', ws])).stdout).toContain('trackers:    none (trackers in autopilot.json)');
    patchSettings(ws, { trackers: { wandb: { project: 'drone', entity: 'lab' } } });
    const shell = { ...process.env, WANDB_BASE_URL: 'https://wandb.mylab.org' };
    const inherited = await execa('node', [CLI, 'check', '--workspace', ws], { reject: false, env: shell });
    expect(inherited.exitCode, inherited.stderr).toBe(0);
    expect(inherited.stdout).toContain(
      'trackers:    W&B project lab/drone, run links recorded on wandb.ai, *.wandb.io; the trainer gets WANDB_BASE_URL=https://wandb.mylab.org, but its run links will not be recorded',
    );
    const json = await execa('node', [CLI, 'check', '--json', '--workspace', ws], { reject: false, env: shell });
    expect(JSON.parse(json.stdout).trackers).toEqual({ tracker: 'wandb', project: 'lab/drone', recordedOn: ['wandb.ai', '*.wandb.io'], unrecorded: 'https://wandb.mylab.org' });
    // Named in the settings, the server's links are recorded and nothing is said of the shell's.
    patchSettings(ws, { trackers: { wandb: { base_url: 'https://wandb.mylab.org' } } });
    const named = await execa('node', [CLI, 'check', '--workspace', ws], { reject: false, env: shell });
    expect(named.stdout).toContain('trackers:    W&B project lab/drone, run links recorded on wandb.ai, *.wandb.io, https://wandb.mylab.org');
    expect(named.stdout).not.toContain('will not be recorded');
  });
});

describe.concurrent('the preflight refuses a session, recording nothing', () => {
  it('for a misspelled policy key, naming the closest baseline key', async () => {
    const ws = fakeTrainerWorkspace();
    const policy = readPolicy(ws);
    policy.keys['train.learnin_rate'] = policy.keys['train.learning_rate']!;
    delete policy.keys['train.learning_rate'];
    writePolicy(ws, policy);
    await expectRefused(ws, ['policy.json keys["train.learnin_rate"]', 'is not a key of configs/baseline_quick.json (did you mean train.learning_rate?)']);
  });

  it('for a policy key missing from the baseline, and passes once it is declared optional', async () => {
    const ws = fakeTrainerWorkspace();
    const policy = readPolicy(ws);
    policy.keys['train.weight_decay'] = { type: 'number', min: 0, max: 0.1 };
    writePolicy(ws, policy);
    await expectRefused(ws, ['policy.json keys["train.weight_decay"]: is not a key of configs/baseline_quick.json', '"optional": true']);
    policy.keys['train.weight_decay']['optional'] = true;
    writePolicy(ws, policy);
    const r = await run(['check', '--workspace', ws]);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain('12 keys in configs/baseline_quick.json (1 optional)');
    const table = await run(['policy', 'check', '--workspace', ws]);
    expect(table.stdout).toMatch(/optional/);
    expect(table.stdout).toMatch(/train\.weight_decay +number +\[0, 0\.1\] +\(default\) +yes/);
  });

  it('for a rule naming an unknown key', async () => {
    const ws = fakeTrainerWorkspace();
    const policy = readPolicy(ws);
    policy.rules[0]!['than'] = 'train.bach_size';
    writePolicy(ws, policy);
    await expectRefused(ws, ['policy.json rules[0]', 'names train.bach_size', 'did you mean train.batch_size?']);
  });

  it('for a trainer command that does not exist', async () => {
    const ws = fakeTrainerWorkspace();
    patchSettings(ws, { trainer: { command: ['pythn3', 'train.py'] } });
    await expectRefused(ws, ['autopilot.json trainer.command[0]: "pythn3" is not found on PATH']);
  });

  it('for bad JSON in policy.json', async () => {
    const ws = fakeTrainerWorkspace();
    writeFileSync(join(ws, 'policy.json'), '{"version": 1, "keys": {,}}');
    await expectRefused(ws, ['policy.json: not valid JSON']);
  });

  it('for a metric that is not declared, listing every problem at once', async () => {
    const ws = fakeTrainerWorkspace();
    const settings = JSON.parse(readFileSync(join(ws, 'autopilot.json'), 'utf8')) as Record<string, unknown>;
    delete settings['metric'];
    writeFileSync(join(ws, 'autopilot.json'), JSON.stringify(settings));
    writeFileSync(join(ws, 'configs', 'baseline_quick.json'), '[1, 2]');
    await expectRefused(ws, ['autopilot.json metric.name: the metric is not declared', 'autopilot.json metric.direction', 'configs/baseline_quick.json: is not a JSON object']);
  });
});

describe.concurrent('autopilot check on what only some sessions use', () => {
  it('needs baseline_full.json only for mode full', async () => {
    const ws = fakeTrainerWorkspace();
    rmSync(join(ws, 'configs', 'baseline_full.json'));
    expect((await run(['check', '--workspace', ws])).exitCode).toBe(0);
    const full = await run(['check', '--workspace', ws, '--mode', 'full']);
    expect(full.exitCode).toBe(2);
    expect(full.stdout).toContain('configs/baseline_full.json: not found');
    expect(full.stdout).toContain('(mode full uses it)');
  });

  it('checks the script an interpreter runs, and the prompt and executable of an agent proposer', async () => {
    const ws = fakeTrainerWorkspace();
    patchSettings(ws, { trainer: { command: ['bash', 'scripts/nope.sh'] }, proposer: { codex: { bin: 'no-such-codex' } } });
    writeFileSync(join(ws, 'prompts', 'propose.md'), 'Tune {{metric.name}} within {{budget}}.\n');
    const r = await run(['check', '--workspace', ws, '--proposer', 'codex', '--json']);
    expect(r.exitCode).toBe(2);
    const report = JSON.parse(r.stdout) as { ok: boolean; problems: { file: string; key?: string; problem: string; allowed?: string }[] };
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'autopilot.json', key: 'trainer.command[1]', problem: expect.stringContaining('the script "scripts/nope.sh" does not exist') }),
        expect.objectContaining({ file: 'autopilot.json', key: 'proposer.codex.bin', problem: expect.stringContaining('"no-such-codex" is not found on PATH') }),
        expect.objectContaining({ file: 'prompts/propose.md', problem: expect.stringContaining('budget'), allowed: expect.stringContaining('{{metric.name}}') }),
      ]),
    );
  });
});

describe.concurrent('autopilot check on the script autopilot init generated', () => {
  /** A project with train.py and a workspace init made for `python3 train.py`; its script, and a way to rewrite it. */
  async function initialized() {
    const dir = mkdtempSync(join(tmpdir(), 'autopilot-check-init-'));
    writeFileSync(join(dir, 'train.py'), 'print(1)\n');
    // With its seed, so that replicates get fresh ones (check refuses a seeds.key naming nothing).
    writeFileSync(join(dir, 'baseline.json'), '{"train": {"lr": 0.1, "seed": 1}}');
    const init = await execa('node', [CLI, 'init', '--trainer', 'python3 train.py', '--metric', 'score', '--maximize', '--config', 'baseline.json'], { cwd: dir, reject: false });
    expect(init.exitCode, init.stderr).toBe(0);
    const ws = join(dir, 'autopilot');
    const script = join(ws, 'scripts', 'run_training.sh');
    const edit = (from: string, to: string) => writeFileSync(script, readFileSync(script, 'utf8').replace(from, to));
    return { ws, edit };
  }

  it('passes when the trainer it execs is there', async () => {
    const { ws } = await initialized();
    const r = await run(['check', '--workspace', ws]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  });

  it('refuses a script on its exec line that does not exist, naming the close one, and the loop records nothing', async () => {
    const { ws, edit } = await initialized();
    edit('exec python3 train.py', 'exec python3 trian.py');
    await expectRefused(ws, ['scripts/run_training.sh exec line, word 2 ("trian.py"): the script "trian.py" does not exist', '(did you mean train.py?)']);
    const dry = await run(['loop', '--dry-run', '--workspace', ws]);
    expect(dry.exitCode, dry.stdout + dry.stderr).toBe(2);
    expect(dry.stdout + dry.stderr).toContain('"trian.py" does not exist');
  });

  it('does not second-guess a script edited by hand into other bash', async () => {
    const { ws, edit } = await initialized();
    edit('exec python3 train.py', 'exec python3 "$PWD/trian.py"');
    const r = await run(['check', '--workspace', ws]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  });
});

describe.concurrent('autopilot check on the seed key and the policy ranges', () => {
  /** The shipped workspace with its baseline's seed at the top level (`seed`), as a CleanRL-style trainer takes it. */
  const topLevelSeed = () => {
    const ws = fakeTrainerWorkspace();
    const file = join(ws, 'configs', 'baseline_quick.json');
    const baseline = JSON.parse(readFileSync(file, 'utf8')) as { train: Record<string, unknown> };
    delete baseline.train['seed'];
    writeFileSync(file, JSON.stringify({ ...baseline, seed: 1 }));
    return ws;
  };

  it('refuses a seeds.key that names no number of the baseline while runs are repeated, naming the seed key it has', async () => {
    const ws = topLevelSeed();
    await expectRefused(ws, [
      'autopilot.json seeds.key: "train.seed" names no number in configs/baseline_quick.json',
      "replicates and re-runs of the incumbent (statistics.replicates 1, inconclusive_replicates 0) would reuse the trainer's own seed",
      'allowed: seeds.key: "seed", the seed key of configs/baseline_quick.json; or seeds.key: null when the trainer seeds itself randomly each run',
    ]);
  });

  it('passes once seeds.key names the seed, or is null, or no run is repeated', async () => {
    const ws = topLevelSeed();
    patchSettings(ws, { seeds: { key: 'seed' } });
    const named = await run(['check', '--workspace', ws]);
    expect(named.exitCode, named.stdout).toBe(0);
    expect(named.stdout).toContain('seeds:       seed (increment for proposals; fresh for replicates and re-runs)');
    patchSettings(ws, { seeds: { key: null } });
    const own = await run(['check', '--workspace', ws]);
    expect(own.exitCode, own.stdout).toBe(0);
    expect(own.stdout).toContain('seeds:       not set by autopilot (seeds.key null: the trainer seeds itself each run)');
    patchSettings(ws, { seeds: { key: 'train.seed' }, statistics: { replicates: 0, inconclusive_replicates: 0 } });
    const once = await run(['check', '--workspace', ws]);
    expect(once.exitCode, once.stdout).toBe(0);
    expect(once.stdout).toContain("seeds:       not set by autopilot: train.seed names no number in the baseline (every run gets the trainer's own seed)");
  });

  it('names each of several seed keys when none is seeds.key', async () => {
    const ws = topLevelSeed();
    const file = join(ws, 'configs', 'baseline_quick.json');
    const baseline = JSON.parse(readFileSync(file, 'utf8')) as { env: Record<string, unknown> };
    baseline.env['rng_seed'] = 7;
    writeFileSync(file, JSON.stringify(baseline));
    const r = await run(['check', '--workspace', ws, '--json']);
    expect(r.exitCode).toBe(2);
    const { problems } = JSON.parse(r.stdout) as { problems: { key?: string; allowed?: string }[] };
    expect(problems).toEqual([expect.objectContaining({ key: 'seeds.key', allowed: expect.stringContaining('seed keys that seeds a run: "env.rng_seed", "seed"') })]);
  });

  it('warns of a baseline value outside its policy range, and does not refuse for it', async () => {
    const ws = fakeTrainerWorkspace();
    const policy = readPolicy(ws);
    policy.keys['train.learning_rate'] = { ...policy.keys['train.learning_rate'], min: 0.1, max: 1 };
    writePolicy(ws, policy);
    const baseline = (JSON.parse(readFileSync(join(ws, 'configs', 'baseline_quick.json'), 'utf8')) as { train: { learning_rate: number } }).train.learning_rate;
    expect(baseline).toBeLessThan(0.1);
    const warning = `warning: policy.json keys["train.learning_rate"]: the baseline value ${baseline} (configs/baseline_quick.json) is outside the policy's range, number in [0.1, 1]`;
    const r = await run(['check', '--workspace', ws]);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain(warning);
    const json = JSON.parse((await run(['check', '--workspace', ws, '--json'])).stdout) as { ok: boolean; warnings: { key: string }[] };
    expect(json).toMatchObject({ ok: true, warnings: [{ key: 'keys["train.learning_rate"]' }] });
    // The loop says it too, and starts.
    const loop = await run(['loop', '--runs', '1', '--workspace', ws]);
    expect(loop.exitCode, loop.stderr).toBe(0);
    expect(loop.stderr).toContain(`- ${warning.slice('warning: '.length)}`);
  });
});
