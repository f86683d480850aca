/**
 * The PufferLib shim (trainers/pufferlib/autopilot_shim.py) as a real Python process, against the
 * fake `pufferlib` package of test/fixtures/pufferlib: the flags it hands PufferLib, the summary it
 * writes from the logs train() returns, and how it fails.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsFromLog, parseJsonMetricLine } from '../../../domain/trainer-io/log-metrics.js';
import { renderArgs } from '../../../domain/trainer-io/render-args.js';
import { parseTrainerSummary, type TrainerSummary } from '../../../domain/trainer-io/trainer-summary.js';
import { EXAMPLE, fakeCalls, hasPython, readJson, spawnShim, type FakeCall, type Sections } from './support.js';

const tmp = mkdtempSync(join(tmpdir(), 'puffer-shim-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const QUICK = readJson<Sections>(join(EXAMPLE, 'configs', 'baseline_quick.json'));
const QUICK_FLAGS = renderArgs(QUICK);
const WANDB_FLAGS = ['--wandb', '--wandb-project', 'P', '--wandb-group', '0001', '--tag', '001'];

interface ShimRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The summary file's path (it may not exist). */
  summaryPath: string;
  /** What the fake recorded. */
  calls: FakeCall[];
}

let runs = 0;
/** The run folder the next {@link runShim} call gets (PUFFER_AUTOPILOT_RUN_DIR). */
const nextRunDir = () => join(tmp, `run-${runs + 1}`);
/** Runs `python3 [PYTHON FLAGS] autopilot_shim.py ARGS` with the fake package on PYTHONPATH (unless `env` overrides it). */
function runShim(args: string[], env: Record<string, string> = {}, pythonFlags: string[] = []): ShimRun {
  const dir = join(tmp, `run-${++runs}`);
  const summaryPath = join(dir, 'trainer_summary.json');
  const record = join(tmp, `record-${runs}.jsonl`);
  const r = spawnShim(args, { PUFFER_AUTOPILOT_RUN_ID: '001', PUFFER_AUTOPILOT_RUN_DIR: dir, PUFFER_AUTOPILOT_SUMMARY: summaryPath, FAKE_PUFFERLIB_RECORD: record, ...env }, pythonFlags);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, summaryPath, calls: fakeCalls(record) };
}

/** The summary at `path`, parsed with the trainer-summary contract (fails the test when invalid). */
function summaryAt(path: string): TrainerSummary {
  const parsed = parseTrainerSummary(readFileSync(path, 'utf8'));
  if (!parsed.ok) throw new Error(`invalid trainer_summary.json: ${parsed.problem}`);
  return parsed.summary;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

beforeAll(() => {
  expect(hasPython(), 'these tests run python3 from PATH').toBe(true);
});

describe('when the shim trains the example quick baseline on the fake PufferLib', () => {
  let run: ShimRun;
  let summary: TrainerSummary;
  /** The final evaluation's per-report stats, as the fake made them. */
  let reports: Record<string, number[]>;
  beforeAll(() => {
    // The fake asserts that load_config() sees exactly these flags, in this order: the shim adds the data dir.
    const expected = [...QUICK_FLAGS, ...WANDB_FLAGS, '--train.data-dir', join(nextRunDir(), 'checkpoints')];
    const reportsFile = join(tmp, 'reports.json');
    run = runShim(['train', 'puffer_drone_pp', ...expected], { FAKE_PUFFERLIB_EXPECT_ARGV: JSON.stringify(expected), FAKE_PUFFERLIB_REPORTS: reportsFile });
    summary = summaryAt(run.summaryPath);
    reports = readJson<Record<string, number[]>>(reportsFile);
  });

  it('exits 0 and hands PufferLib exactly the rendered flags, through its own load_config', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.calls).toHaveLength(1);
    const call = run.calls[0]!;
    expect(call.via_load_config).toBe(true);
    expect(call.env_name).toBe('puffer_drone_pp');
    expect(call.argv).toEqual([...QUICK_FLAGS, ...WANDB_FLAGS, '--train.data-dir', join(dirname(run.summaryPath), 'checkpoints')]);
    expect(call.env).toMatchObject({ PUFFER_AUTOPILOT_RUN_ID: '001' });
  });

  it('gives train() every config value with its type (numbers, booleans, strings) and the wandb flags', () => {
    const { args } = run.calls[0]!;
    for (const name of ['train', 'env', 'vec'] as const) for (const [key, value] of Object.entries(QUICK[name])) expect(args[name][key], `${name}.${key}`).toEqual(value);
    expect(args.train['anneal_lr']).toBe(true);
    expect(args.train['device']).toBe('cuda');
    expect(args).toMatchObject({ wandb: true, wandb_project: 'P', wandb_group: '0001', tag: '001' });
  });

  it('writes a summary that passes the contract, with the logs mapped to metrics', () => {
    expect(summary.run_id).toBe('001');
    expect(typeof summary.timestamp).toBe('string');
    expect(Object.keys(summary.metrics).sort()).toEqual(['agent_steps', 'environment/collision_rate', 'episode_length', 'epoch', 'perfect_deliv', 'score', 'sps'].sort());
    // From the last training log: the final evaluation's rollouts add steps of their own.
    expect(summary.metrics['agent_steps']).toBe(QUICK.train['total_timesteps']);
    expect(summary.metrics['epoch']).toBe(4);
    expect(summary.metrics['sps']).toBeGreaterThan(0);
    expect(summary.metrics['perfect_deliv']).toBeGreaterThan(0);
  });

  it('reports the final evaluation: one sample value per report, weighted by its episode count n', () => {
    const samples = summary.samples!;
    const n = reports['n']!;
    // 32 final rollouts of 64 ticks, a report every 1024 ticks from each of the 8 vec envs: the baseline gives 16.
    expect(n).toHaveLength(16);
    expect(new Set(n).size).toBeGreaterThan(1);
    expect(samples['environment/n']).toBeUndefined();
    const meanN = mean(n);
    for (const [name, stat] of [
      ['score', 'score'],
      ['perfect_deliv', 'perfect_deliv'],
      ['episode_length', 'episode_length'],
      ['environment/collision_rate', 'collision_rate'],
    ] as const) {
      const xs = reports[stat]!;
      const perEpisode = xs.reduce((a, x, i) => a + x * n[i]!, 0) / n.reduce((a, b) => a + b, 0);
      expect(summary.metrics[name], name).toBeCloseTo(perEpisode, 9);
      expect(mean(samples[name]!), name).toBeCloseTo(perEpisode, 9);
      samples[name]!.forEach((v, i) => expect(v, `${name}[${i}]`).toBeCloseTo(perEpisode + (n[i]! / meanN) * (xs[i]! - perEpisode), 9));
    }
    expect(summary.metrics['score']).not.toBeCloseTo(mean(reports['score']!), 3);
  });

  it('copies the train, env and vec sections PufferLib used (defaults included)', () => {
    expect(summary.train).toMatchObject({ learning_rate: QUICK.train['learning_rate'], batch_size: 16384, optimizer: 'muon' });
    expect(summary.env).toMatchObject(QUICK.env);
    expect(summary.vec).toMatchObject({ ...QUICK.vec, backend: 'Multiprocessing' });
  });

  it('prints one JSON metric line per log, the last one matching the summary', () => {
    const lines = run.stdout
      .split('\n')
      .map(parseJsonMetricLine)
      .filter((m): m is Record<string, number> => m !== null);
    expect(lines).toHaveLength(5); // 4 training epochs + the final evaluation
    expect(lines.map((l) => l['epoch'])).toEqual([1, 2, 3, 4, 4]);
    const { sps: _sps, agent_steps: steps, ...evaluated } = summary.metrics;
    expect(lines.at(-1)).toMatchObject({ ...evaluated, total_timesteps: QUICK.train['total_timesteps'] });
    // The evaluation's line leaves out its own SPS and steps; the last training line has the summary's.
    expect(lines.at(-1)).not.toHaveProperty('sps');
    expect(lines.at(-1)).not.toHaveProperty('agent_steps');
    expect(lines.at(-2)!['agent_steps']).toBe(steps);
  });

  it("lets PufferLib's dashboard through, readable by the log fallback", () => {
    const dashboardOnly = run.stdout.split('\n').filter((l) => parseJsonMetricLine(l) === null);
    const fromLog = metricsFromLog(dashboardOnly);
    expect(fromLog?.source).toBe('dashboard');
    // PufferLib's dashboard shows its own unweighted mean of the reports.
    expect(fromLog?.metrics['score']).toBeCloseTo(mean(reports['score']!), 3);
    expect(fromLog?.metrics['epoch']).toBe(4);
  });
});

describe("when it comes to PufferLib's checkpoints", () => {
  let first: ShimRun;
  let own: ShimRun;
  let resumed: ShimRun;
  let ownDir: string;
  beforeAll(() => {
    first = runShim(['train', 'puffer_drone_pp', ...QUICK_FLAGS]);
    ownDir = join(tmp, 'own-data-dir');
    own = runShim(['train', 'puffer_drone_pp', ...QUICK_FLAGS, `--train.data-dir=${ownDir}`]);
    const final = readdirSync(join(dirname(first.summaryPath), 'checkpoints')).find((f) => f.endsWith('.pt'))!;
    resumed = runShim(['train', 'puffer_drone_pp', ...QUICK_FLAGS, '--load-model-path', join(dirname(first.summaryPath), 'checkpoints', final)]);
  });

  it("has PufferLib write them in the run folder's checkpoints/, in its own layout", () => {
    expect(first.status, first.stderr).toBe(0);
    const dir = join(dirname(first.summaryPath), 'checkpoints');
    const [folder, final, ...rest] = readdirSync(dir).sort();
    expect(rest).toEqual([]);
    expect(final).toBe(`${folder}.pt`);
    expect(folder).toMatch(/^puffer_drone_pp_\d+$/);
    expect(readdirSync(join(dir, folder!)).sort()).toEqual(['model_puffer_drone_pp_000004.pt', 'trainer_state.pt']);
  });

  it('keeps a data dir the flags set, adding none', () => {
    expect(own.status, own.stderr).toBe(0);
    expect(own.calls[0]!.argv!.filter((f) => f.startsWith('--train.data-dir'))).toEqual([`--train.data-dir=${ownDir}`]);
    expect(readdirSync(ownDir).some((f) => f.endsWith('.pt'))).toBe(true);
    expect(existsSync(join(dirname(own.summaryPath), 'checkpoints'))).toBe(false);
  });

  it('resumes the weights PufferLib saved, and says plainly that its trainer state is not loaded', () => {
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.calls[0]!.loaded_model).toMatchObject({ kind: 'fake-pufferlib-model', epoch: 4 });
    expect(resumed.stderr).toContain('PufferLib loads the policy weights only (--load-model-path)');
    expect(resumed.stderr).toContain('trainer_state.pt');
    expect(first.stderr).not.toContain('resuming from');
  });
});

describe('when PufferLib has no load_config (the shim maps the flags itself)', () => {
  let run: ShimRun;
  beforeAll(() => {
    run = runShim(['train', 'puffer_drone_pp', ...QUICK_FLAGS, '--wandb', '--wandb-project=P'], { FAKE_PUFFERLIB_BEHAVIOUR: 'legacy' });
  });

  it('builds nested, typed args from --section.key-name flags and writes a valid summary', () => {
    expect(run.status, run.stderr).toBe(0);
    const call = run.calls[0]!;
    expect(call.via_load_config).toBe(false);
    expect(call.args).toEqual({ ...QUICK, train: { ...QUICK.train, data_dir: join(dirname(run.summaryPath), 'checkpoints') }, wandb: true, wandb_project: 'P' });
    expect(summaryAt(run.summaryPath).metrics['score']).toBeGreaterThan(0);
    expect(run.stderr).toContain('flags read by shim');
  });
});

describe('when PufferLib refuses a flag', () => {
  it('exits 2 naming the flags, after argparse has said which one, and writes no summary', () => {
    const run = runShim(['train', 'puffer_drone_pp', ...QUICK_FLAGS, '--train.no-such-key', '1']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unrecognized arguments: --train.no-such-key 1');
    expect(run.stderr).toContain('autopilot_shim: PufferLib refused the flags for puffer_drone_pp');
    expect(run.calls).toEqual([]);
    expect(existsSync(run.summaryPath)).toBe(false);
  });
});

describe('when the flags are not the ones the fake expects', () => {
  it("fails (exit 4) with the fake's assertion", () => {
    const run = runShim(['train', 'puffer_drone_pp', ...QUICK_FLAGS], { FAKE_PUFFERLIB_EXPECT_ARGV: JSON.stringify(QUICK_FLAGS.slice(2)) });
    expect(run.status).toBe(4);
    expect(run.stderr).toContain('fake pufferlib: unexpected flags');
    expect(run.stderr).toContain("autopilot_shim: PufferLib's load_config('puffer_drone_pp') failed: AssertionError");
  });
});

describe('when pufferlib is not installed', () => {
  it('exits 3 saying so, without a summary', () => {
    // -S: no site-packages, so no PufferLib even on a machine that has it; PYTHONPATH empty.
    const run = runShim(['train', 'puffer_drone_pp', ...QUICK_FLAGS], { PYTHONPATH: '' }, ['-S']);
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/autopilot_shim: pufferlib is not installed for \S+ \(No module named 'pufferlib'\)/);
    expect(run.stderr).toContain('PUFFER_PYTHON');
    expect(existsSync(run.summaryPath)).toBe(false);
  });
});

describe('when train() raises', () => {
  it('exits 4 with the error and its traceback, without a summary', () => {
    const run = runShim(['train', 'puffer_drone_pp', ...QUICK_FLAGS], { FAKE_PUFFERLIB_BEHAVIOUR: 'raise' });
    expect(run.status).toBe(4);
    expect(run.stderr).toContain("autopilot_shim: PufferLib's train('puffer_drone_pp') raised RuntimeError: CUDA out of memory");
    expect(run.stderr).toContain('Traceback (most recent call last)');
    expect(existsSync(run.summaryPath)).toBe(false);
  });
});

describe('when PufferLib refuses the config itself', () => {
  it('exits 4 with its APIUsageError', () => {
    // 4 x 8 x 8 agents need 256 segments; a 1024 batch of 64-step segments has 16.
    const flags = renderArgs({ ...QUICK, train: { ...QUICK.train, batch_size: 1024, minibatch_size: 1024, max_minibatch_size: 1024 } });
    const run = runShim(['train', 'puffer_drone_pp', ...flags]);
    expect(run.status).toBe(4);
    expect(run.stderr).toContain('raised APIUsageError: Total agents 256 <= segments 16');
  });
});

describe('when train() returns no logs', () => {
  it('exits 5: there is nothing to report', () => {
    const run = runShim(['train', 'puffer_drone_pp', ...QUICK_FLAGS], { FAKE_PUFFERLIB_BEHAVIOUR: 'no-logs' });
    expect(run.status).toBe(5);
    expect(run.stderr).toContain('returned no logs');
    expect(existsSync(run.summaryPath)).toBe(false);
  });
});

describe('when the shim is called without `train ENV`', () => {
  it('exits 2 with its usage', () => {
    for (const args of [[], ['train'], ['eval', 'puffer_drone_pp'], ['train', '--train.seed', '1']]) {
      const run = runShim(args);
      expect(run.status, JSON.stringify(args)).toBe(2);
      expect(run.stderr).toContain('usage: autopilot_shim.py train ENV');
    }
  });
});
