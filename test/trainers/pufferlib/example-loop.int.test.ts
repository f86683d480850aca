/**
 * The example workspace examples/puffer_drone_pp end to end: `autopilot loop` on a temp copy, its
 * run_training.sh rendering each run's config into PufferLib flags for the shim (or PufferLib's
 * own CLI), and the fake `pufferlib` package (on PYTHONPATH through autopilot.json's trainer.env)
 * recording exactly what it got.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scalar } from '../../../domain/config/config.js';
import { renderArgs, renderValue } from '../../../domain/trainer-io/render-args.js';
import { CLI, patchSettings, ROOT } from '../../support/workspace.js';

const HOSTILE_AGENT = join(ROOT, 'test', 'fixtures', 'hostile-agent.mjs');
import { copyExample, FAKE_PUFFERLIB, fakeCalls, hasPython, readJson, type FakeCall, type Sections } from './support.js';

interface ConfigDiff {
  base: string | null;
  changes: { key: string; from: Scalar | null; to: Scalar | null }[];
}

interface RunSummary {
  summary_source: string;
  metrics: Record<string, number>;
  evaluation: { metric: string; verdict: string; candidate: { mean: number; n: number } } | null;
}

const workspaces: string[] = [];
afterAll(() => {
  for (const ws of workspaces) rmSync(dirname(ws), { recursive: true, force: true });
});

/** A temp copy of the example whose trainer finds the fake PufferLib; returns it and the record's path. */
function exampleWithFake(settings: Record<string, unknown> = {}, env: Record<string, string> = {}): { ws: string; record: string } {
  const ws = copyExample();
  workspaces.push(ws);
  const record = join(dirname(ws), 'fake-pufferlib.jsonl');
  patchSettings(ws, { ...settings, trainer: { env: { PYTHONPATH: FAKE_PUFFERLIB, PYTHONDONTWRITEBYTECODE: '1', FAKE_PUFFERLIB_RECORD: record, ...env } } });
  return { ws, record };
}

/** Runs `autopilot loop --runs N` on `ws`. */
async function loop(ws: string, runs: number) {
  return execa('node', [CLI, 'loop', '--runs', String(runs), '--workspace', ws], { reject: false, timeout: 100_000 });
}

/** The flags a call got as a map from flag to value (every config flag has a value). */
function flagValues(argv: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) m.set(argv[i]!, argv[i + 1]!);
  return m;
}

const flagOf = (key: string) => `--${key.replaceAll('_', '-')}`;

/** The flags the example's script hands PufferLib for run `id`: the config's, then the run folder as data dir. */
const flagsOf = (ws: string, id: string) => [...renderArgs(readJson<Sections>(join(ws, 'runs', id, 'config.json'))), '--train.data-dir', join(ws, 'runs', id, 'checkpoints')];

beforeAll(() => {
  expect(hasPython(), 'these tests run python3 from PATH').toBe(true);
});

describe('when the loop runs two quick runs of the example through the shim', () => {
  let ws: string;
  let calls: FakeCall[];
  let code: number | undefined;
  let output: string;
  beforeAll(async () => {
    const setup = exampleWithFake();
    ws = setup.ws;
    const r = await loop(ws, 2);
    code = r.exitCode;
    output = `${r.stdout}\n${r.stderr}`;
    calls = fakeCalls(setup.record);
  });

  it('completes both runs', () => {
    expect(code, output).toBe(0);
    expect(output).toContain('loop completed: 2 run(s)');
    expect(calls).toHaveLength(2);
  });

  it("hands PufferLib exactly the flags of run 001's config (the quick baseline), typed as in the config", () => {
    const config = readJson<Sections>(join(ws, 'runs', '001', 'config.json'));
    expect(config).toEqual(readJson(join(ws, 'configs', 'baseline_quick.json')));
    const call = calls[0]!;
    expect(call.via_load_config).toBe(true);
    expect(call.argv).toEqual(flagsOf(ws, '001'));
    for (const name of ['train', 'env', 'vec'] as const) for (const [key, value] of Object.entries(config[name])) expect(call.args[name][key], `${name}.${key}`).toEqual(value);
    expect(call.env).toMatchObject({ PUFFER_AUTOPILOT_RUN_ID: '001', PUFFER_AUTOPILOT_RUN_DIR: join(ws, 'runs', '001') });
  });

  it("gives run 002 its own config's flags, differing from run 001's exactly where its config_diff says", () => {
    readJson<Sections>(join(ws, 'runs', '002', 'config.json'));
    const diff = readJson<ConfigDiff>(join(ws, 'runs', '002', 'config_diff.json'));
    expect(diff.base).toBe('001');
    expect(diff.changes.length).toBeGreaterThan(0);
    expect(calls[1]!.argv).toEqual(flagsOf(ws, '002'));

    const before = flagValues(calls[0]!.argv!);
    const after = flagValues(calls[1]!.argv!);
    const changed = new Set(diff.changes.map((c) => flagOf(c.key)));
    for (const c of diff.changes) {
      const flag = flagOf(c.key);
      expect(after.get(flag), flag).toBe(c.to === null ? undefined : renderValue(c.to));
      expect(before.get(flag), flag).toBe(c.from === null ? undefined : renderValue(c.from));
    }
    for (const [flag, value] of before) if (!changed.has(flag) && flag !== '--train.data-dir') expect(after.get(flag), flag).toBe(value);
    for (const flag of after.keys()) expect(before.has(flag) || changed.has(flag), flag).toBe(true);
  });

  it('evaluates both runs on `score`, read from the summary the shim wrote', () => {
    for (const id of ['001', '002']) {
      const summary = readJson<RunSummary>(join(ws, 'runs', id, 'summary.json'));
      expect(summary.summary_source, id).toBe('summary');
      expect(summary.evaluation?.metric, id).toBe('score');
      expect(summary.evaluation?.candidate.mean, id).toBeCloseTo(summary.metrics['score']!, 9);
      // The final evaluation's per-report sample, as the shim wrote it.
      const written = readJson<{ samples: Record<string, number[]> }>(join(ws, 'runs', id, 'trainer_summary.json'));
      expect(summary.evaluation?.candidate.n, id).toBe(written.samples['score']!.length);
    }
    // The quick baseline is sized for at least 16 values (32 rollouts x 64 ticks, a report per 1024 ticks from each of 8 vec envs).
    expect(readJson<RunSummary>(join(ws, 'runs', '001', 'summary.json')).evaluation?.candidate.n).toBeGreaterThanOrEqual(16);
    expect(readJson<RunSummary>(join(ws, 'runs', '001', 'summary.json')).evaluation?.verdict).toBe('baseline');
    expect(['improved', 'regressed', 'inconclusive']).toContain(readJson<RunSummary>(join(ws, 'runs', '002', 'summary.json')).evaluation?.verdict);
  });
});

describe('when Weights & Biases is enabled', () => {
  let calls: FakeCall[];
  let session: string;
  beforeAll(async () => {
    const { ws, record } = exampleWithFake({ wandb: { enabled: true, project: 'P' } });
    const r = await loop(ws, 1);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    calls = fakeCalls(record);
    session = readJson<{ session: string }>(join(ws, 'runs', '001', 'run.json')).session;
  });

  it("passes PufferLib's --wandb flags after the config's: project, the loop session as group, the run id as tag", () => {
    const argv = calls[0]!.argv!;
    expect(argv.slice(-9, -2)).toEqual(['--wandb', '--wandb-project', 'P', '--wandb-group', session, '--tag', '001']);
    expect(calls[0]!.args).toMatchObject({ wandb: true, wandb_project: 'P', wandb_group: session, tag: '001' });
  });
});

describe("when PUFFER_AUTOPILOT_NATIVE=1 runs PufferLib's own CLI (python -m pufferlib.pufferl train)", () => {
  let ws: string;
  let calls: FakeCall[];
  beforeAll(async () => {
    const setup = exampleWithFake({}, { PUFFER_AUTOPILOT_NATIVE: '1' });
    ws = setup.ws;
    const r = await loop(ws, 1);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    calls = fakeCalls(setup.record);
  });

  it('hands it the same flags', () => {
    expect(calls).toHaveLength(1);
    expect(calls[0]!.via_load_config).toBe(true);
    expect(calls[0]!.argv).toEqual(flagsOf(ws, '001'));
  });

  it("reads `score` from PufferLib's dashboard when no summary was written (an unpatched PufferLib)", () => {
    const summary = readJson<RunSummary>(join(ws, 'runs', '001', 'summary.json'));
    expect(summary.summary_source).toBe('log');
    expect(summary.evaluation).toMatchObject({ metric: 'score', verdict: 'baseline' });
    expect(summary.metrics['score']).toBeGreaterThan(0);
  });
});

describe('when run 002 continues from the latest checkpoint (autopilot.resume_from: latest)', () => {
  let ws: string;
  let calls: FakeCall[];
  let latestAfter001: { run_id: string; checkpoint: string; sha256: string; step: number | null };
  beforeAll(async () => {
    const proposal = { overrides: { autopilot: { resume_mode: 'continue', resume_from: 'latest' } }, rationale: 'continue', hypothesis: 'more steps help' };
    const setup = exampleWithFake({ proposer: { kind: 'command', command: { argv: [process.execPath, HOSTILE_AGENT], env: { HOSTILE_AGENT_PROPOSAL: JSON.stringify(proposal) } } } });
    ws = setup.ws;
    let r = await loop(ws, 1);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    latestAfter001 = readJson(join(ws, 'models', 'latest.json'));
    r = await loop(ws, 1);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    calls = fakeCalls(setup.record);
  });

  it("records run 001's checkpoints from the run folder, its last model (exposed as <run>-s<seed>-<step>.pt) as latest", () => {
    const folder = readdirSync(join(ws, 'runs', '001', 'checkpoints')).find((f) => !f.endsWith('.pt'))!;
    // The last model PufferLib saved, the same bytes as its final copy {data_dir}/{env}_{id}.pt.
    const final = readFileSync(join(ws, 'runs', '001', 'checkpoints', `${folder}.pt`));
    expect(latestAfter001).toEqual({ run_id: '001', checkpoint: 'runs/001/checkpoints/001-s42-4.pt', sha256: createHash('sha256').update(final).digest('hex'), step: 4 });
    expect(readFileSync(join(ws, latestAfter001.checkpoint))).toEqual(final);
    expect(existsSync(join(ws, 'experiments'))).toBe(false);
  });

  it('hands run 002 that checkpoint as --load-model-path, and PufferLib loads it', () => {
    const diff = readJson<{ normalizations: { key: string; rule: string }[] }>(join(ws, 'runs', '002', 'config_diff.json'));
    expect(diff.normalizations).toContainEqual(expect.objectContaining({ key: 'load_model_path', rule: 'resume_from:latest' }));
    expect(calls).toHaveLength(2);
    expect(calls[1]!.argv).toEqual(flagsOf(ws, '002'));
    expect(calls[1]!.args['load_model_path']).toBe(join(ws, latestAfter001.checkpoint));
    expect(calls[0]!.loaded_model).toBeNull();
    expect(calls[1]!.loaded_model).toMatchObject({ kind: 'fake-pufferlib-model', epoch: 4 });
    const folder = readdirSync(join(ws, 'runs', '001', 'checkpoints')).find((f) => !f.endsWith('.pt'))!;
    expect(calls[1]!.loaded_model!.run_id).toBe(folder.match(/^puffer_drone_pp_(\d+)$/)![1]);
    expect(readFileSync(join(ws, 'logs', '002.log'), 'utf8')).toContain('PufferLib loads the policy weights only');
  });

  it("moves latest to run 002's own final checkpoint", () => {
    const latest = readJson<{ run_id: string; checkpoint: string }>(join(ws, 'models', 'latest.json'));
    expect(latest.run_id).toBe('002');
    expect(latest.checkpoint).toMatch(/^runs\/002\/checkpoints\/002-s\d+-\d+\.pt$/);
  });
});
