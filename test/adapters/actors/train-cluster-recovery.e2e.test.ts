/**
 * The Slurm launcher when things break, against the real one-node Slurm: an orchestrator SIGKILLed
 * with its job in Slurm reattaches (by id, or by name), never resubmits unrecorded; a Slurm that
 * cannot take the session refuses it before anything is recorded; failing commands are recorded,
 * retried, then halt the loop.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { CLI, fakeTrainerCalls } from '../../support/workspace.js';
import { eventsOfType, loop } from '../../support/hostile.js';
import { requireSlurm, waitForJobState } from '../../support/slurm.js';
import { jobsOf, slowSbatch, slurmWorkspace, tempGo, waitFor, waitForEvent } from '../../support/slurm-loop.js';

const workspaces: string[] = [];
beforeAll(() => requireSlurm());
afterAll(async () => {
  for (const ws of workspaces) for (const j of await jobsOf(ws)) await execa('scancel', [j.jobId], { reject: false });
});

describe('an orchestrator SIGKILLed while its job is in Slurm', () => {
  it('reattaches to the running job by its recorded id on resume: nothing resubmitted, the attempt completes once', async () => {
    const go = join(await tempGo(), 'go');
    const ws = slurmWorkspace({ FAKE_TRAINER_BEHAVIOUR: `wait:${go}` });
    workspaces.push(ws);
    const first = loop(ws, ['--runs', '1'], 120_000);
    const started = await waitForEvent(ws, 'RunStarted', 60_000);
    const jobId = started.data.job!.id;
    await waitForJobState(jobId, ['RUNNING'], 30_000);
    first.kill('SIGKILL');
    await first;
    // The job runs on without its orchestrator.
    expect((await jobsOf(ws)).find((j) => j.jobId === jobId)?.state).toBe('RUNNING');
    const resumed = loop(ws, ['--runs', '1'], 120_000);
    const reattached = await waitForEvent(ws, 'RunReattached', 60_000);
    expect(reattached.data).toMatchObject({ runId: '001', attempt: 1, pid: null, jobId, foundBy: 'id', alive: true });
    writeFileSync(go, '');
    const r = await resumed;
    expect(r.exitCode, r.all).toBe(0);
    expect(eventsOfType(ws, 'AttemptPlanned')).toHaveLength(1);
    expect(eventsOfType(ws, 'RunStarted')).toHaveLength(1);
    expect(eventsOfType(ws, 'RunFinished').map((e) => [e.data.runId, e.data.attempt])).toEqual([['001', 1]]);
    expect(fakeTrainerCalls(ws).filter((c) => c.env.PUFFER_AUTOPILOT_RUN_ID === '001')).toHaveLength(1);
  });

  it('finds the job of a recorded submission by its name when its id was never recorded, and submits nothing again', async () => {
    const { shim, pids } = await slowSbatch();
    const ws = slurmWorkspace();
    workspaces.push(ws);
    const first = execa('node', [CLI, 'loop', '--workspace', ws, '--runs', '1'], { reject: false, all: true, env: { PATH: `${shim}:${process.env.PATH}` } });
    await waitForEvent(ws, 'AttemptPlanned', 60_000);
    // The attempt is recorded before sbatch starts: kill the loop only once its (slow) sbatch runs, or nothing is ever submitted.
    await waitFor(() => Promise.resolve(existsSync(pids)), 10_000);
    first.kill('SIGKILL');
    await first;
    expect(eventsOfType(ws, 'RunStarted')).toEqual([]);
    // The slow sbatch the dead loop started still submits the job.
    await waitFor(async () => (await jobsOf(ws)).length === 1, 30_000);
    expect(readFileSync(pids, 'utf8').trim().split('\n')).toHaveLength(1);
    const r = await loop(ws, ['--runs', '1'], 120_000);
    expect(r.exitCode, r.all).toBe(0);
    const jobId = (await jobsOf(ws))[0]!.jobId;
    expect(eventsOfType(ws, 'AttemptPlanned')).toHaveLength(1);
    expect(eventsOfType(ws, 'RunStarted').map((e) => e.data.job?.id)).toEqual([jobId]);
    expect(eventsOfType(ws, 'RunReattached').map((e) => [e.data.jobId, e.data.foundBy])).toEqual([[jobId, 'name']]);
    expect(eventsOfType(ws, 'RunFinished')).toHaveLength(1);
  });

  it('submits a recorded attempt again, once and saying so, when no job of it exists', async () => {
    const { shim, pids } = await slowSbatch();
    const ws = slurmWorkspace();
    workspaces.push(ws);
    const first = execa('node', [CLI, 'loop', '--workspace', ws, '--runs', '1'], { reject: false, all: true, env: { PATH: `${shim}:${process.env.PATH}` } });
    await waitForEvent(ws, 'AttemptPlanned', 60_000);
    // The loop and its sbatch die before anything is submitted.
    await waitFor(() => Promise.resolve(existsSync(pids)), 10_000);
    for (const pid of readFileSync(pids, 'utf8').trim().split('\n')) process.kill(Number(pid), 'SIGKILL');
    first.kill('SIGKILL');
    await first;
    expect(await jobsOf(ws)).toEqual([]);
    const r = await loop(ws, ['--runs', '1'], 120_000);
    expect(r.exitCode, r.all).toBe(0);
    expect(eventsOfType(ws, 'AttemptPlanned').map((e) => [e.data.attempt, e.data.resubmission ?? false])).toEqual([
      [1, false],
      [1, true],
    ]);
    expect(eventsOfType(ws, 'RunStarted')).toHaveLength(1);
    expect(await jobsOf(ws)).toHaveLength(1);
    expect(eventsOfType(ws, 'RunFinished')).toHaveLength(1);
  });
});

describe('a Slurm loop that cannot submit', () => {
  it('refuses to start, recording nothing, when the partition does not exist', async () => {
    const ws = slurmWorkspace({}, { partition: 'nope' });
    const r = await loop(ws, ['--runs', '1'], 60_000);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.all).toContain('partition "nope" does not exist');
    expect(existsSync(join(ws, 'events.db'))).toBe(false);
    // autopilot check, before a night, says the same.
    const check = await execa('node', [CLI, 'check', '--workspace', ws], { reject: false, all: true });
    expect(check.exitCode, check.all).toBe(2);
    expect(check.all).toContain('autopilot.json slurm.partition: partition "nope" does not exist on this cluster; allowed: a partition `sinfo -s` lists');
  });

  it("refuses to start, recording nothing, when Slurm's controller does not answer", async () => {
    // Slurm's own client, pointed at a controller port nothing listens on.
    const conf = join(await tempGo(), 'slurm.conf');
    writeFileSync(conf, `${readFileSync(process.env.SLURM_CONF ?? '/etc/slurm/slurm.conf', 'utf8')}\nSlurmctldPort=6999\n`);
    const ws = slurmWorkspace();
    const r = await execa('node', [CLI, 'loop', '--workspace', ws, '--runs', '1'], { reject: false, all: true, env: { SLURM_CONF: conf } });
    expect(r.exitCode, r.all).toBe(2);
    expect(r.all).toMatch(/launcher "slurm": Slurm's controller does not answer: .*DOWN/);
    expect(r.all).toContain('scontrol ping');
    expect(existsSync(join(ws, 'events.db'))).toBe(false);
  });

  it('records each failed squeue while a job runs, retries it with backoff, then halts the loop saying the job may still run', async () => {
    const conf = join(await tempGo(), 'slurm.conf');
    const real = readFileSync(process.env.SLURM_CONF ?? '/etc/slurm/slurm.conf', 'utf8');
    writeFileSync(conf, real);
    const go = join(await tempGo(), 'go');
    const ws = slurmWorkspace({ FAKE_TRAINER_BEHAVIOUR: `wait:${go}` });
    workspaces.push(ws);
    const running = execa('node', [CLI, 'loop', '--workspace', ws, '--runs', '1'], { reject: false, all: true, env: { SLURM_CONF: conf } });
    const started = await waitForEvent(ws, 'RunStarted', 60_000);
    const jobId = started.data.job!.id;
    await waitForJobState(jobId, ['RUNNING'], 30_000);
    // From now on the loop's Slurm commands find no controller.
    writeFileSync(conf, `${real}\nSlurmctldPort=6999\n`);
    const r = await running;
    expect(r.exitCode, r.all).toBe(1);
    const failures = eventsOfType(ws, 'LauncherCommandFailed').filter((e) => e.data.command === 'squeue');
    expect(failures.map((e) => [e.data.try, e.data.tries, e.data.retryInMs])).toEqual([
      [1, 2, 200],
      [2, 2, null],
    ]);
    expect(eventsOfType(ws, 'RunFailed').map((e) => [e.data.reason, e.data.message])).toEqual([
      ['launcher-error', expect.stringContaining(`Slurm stopped answering about job ${jobId}`) as unknown],
    ]);
    expect(eventsOfType(ws, 'LoopHalted')[0]!.data.reason).toMatch(new RegExp(`the launcher failed: .*scancel ${jobId}`));
    await execa('scancel', [jobId], { reject: false });
  });

  it('records each failed sbatch, retries it, then halts the loop with its message', async () => {
    // An option sbatch refuses: the preflight cannot know it, the submission says it.
    const ws = slurmWorkspace({}, { extra_sbatch: ['--mem-per-cpu=-5'] });
    workspaces.push(ws);
    const r = await loop(ws, ['--runs', '1'], 60_000);
    expect(r.exitCode, r.all).toBe(1);
    const failures = eventsOfType(ws, 'LauncherCommandFailed');
    expect(failures.map((e) => [e.data.command, e.data.try, e.data.tries, e.data.retryInMs === null])).toEqual([
      ['sbatch', 1, 2, false],
      ['sbatch', 2, 2, true],
    ]);
    expect(failures[0]!.data.message).toMatch(/sbatch failed \(exit \d+\)/);
    expect(eventsOfType(ws, 'RunFailed').map((e) => e.data.reason)).toEqual(['launcher-error']);
    expect(eventsOfType(ws, 'LoopHalted')[0]!.data.reason).toMatch(/the launcher failed: sbatch failed 2 time\(s\)/);
    expect(eventsOfType(ws, 'RunStarted')).toEqual([]);
  });
});
