import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';

const run = (args: string[]) => execa('node', [CLI, ...args], { reject: false });

/** Every entry of the workspace: its path, kind and content hash (links by target, never followed). */
function fingerprint(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = relative(root, path);
      const st = lstatSync(path);
      if (st.isSymbolicLink()) out[rel] = `link ${readlinkSync(path)}`;
      else if (st.isDirectory()) {
        out[rel] = 'dir';
        walk(path);
      } else out[rel] = `file ${st.mode.toString(8)} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
    }
  };
  walk(root);
  return out;
}

/** A fake-trainer workspace whose trainer records its calls outside it. */
function workspace(env: Record<string, string> = {}) {
  const calls = join(mkdtempSync(join(tmpdir(), 'dry-run-calls-')), 'calls.jsonl');
  const ws = fakeTrainerWorkspace({ FAKE_TRAINER_RECORD: calls, ...env });
  const called = () =>
    existsSync(calls)
      ? readFileSync(calls, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { argv: string[]; env: Record<string, string> })
      : [];
  return { ws, called };
}

type DryRunJson = {
  ok: boolean;
  argv: string[];
  env: Record<string, string>;
  scratch: string | null;
  source?: string;
  reported?: string[];
  metric?: { name: string; n: number; kind: string; mean: number; sd: number; mde: number; warnings: string[] };
};

describe('autopilot loop --dry-run on the shipped workspace', () => {
  it('runs the baseline once outside the workspace, reports the metric with its MDE, and records nothing', async () => {
    const { ws, called } = workspace({ MY_API_TOKEN: 'sk-dryrunsecretdryrunsecret01' });
    const before = fingerprint(ws);
    const r = await run(['loop', '--dry-run', '--workspace', ws]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('argv: bash scripts/run_training.sh --env.num-envs 8 --eval.episodes 32');
    expect(r.stdout).toContain('--train.learning-rate 0.0001');
    expect(r.stdout).toContain('MY_API_TOKEN=<redacted>');
    expect(r.stdout).not.toContain('sk-dryrunsecret');
    expect(r.stdout).toContain('summary: trainer_summary.json');
    expect(r.stdout).toContain('metric mean_reward (maximize): present, n=32 values');
    expect(r.stdout).toMatch(/smallest detectable difference: [\d.]+ \(0\.7004 sd/);
    expect(r.stderr).not.toContain('warning');
    // The trainer ran once, with its run folder and summary outside the workspace.
    const calls = called();
    expect(calls).toHaveLength(1);
    const runDir = calls[0]!.env['PUFFER_AUTOPILOT_RUN_DIR']!;
    expect(runDir.startsWith(ws)).toBe(false);
    expect(calls[0]!.env['PUFFER_AUTOPILOT_SUMMARY']).toBe(join(runDir, 'trainer_summary.json'));
    // A good run leaves no scratch folder behind, and the workspace exactly as it was, without a log.
    expect(existsSync(runDir)).toBe(false);
    expect(fingerprint(ws)).toEqual(before);
    expect(existsSync(join(ws, 'events.db'))).toBe(false);
  });

  it('computes the MDE from the sample: (z(0.975) + z(0.8)) * sd * sqrt(2/n)', async () => {
    const { ws } = workspace();
    const r = await run(['loop', '--dry-run', '--json', '--workspace', ws]);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as DryRunJson;
    // The fake trainer's episodes at lr 0.0001, seed 1: center + ((7i + 1) mod 11) - 5.
    const center = 500 - 80 * Math.abs(Math.log10(0.0001 / 0.003));
    const sample = Array.from({ length: 32 }, (_, i) => center + ((i * 7 + 1) % 11) - 5);
    const mean = sample.reduce((a, b) => a + b, 0) / 32;
    const sd = Math.sqrt(sample.reduce((a, x) => a + (x - mean) ** 2, 0) / 31);
    expect(out.metric).toMatchObject({ name: 'mean_reward', n: 32, kind: 'samples' });
    expect(out.metric!.mean).toBeCloseTo(mean, 9);
    expect(out.metric!.sd).toBeCloseTo(sd, 9);
    expect(out.metric!.mde).toBeCloseTo((1.959964 + 0.841621) * sd * Math.sqrt(2 / 32), 4);
    expect(out.argv.slice(0, 2)).toEqual(['bash', 'scripts/run_training.sh']);
  });
});

describe('autopilot loop --dry-run when the metric cannot be judged', () => {
  it('exits 1 naming the metrics the trainer had when metric.name is not among them', async () => {
    const { ws } = workspace();
    patchSettings(ws, { metric: { name: 'episode_return' } });
    const r = await run(['loop', '--dry-run', '--workspace', ws]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('metric episode_return (maximize): MISSING — the trainer reported agent_steps, episode_length, epoch, mean_reward, sps, success_rate');
    expect(r.stderr).toContain('the scratch folder is kept');
  });

  it('warns that runs of one value can never be judged, and that replicates pool finals', async () => {
    const { ws } = workspace({ FAKE_TRAINER_EPISODES: '0' });
    const r = await run(['loop', '--dry-run', '--workspace', ws]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('present, n=1 final value');
    expect(r.stderr).toContain('warning: a run yields 1 value of mean_reward: such runs can never be judged');
    expect(r.stderr).toContain('replicates pool their finals');
    expect(r.stdout).not.toContain('smallest detectable difference');
  });

  it('warns when a run gives fewer than 8 values, and still reports the MDE', async () => {
    const { ws } = workspace({ FAKE_TRAINER_EPISODES: '5' });
    const r = await run(['loop', '--dry-run', '--workspace', ws]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('n=5 values');
    expect(r.stdout).toContain('smallest detectable difference');
    expect(r.stderr).toContain('the bootstrap has little to work with');
  });

  it('exits 1 with the end of its output when the trainer fails, and 2 without running it when the preflight fails', async () => {
    const { ws, called } = workspace({ FAKE_TRAINER_BEHAVIOUR: 'crash' });
    const crashed = await run(['loop', '--dry-run', '--workspace', ws]);
    expect(crashed.exitCode).toBe(1);
    expect(crashed.stderr).toContain('the dry run failed: the trainer exited with code 3');
    expect(crashed.stderr).toContain('fake-trainer: crashing on purpose');
    expect(called()).toHaveLength(1);
    writeFileSync(join(ws, 'policy.json'), '{');
    const refused = await run(['loop', '--dry-run', '--workspace', ws]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('policy.json: not valid JSON');
    expect(called()).toHaveLength(1);
    expect(existsSync(join(ws, 'events.db'))).toBe(false);
  });

  it('says to keep the underscores of a trainer that declares them, and passes its flags as written once told', async () => {
    // An argparse trainer of the common kind: --learning_rate, not --learning-rate.
    const project = mkdtempSync(join(tmpdir(), 'dry-run-snake-'));
    writeFileSync(
      join(project, 'train.py'),
      [
        'import argparse, json, os',
        'p = argparse.ArgumentParser()',
        "p.add_argument('--learning_rate', type=float, required=True)",
        "p.add_argument('--num_steps', type=int, required=True)",
        "p.add_argument('--seed', type=int, default=0)",
        'a = p.parse_args()',
        'values = [a.learning_rate * a.num_steps + i for i in range(8)]',
        "json.dump({'metrics': {'score': sum(values) / 8}, 'samples': {'score': values}}, open(os.environ['PUFFER_AUTOPILOT_SUMMARY'], 'w'))",
        '',
      ].join('\n'),
    );
    writeFileSync(join(project, 'base.json'), JSON.stringify({ learning_rate: 0.01, num_steps: 100, seed: 1 }));
    const ws = join(project, 'autopilot');
    const init = await execa('node', [CLI, 'init', ws, '--trainer', 'python3 train.py', '--metric', 'score', '--maximize', '--config', 'base.json'], { cwd: project, reject: false });
    expect(init.exitCode, init.stderr).toBe(0);
    const refused = await run(['loop', '--dry-run', '--workspace', ws]);
    expect(refused.exitCode, refused.stdout).toBe(1);
    expect(refused.stderr).toContain('the following arguments are required: --learning_rate, --num_steps');
    expect(refused.stderr).toContain(
      'hint: the trainer did not take --learning-rate (from the config key learning_rate): if it declares its flags with underscores (--learning_rate), set "trainer": {"flag_names": "as-is"} in autopilot.json',
    );
    patchSettings(ws, { trainer: { flag_names: 'as-is' } });
    const taken = await run(['loop', '--dry-run', '--workspace', ws]);
    expect(taken.exitCode, taken.stdout + taken.stderr).toBe(0);
    expect(taken.stdout).toContain('argv: bash autopilot/scripts/run_training.sh --learning_rate 0.01 --num_steps 100 --seed 1');
    expect(taken.stdout).toMatch(/metric score \(maximize\): present, n=8/);
  });
});
