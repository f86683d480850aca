/** The Slurm job script and submission, run for real: the script with bash (as Slurm runs it), no Slurm needed. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { SlurmSettingsSchema } from '../../../domain/config/launcher-settings.js';
import { jobOfSession, sbatchArgv, shellWord, slurmJobComment, slurmJobScript } from '../../../domain/run/slurm-job.js';

const attempt = { workspaceId: 'abc123def456', session: '0002', runId: '007', attempt: 3 };

function script(argv: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'slurm-job-'));
  const path = join(dir, 'job.sh');
  const resultFile = join(dir, 'result.json');
  writeFileSync(path, slurmJobScript({ ...attempt, argv, resultFile }));
  return { dir, path, resultFile, result: () => JSON.parse(readFileSync(resultFile, 'utf8')) as Record<string, unknown> };
}

describe('the sbatch argv', () => {
  it('names the job and its attempt, asks for requeue and the warning signal, and passes every setting', () => {
    const s = SlurmSettingsSchema.parse({
      partition: 'gpu',
      gpus: 2,
      cpus_per_task: 8,
      mem: '32G',
      account: 'rl',
      qos: 'high',
      extra_sbatch: ['--constraint=a100'],
      signal_lead_seconds: 90,
    });
    expect(sbatchArgv(s, { ...attempt, script: '/w/runs/007/slurm/attempt-3.sh', log: '/w/logs/007.log', cwd: '/w', wallSeconds: 3600 })).toEqual([
      'sbatch',
      '--parsable',
      '--job-name=ap-007-a3',
      '--comment=autopilot:abc123def456/0002/007/3',
      '--requeue',
      '--open-mode=append',
      '--signal=B:USR1@90',
      '--output=/w/logs/007.log',
      '--chdir=/w',
      // No time given: the run's wall-clock limit and the warning's lead, in whole minutes.
      '--time=62',
      '--partition=gpu',
      '--gpus=2',
      '--cpus-per-task=8',
      '--mem=32G',
      '--account=rl',
      '--qos=high',
      '--constraint=a100',
      '/w/runs/007/slurm/attempt-3.sh',
    ]);
    expect(sbatchArgv(SlurmSettingsSchema.parse({ time: '1:00:00' }), { ...attempt, script: 's', log: 'l', cwd: 'c', wallSeconds: 60 })).toContain('--time=1:00:00');
    // A % in the workspace's path is not read as one of sbatch's file name patterns.
    expect(sbatchArgv(SlurmSettingsSchema.parse({}), { ...attempt, script: 's', log: '/w/100%j/logs/007.log', cwd: 'c', wallSeconds: 60 })).toContain('--output=/w/100%%j/logs/007.log');
  });

  it('tells the jobs of a session of this workspace from those of another workspace', () => {
    const comment = slurmJobComment(attempt);
    expect(jobOfSession(comment, 'abc123def456', '0002')).toBe(true);
    expect(jobOfSession(comment, 'abc123def456', '0001')).toBe(false);
    expect(jobOfSession(comment, '000000000000', '0002')).toBe(false);
    expect(jobOfSession('0002/007/3', 'abc123def456', '0002')).toBe(false);
  });
});

describe('the job script', () => {
  it('runs the argv as given (no shell in between) and records the exit code', async () => {
    const awkward = `it's "quoted" $HOME; echo pwned`;
    const j = script(['node', '-e', 'console.log(process.argv[1]); process.exit(3)', awkward]);
    const r = await execa('bash', [j.path], { reject: false, env: { SLURM_RESTART_COUNT: '2', SLURM_JOB_ID: '41' } });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe(awkward);
    expect(j.result()).toMatchObject({ exitCode: 3, signal: null, restarts: 2, jobId: '41' });
  });

  it('passes USR1 (Slurm warning before the time limit) and TERM to the trainer as TERM, and records the signal it died of', async () => {
    for (const signal of ['SIGUSR1', 'SIGTERM'] as const) {
      const j = script(['sleep', '30']);
      const child = execa('bash', [j.path], { reject: false });
      await new Promise((r) => setTimeout(r, 300));
      child.kill(signal);
      const r = await child;
      expect(r.exitCode).toBe(143);
      expect(j.result()).toMatchObject({ exitCode: null, signal: 15 });
    }
  });

  it('removes the record of an earlier start before it runs again (a requeued job)', async () => {
    const j = script(['sh', '-c', 'test ! -e "$0" && exit 0; exit 9', 'RESULT']);
    writeFileSync(j.resultFile, '{"exitCode":0}');
    writeFileSync(j.path, readFileSync(j.path, 'utf8').replace("'RESULT'", shellWord(j.resultFile)));
    await execa('bash', [j.path], { reject: false });
    expect(j.result()).toMatchObject({ exitCode: 0 });
  });
});
