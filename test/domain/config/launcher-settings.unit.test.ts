import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../../domain/config/settings.js';

const minimal = { trainer: { command: ['python3', 'train.py'] }, metric: { name: 'score', direction: 'maximize' }, timeouts: { quick: { wall_seconds: 60, no_output_seconds: 10 } } };

describe('autopilot.json launcher', () => {
  it('defaults to the local launcher, with no Slurm settings', () => {
    expect(parseSettings(minimal).launcher).toEqual({ kind: 'local', local: {}, slurm: null });
  });

  it('takes "slurm" with a top-level slurm block, filling in the defaults', () => {
    const s = parseSettings({ ...minimal, launcher: 'slurm', slurm: { partition: 'gpu', time: '2-00:00:00', gpus: 1, mem: '16G', extra_sbatch: ['--constraint=a100'] } });
    expect(s.launcher.kind).toBe('slurm');
    expect(s.launcher.slurm).toEqual({
      partition: 'gpu',
      time: '2-00:00:00',
      gpus: 1,
      mem: '16G',
      extra_sbatch: ['--constraint=a100'],
      poll_seconds: 15,
      signal_lead_seconds: 120,
      command_retries: 3,
      retry_seconds: 5,
    });
    expect('slurm' in s).toBe(false);
  });

  it('takes the object form, with the local launcher GPUs and cores', () => {
    expect(parseSettings({ ...minimal, launcher: { kind: 'local', local: { gpus: [0, 1], cpus_per_run: 4 } } }).launcher).toEqual({
      kind: 'local',
      local: { gpus: [0, 1], cpus_per_run: 4 },
      slurm: null,
    });
    expect(parseSettings({ ...minimal, launcher: { kind: 'slurm', slurm: { qos: 'high' } } }).launcher.slurm).toMatchObject({ qos: 'high', poll_seconds: 15 });
    expect(parseSettings({ ...minimal, launcher: { local: { gpus: 'auto' } } }).launcher.local).toEqual({ gpus: 'auto' });
  });

  it.each([
    [{ launcher: 'slurm', slurm: {}, extra: { launcher: { kind: 'slurm', slurm: {} } } }, /slurm: Slurm settings are given twice/],
    [{ slurm: { partition: 'gpu' } }, /slurm: Slurm settings are given but the launcher is "local"/],
    [{ launcher: 'ray' }, /launcher/],
    [{ launcher: 'slurm', slurm: { time: '90 minutes' } }, /slurm\.time: must be a Slurm time limit such as 30/],
    [{ launcher: 'slurm', slurm: { mem: '16 GB' } }, /slurm\.mem: must be a memory size such as 16G/],
    [{ launcher: 'slurm', slurm: { extra_sbatch: ['--job-name=x'] } }, /slurm\.extra_sbatch\.0: sets an option autopilot sets itself/],
    [{ launcher: 'slurm', slurm: { extra_sbatch: ['constraint=a100'] } }, /slurm\.extra_sbatch\.0: must be one sbatch option starting with -/],
    [{ launcher: 'slurm', slurm: { partition: 'gpu; rm -rf /' } }, /slurm\.partition: must be a partition name/],
    [{ launcher: 'slurm', slurm: { poll_seconds: 0 } }, /slurm\.poll_seconds/],
    [{ launcher: { kind: 'local', local: { gpus: [] } } }, /launcher/],
  ])('refuses %j, naming the key and what is allowed', (patch, message) => {
    const { extra, ...rest } = patch as Record<string, unknown> & { extra?: Record<string, unknown> };
    expect(() => parseSettings({ ...minimal, ...rest, ...(extra ?? {}) })).toThrow(message);
  });
});
