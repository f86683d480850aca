/**
 * One failed listing of Slurm's queue with two jobs in flight, against the real one-node Slurm: one
 * `squeue` serves both jobs, so each failure of it is one event, for no run in particular, not one
 * per job; once its tries are spent, both runs fail as launcher errors.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { CLI } from '../../support/workspace.js';
import { eventsOfType } from '../../support/hostile.js';
import { requireSlurm, waitForJobState } from '../../support/slurm.js';
import { jobsOf, slurmWorkspace, tempGo, waitFor } from '../../support/slurm-loop.js';

const workspaces: string[] = [];
beforeAll(() => requireSlurm());
afterAll(async () => {
  for (const ws of workspaces) for (const j of await jobsOf(ws)) await execa('scancel', [j.jobId], { reject: false });
});

describe('a failed squeue with two jobs in flight', () => {
  it('is recorded once per failure, not once per job', async () => {
    const conf = join(await tempGo(), 'slurm.conf');
    const real = readFileSync(process.env.SLURM_CONF ?? '/etc/slurm/slurm.conf', 'utf8');
    writeFileSync(conf, real);
    // The trainers wait on a file nobody writes: both jobs stay running until the controller is gone.
    const ws = slurmWorkspace({ FAKE_TRAINER_BEHAVIOUR: `wait:${join(await tempGo(), 'never')}` });
    workspaces.push(ws);
    // The baseline and the first proposal train side by side.
    const running = execa('node', [CLI, 'loop', '--workspace', ws, '--runs', '2', '--parallel', '2'], { reject: false, all: true, env: { SLURM_CONF: conf } });
    await waitFor(async () => Promise.resolve(eventsOfType(ws, 'RunStarted').length === 2), 60_000);
    const jobs = eventsOfType(ws, 'RunStarted').map((e) => e.data.job!.id);
    for (const id of jobs) await waitForJobState(id, ['RUNNING'], 30_000);
    writeFileSync(conf, `${real}\nSlurmctldPort=6999\n`);
    const r = await running;
    expect(r.exitCode, r.all).toBe(1);
    const failures = eventsOfType(ws, 'LauncherCommandFailed').filter((e) => e.data.command === 'squeue');
    expect(failures.map((e) => [e.data.try, e.data.tries, e.data.runId ?? null])).toEqual([
      [1, 2, null],
      [2, 2, null],
    ]);
    expect(eventsOfType(ws, 'RunFailed').map((e) => e.data.reason)).toEqual(['launcher-error', 'launcher-error']);
    for (const id of jobs) await execa('scancel', [id], { reject: false });
  });
});
