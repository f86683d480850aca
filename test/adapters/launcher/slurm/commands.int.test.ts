/** The Slurm command layer against this machine's real one-node Slurm (bin/slurm-up.sh): submit, list, inspect, cancel, and each failure's error. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountingEnabled, partitionExists, sbatch, scancel, scontrolShowJob, slurmPing, SlurmCommandError, squeueAll } from '../../../../adapters/launcher/slurm/commands.js';
import { makeJobEligibleNow, requireSlurm, waitForJobState } from '../../../support/slurm.js';

const submitted: string[] = [];
let dir: string;
// Unique names: other test files and people may use the same Slurm at once.
const tag = `ap-cmd-${process.pid}`;

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  return path;
}

async function submit(name: string, body: string, comment: string): Promise<string> {
  const args = [`--job-name=${tag}-${name}`, `--comment=${comment}`, `--output=${join(dir, `${name}-%j.out`)}`];
  const id = await sbatch(args, script(`${name}.sh`, body), { cwd: dir });
  submitted.push(id);
  return id;
}

beforeAll(() => {
  requireSlurm();
  dir = mkdtempSync(join(tmpdir(), 'slurm-commands-'));
});

afterAll(async () => {
  for (const id of submitted) await scancel(id).catch(() => undefined);
});

describe('Slurm commands on a real Slurm', () => {
  it('submits a script, lists it, and reads how it ended: exit code 3, its comment with spaces and `|`', async () => {
    const comment = 'run=r1 attempt=2 | spaced';
    const id = await submit('exit3', 'echo out-of-job\nexit 3', comment);
    expect(id).toMatch(/^\d+$/);
    expect(await waitForJobState(id, ['FAILED'], 15_000)).toBe('FAILED');
    const listed = (await squeueAll()).find((e) => e.jobId === id);
    expect(listed).toEqual({ jobId: id, name: `${tag}-exit3`, state: 'FAILED', reason: 'NonZeroExitCode', restarts: 0, comment });
    const details = await scontrolShowJob(id);
    expect(details).toEqual({ jobId: id, name: `${tag}-exit3`, state: 'FAILED', reason: 'NonZeroExitCode', exitCode: 3, signal: null, restarts: 0, requeue: true, comment });
    expect(readFileSync(join(dir, `exit3-${id}.out`), 'utf8')).toBe('out-of-job\n');
  });

  it('cancels a sleeping job', async () => {
    const started = join(dir, 'sleep.started');
    const id = await submit('sleep', `touch ${started}\nsleep 300`, 'sleeper');
    await waitForJobState(id, ['RUNNING'], 15_000);
    expect((await scontrolShowJob(id))?.state).toBe('RUNNING');
    // RUNNING comes with the allocation, before the script runs; cancelled before it starts, the job would record no signal.
    const startBy = Date.now() + 15_000;
    while (!existsSync(started) && Date.now() < startBy) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(started)).toBe(true);
    await scancel(id);
    expect(await waitForJobState(id, ['CANCELLED'], 15_000)).toBe('CANCELLED');
    // The state turns CANCELLED before the batch step's end is recorded: its signal follows (under load, later).
    const deadline = Date.now() + 15_000;
    let signal = (await scontrolShowJob(id))?.signal ?? null;
    while (signal === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      signal = (await scontrolShowJob(id))?.signal ?? null;
    }
    expect(signal).toBe(15);
  });

  it('sees a requeued job pending on BeginTime with one restart, until it is made eligible now', async () => {
    const id = await submit('requeue', 'sleep 300', 'requeued');
    await waitForJobState(id, ['RUNNING'], 15_000);
    execFileSync('scontrol', ['requeue', id]);
    await waitForJobState(id, ['PENDING'], 15_000);
    expect(await scontrolShowJob(id)).toMatchObject({ state: 'PENDING', reason: 'BeginTime', restarts: 1, requeue: true, comment: 'requeued' });
    expect((await squeueAll()).find((e) => e.jobId === id)).toMatchObject({ state: 'PENDING', reason: 'BeginTime', restarts: 1 });
    makeJobEligibleNow(id);
    expect(await waitForJobState(id, ['RUNNING'], 15_000)).toBe('RUNNING');
    await scancel(id);
  });

  it('throws sbatch’s own error for a partition that does not exist', async () => {
    const err = await sbatch(['--partition=nope'], script('never.sh', 'exit 0'), { cwd: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlurmCommandError);
    const e = err as SlurmCommandError;
    expect(e.message).toMatch(/^sbatch failed \(exit 1\): sbatch: error: invalid partition specified: nope/);
    expect(e).toMatchObject({ command: 'sbatch', exitCode: 1 });
    expect(e.argv).toContain('--partition=nope');
    expect(e.stderr).toContain('invalid partition specified: nope');
  });

  it('says a command is not installed when it is not on PATH', async () => {
    const env = { PATH: join(dir, 'no-bin') };
    const err = await sbatch([], script('never2.sh', 'exit 0'), { cwd: dir, env }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlurmCommandError);
    expect((err as SlurmCommandError).exitCode).toBeNull();
    expect((err as Error).message).toMatch(/sbatch is not installed or not on PATH/);
    const ping = await slurmPing({ env });
    expect(ping.ok).toBe(false);
    expect(ping.message).toMatch(/scontrol is not installed or not on PATH/);
  });

  it('gives null for a job id the controller does not know, and rejects a non-id', async () => {
    expect(await scontrolShowJob('67000000')).toBeNull();
    await expect(scontrolShowJob('--all')).rejects.toThrow(/not a Slurm job id/);
  });

  it('reports the controller up, no accounting, and which partitions exist', async () => {
    expect(await slurmPing()).toMatchObject({ ok: true, message: expect.stringMatching(/is UP/) });
    expect(await accountingEnabled()).toBe(false);
    expect(await partitionExists('debug')).toBe(true);
    expect(await partitionExists('nope')).toBe(false);
  });
});
