import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configToArgv } from '../../../trainers/cartpole/flags.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = join(ROOT, 'dist/trainers/cartpole/main.js');
const GOOD_QUICK = JSON.parse(readFileSync(join(ROOT, 'trainers/cartpole/configs/good_quick.json'), 'utf8')) as Record<string, Record<string, unknown>>;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly lines: Record<string, unknown>[];
}

function runTrainer(argv: string[], env: Record<string, string>): Run {
  const r = spawnSync(process.execPath, [MAIN, ...argv], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 110_000 });
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, lines };
}

interface Summary {
  timestamp: string;
  run_id: string;
  train: Record<string, unknown>;
  env: Record<string, unknown>;
  vec: Record<string, unknown>;
  metrics: { success_rate: number; mean_reward: number; episode_length: number; sps: number; agent_steps: number; epoch: number };
  samples: { mean_reward: number[]; episode_length: number[] };
}

const tmp = mkdtempSync(join(tmpdir(), 'cartpole-int-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('when the compiled trainer runs a good quick config', () => {
  const runDir = join(tmp, 'run-good');
  let run: Run;
  let summary: Summary;
  beforeAll(() => {
    run = runTrainer([...configToArgv(GOOD_QUICK), '--train.seed', '3'], { PUFFER_AUTOPILOT_RUN_ID: 'int-001', PUFFER_AUTOPILOT_RUN_DIR: runDir, PUFFER_AUTOPILOT_SUMMARY: '' });
    summary = JSON.parse(readFileSync(join(runDir, 'trainer_summary.json'), 'utf8')) as Summary;
  });

  it('exits 0', () => {
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
  });

  it('prints one JSON metric object per stdout line, ending with the evaluation', () => {
    const train = run.lines.filter((l) => l['phase'] === 'train');
    expect(train.length).toBeGreaterThan(0);
    for (const l of train) {
      for (const k of ['agent_steps', 'total_timesteps', 'epoch', 'sps', 'mean_reward', 'episode_length', 'success_rate', 'learning_rate']) {
        expect(typeof l[k]).toBe('number');
      }
    }
    const steps = train.map((l) => l['agent_steps'] as number);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    expect(steps.at(-1)).toBe(summary.metrics.agent_steps);
    const last = run.lines.at(-1)!;
    expect(last['phase']).toBe('eval');
    expect(last['mean_reward']).toBe(summary.metrics.mean_reward);
  });

  it('writes zero-padded checkpoints including a final one', () => {
    const files = readdirSync(join(runDir, 'checkpoints')).sort();
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) expect(f).toMatch(/^model_\d{6}\.json$/);
    const finalName = `model_${String(summary.metrics.epoch).padStart(6, '0')}.json`;
    expect(files.at(-1)).toBe(finalName);
    const ckpt = JSON.parse(readFileSync(join(runDir, 'checkpoints', finalName), 'utf8')) as Record<string, unknown>;
    expect(ckpt['epoch']).toBe(summary.metrics.epoch);
    expect(ckpt['agent_steps']).toBe(summary.metrics.agent_steps);
    expect(ckpt['architecture']).toMatchObject({ hidden_sizes: [GOOD_QUICK['train']!['hidden_size'], GOOD_QUICK['train']!['hidden_size']] });
  });

  it('writes a summary that follows the trainer contract', () => {
    expect(summary.run_id).toBe('int-001');
    expect(Number.isNaN(Date.parse(summary.timestamp))).toBe(false);
    expect(summary.vec).toEqual({});
    expect(summary.train['seed']).toBe(3);
    expect(summary.train['learning_rate']).toBe(GOOD_QUICK['train']!['learning_rate']);
    expect(summary.env['num_envs']).toBe(GOOD_QUICK['env']!['num_envs']);
    const m = summary.metrics;
    expect(m.success_rate).toBeGreaterThanOrEqual(0);
    expect(m.success_rate).toBeLessThanOrEqual(1);
    expect(m.sps).toBeGreaterThan(0);
    expect(m.agent_steps).toBeGreaterThanOrEqual(GOOD_QUICK['train']!['total_timesteps'] as number);
    const rewards = summary.samples.mean_reward;
    expect(rewards.length).toBeGreaterThanOrEqual(32);
    expect(summary.samples.episode_length).toHaveLength(rewards.length);
    expect(m.mean_reward).toBeCloseTo(rewards.reduce((a, b) => a + b, 0) / rewards.length, 9);
    expect(m.success_rate).toBeCloseTo(summary.samples.episode_length.filter((l) => l >= 500).length / rewards.length, 12);
  });

  it('learns far beyond a random policy (about 20)', () => {
    expect(summary.metrics.mean_reward).toBeGreaterThan(150);
  });

  describe('when a later run loads one of its checkpoints', () => {
    const resumeDir = join(tmp, 'run-resume');
    let resumed: Run;
    let resumedSummary: Summary;
    let from: { epoch: number; agent_steps: number };
    beforeAll(() => {
      const first = readdirSync(join(runDir, 'checkpoints')).sort()[0]!;
      const path = join(runDir, 'checkpoints', first);
      from = JSON.parse(readFileSync(path, 'utf8')) as { epoch: number; agent_steps: number };
      const summaryPath = join(tmp, 'elsewhere', 'resume_summary.json');
      resumed = runTrainer([...configToArgv(GOOD_QUICK), '--train.seed', '3', '--load-model-path', path], {
        PUFFER_AUTOPILOT_RUN_ID: 'int-002',
        PUFFER_AUTOPILOT_RUN_DIR: resumeDir,
        PUFFER_AUTOPILOT_SUMMARY: summaryPath,
      });
      resumedSummary = JSON.parse(readFileSync(summaryPath, 'utf8')) as Summary;
    });

    it('continues the epoch and step counters from the checkpoint', () => {
      expect(resumed.status).toBe(0);
      expect(from.epoch).toBeLessThan(summary.metrics.epoch);
      const firstLine = resumed.lines.find((l) => l['phase'] === 'train')!;
      expect(firstLine['epoch'] as number).toBeGreaterThan(from.epoch);
      expect(firstLine['agent_steps'] as number).toBeGreaterThan(from.agent_steps);
      expect(resumed.stderr).toContain('resuming');
    });

    it('stops at the same total as the uninterrupted run and writes its own outputs', () => {
      expect(resumedSummary.metrics.epoch).toBe(summary.metrics.epoch);
      expect(resumedSummary.metrics.agent_steps).toBe(summary.metrics.agent_steps);
      expect(resumedSummary.run_id).toBe('int-002');
      expect(resumedSummary.samples.mean_reward.length).toBeGreaterThanOrEqual(32);
      expect(existsSync(join(resumeDir, 'checkpoints', `model_${String(summary.metrics.epoch).padStart(6, '0')}.json`))).toBe(true);
      expect(existsSync(join(resumeDir, 'trainer_summary.json'))).toBe(false);
    });

    it('continues from its own latest checkpoint when its scheduler restarted it (PUFFER_AUTOPILOT_RESTART_COUNT > 0)', () => {
      // A copy of the run folder's checkpoints, as a requeued Slurm job finds them; the last epoch's is taken away so the run has work left.
      const requeuedDir = join(tmp, 'run-requeued');
      cpSync(join(runDir, 'checkpoints'), join(requeuedDir, 'checkpoints'), { recursive: true });
      const names = readdirSync(join(requeuedDir, 'checkpoints')).sort();
      rmSync(join(requeuedDir, 'checkpoints', names.at(-1)!));
      const latest = join(requeuedDir, 'checkpoints', names.at(-2)!);
      const summaryPath = join(requeuedDir, 'summary.json');
      const env = { PUFFER_AUTOPILOT_RUN_ID: 'int-003', PUFFER_AUTOPILOT_RUN_DIR: requeuedDir, PUFFER_AUTOPILOT_SUMMARY: summaryPath };
      const again = runTrainer([...configToArgv(GOOD_QUICK), '--train.seed', '3'], { ...env, PUFFER_AUTOPILOT_RESTART_COUNT: '1' });
      expect(again.status).toBe(0);
      expect(again.stderr).toContain(`resuming from ${latest}`);
      const epoch = (JSON.parse(readFileSync(latest, 'utf8')) as { epoch: number }).epoch;
      expect(again.lines.find((l) => l['phase'] === 'train')!['epoch'] as number).toBe(epoch + 1);
      expect((JSON.parse(readFileSync(summaryPath, 'utf8')) as { load_model_path: string }).load_model_path).toBe(latest);
      // A first start (restart count 0) trains from scratch even with checkpoints there.
      const fresh = runTrainer([...configToArgv(GOOD_QUICK), '--train.seed', '3'], { ...env, PUFFER_AUTOPILOT_RESTART_COUNT: '0' });
      expect(fresh.stderr).not.toContain('resuming');
    });

    it('refuses a checkpoint of another architecture with exit 2', () => {
      const first = readdirSync(join(runDir, 'checkpoints')).sort()[0]!;
      const bad = runTrainer([...configToArgv(GOOD_QUICK), '--train.hidden-size', '7', '--load-model-path', join(runDir, 'checkpoints', first)], {
        PUFFER_AUTOPILOT_RUN_DIR: join(tmp, 'run-bad-arch'),
      });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('--load-model-path');
      expect(bad.stderr).toContain('architecture mismatch');
      expect(existsSync(join(tmp, 'run-bad-arch', 'trainer_summary.json'))).toBe(false);
    });
  });
});

describe('when the compiled trainer gets bad flags', () => {
  it('exits 2 naming an unknown flag', () => {
    const r = runTrainer(['--train.learning-rat', '0.1'], { PUFFER_AUTOPILOT_RUN_DIR: join(tmp, 'run-bad') });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--train.learning-rat');
    expect(r.stderr).toContain('unknown flag');
    expect(r.stdout).toBe('');
  });

  it('exits 2 naming a bad value and what is allowed', () => {
    const r = runTrainer(['--train.clip-vloss', 'maybe'], { PUFFER_AUTOPILOT_RUN_DIR: join(tmp, 'run-bad') });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--train.clip-vloss');
    expect(r.stderr).toContain('True or False');
  });

  it('exits 2 for a missing checkpoint file', () => {
    const r = runTrainer(['--load-model-path', join(tmp, 'nope.json')], { PUFFER_AUTOPILOT_RUN_DIR: join(tmp, 'run-bad') });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--load-model-path');
  });
});
