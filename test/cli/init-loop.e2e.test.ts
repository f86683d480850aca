/**
 * A first night on a workspace `autopilot init` wrote for a Python argparse trainer: the dry run
 * reports the metric, the loop starts the trainer through the scaffolded script, the trainer gets
 * each run's config as flags (appended by the launcher to trainer.command, passed on as "$@"), and
 * its summary decides the runs. A Python trainer that prints only every 2 s is not taken for hung,
 * because the script exports PYTHONUNBUFFERED (without it, the same trainer is stopped as silent).
 * Each test has its own project folder and mostly waits on its trainer's clock: they run at once.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../domain/config/config.js';
import { renderArgs } from '../../domain/trainer-io/render-args.js';
import { eventsOfType } from '../support/hostile.js';
import { CLI, ROOT, patchSettings } from '../support/workspace.js';

const TRAINER = join(ROOT, 'test', 'fixtures', 'python-trainer', 'train.py');
// Whatever the test runner's environment holds, the trainer's buffering is the script's doing.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'PYTHONUNBUFFERED'));

function cli(args: string[], cwd: string) {
  return execa('node', [CLI, ...args], { cwd, reject: false, all: true, env, extendEnv: false });
}

/** A fresh project folder with a baseline, and the workspace `init` wrote in it for the Python fixture. */
async function initialised(trainerArgs: string): Promise<{ dir: string; ws: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'autopilot-init-loop-'));
  writeFileSync(join(dir, 'baseline.json'), JSON.stringify({ train: { learning_rate: 0.01, seed: 1 } }));
  const init = await cli(['init', '--trainer', `/usr/bin/python3 ${TRAINER} ${trainerArgs}`, '--metric', 'score', '--maximize', '--config', 'baseline.json'], dir);
  expect(init.exitCode, init.all).toBe(0);
  return { dir, ws: join(dir, 'autopilot') };
}

describe.concurrent('when the loop runs on a workspace init wrote for a Python trainer', () => {
  it("dry-runs, then trains each of 3 runs with its config as flags and judges it by the trainer's summary", async () => {
    const record = join(tmpdir(), `autopilot-init-loop-${process.pid}-${Date.now()}.jsonl`);
    const { dir, ws } = await initialised(`--record ${record}`);

    const dry = await cli(['loop', '--dry-run', '--workspace', ws], dir);
    expect(dry.exitCode, dry.all).toBe(0);
    expect(dry.stdout).toMatch(/score/);
    expect(dry.stdout).toMatch(/8 values/);
    expect(eventsOfType(ws, 'LoopStarted')).toEqual([]);

    const loop = await cli(['loop', '--runs', '3', '--workspace', ws], dir);
    expect(loop.exitCode, loop.all).toBe(0);
    expect(loop.stdout).toMatch(/loop completed: 3 run\(s\)/);
    const calls = readFileSync(record, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { argv: string[]; cwd: string; unbuffered: string; run_id: string });
    // The dry run's call, then the loop's three.
    expect(calls.map((c) => c.run_id).slice(1)).toEqual(['001', '002', '003']);
    for (const call of calls.slice(1)) {
      const config = JSON.parse(readFileSync(join(ws, 'runs', call.run_id, 'config.json'), 'utf8')) as Config;
      // The fixed argv of --trainer, then the run's flags: needs the launcher to append them to trainer.command.
      expect(call.argv).toEqual(['--record', record, ...renderArgs(config)]);
      expect(call.cwd).toBe(dir);
      expect(call.unbuffered).toBe('1');
    }
    expect(eventsOfType(ws, 'JournalWritten').map((e) => e.data.status)).toEqual(['completed', 'completed', 'completed']);
    expect(loop.stdout).toMatch(/incumbent: run 00[123] with score/);
  });
});

describe.concurrent('when a Python trainer prints a line only every 2 s and the silence limit is 5 s', () => {
  const limits = { timeouts: { quick: { wall_seconds: 60, no_output_seconds: 5, grace_seconds: 1 } } };

  it('is not killed as hung with the scaffolded script', async () => {
    const { dir, ws } = await initialised('--epoch-seconds 2');
    patchSettings(ws, limits);
    const loop = await cli(['loop', '--runs', '1', '--workspace', ws], dir);
    expect(loop.exitCode, loop.all).toBe(0);
    expect(eventsOfType(ws, 'RunFailed')).toEqual([]);
    expect(eventsOfType(ws, 'RunFinished')).toHaveLength(1);
  }, 60_000);

  it('is stopped as silent once the script does not export PYTHONUNBUFFERED (what the export prevents)', async () => {
    const { dir, ws } = await initialised('--epoch-seconds 2');
    patchSettings(ws, limits);
    const script = join(ws, 'scripts', 'run_training.sh');
    const text = readFileSync(script, 'utf8');
    expect(text).toContain('export PYTHONUNBUFFERED=1');
    writeFileSync(script, text.replace('export PYTHONUNBUFFERED=1', ''));
    const loop = await cli(['loop', '--runs', '1', '--workspace', ws], dir);
    expect(loop.exitCode, loop.all).toBe(1);
    expect(eventsOfType(ws, 'RunFailed').map((e) => e.data.reason)).toContain('hung');
  }, 60_000);
});

describe('the shipped scripts', () => {
  it('export PYTHONUNBUFFERED before they exec the trainer', () => {
    for (const rel of ['autopilot/scripts/run_training.sh', 'examples/puffer_drone_pp/scripts/run_training.sh']) {
      const text = readFileSync(join(ROOT, rel), 'utf8');
      expect(text.indexOf('export PYTHONUNBUFFERED=1'), rel).toBeGreaterThan(-1);
      expect(text.indexOf('export PYTHONUNBUFFERED=1'), rel).toBeLessThan(text.indexOf('exec '));
    }
  });
});
