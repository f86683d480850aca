/**
 * The Slurm launcher against the real one-node Slurm (bin/slurm-up.sh): each attempt is one batch
 * job, recorded before it is submitted; jobs cancelled from outside, stopped, requeued and timed out
 * are recorded as such. (Crashes and failing Slurm commands: train-cluster-recovery.e2e.test.ts.)
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { CLI, copyShippedWorkspace, patchSettings } from '../../support/workspace.js';
import { eventsOfType, logOf, loop } from '../../support/hostile.js';
import { makeJobEligibleNow, requireSlurm, waitForJobState } from '../../support/slurm.js';
import { jobsOf, slurmWorkspace, tempGo, waitFor, waitForEvent } from '../../support/slurm-loop.js';
import { squeueAll } from '../../../adapters/launcher/slurm/commands.js';
import { workspaceIdOf } from '../../../adapters/actors/train-cluster.js';
import type { EventOf } from '../../../events/catalogue.js';

const workspaces: string[] = [];
beforeAll(() => requireSlurm());
afterAll(async () => {
  for (const ws of workspaces) for (const j of await jobsOf(ws)) await execa('scancel', [j.jobId], { reject: false });
});

describe('a loop on Slurm', () => {
  it('runs each attempt as one job, recorded before its submission, and completes', async () => {
    const ws = slurmWorkspace();
    workspaces.push(ws);
    const r = await loop(ws, ['--runs', '2'], 120_000);
    expect(r.exitCode, r.all).toBe(0);
    const log = logOf(ws);
    const types = log.map((e) => e.type);
    // Each attempt: AttemptPlanned, then RunStarted with the job id, then its end.
    expect(types.filter((t) => t === 'AttemptPlanned')).toHaveLength(2);
    for (const [i, e] of log.entries()) {
      if (e.type !== 'AttemptPlanned') continue;
      const planned = e;
      const started = log.findIndex((e, j) => j > i && e.type === 'RunStarted');
      expect(started).toBeGreaterThan(i);
      const s = log[started] as EventOf<'RunStarted'>;
      expect(s.data).toMatchObject({ launcher: 'slurm', pid: null, job: { ...planned.data.job, id: expect.stringMatching(/^\d+$/) } });
      expect(planned.data.argv).toEqual(expect.arrayContaining(['sbatch', '--parsable', `--job-name=ap-${planned.data.runId}-a1`, '--requeue', '--open-mode=append']));
      expect(planned.data.argv).toContain(`--comment=autopilot:${workspaceIdOf(ws)}/0001/${planned.data.runId}/1`);
      // The job script is in the run folder, as recorded.
      const script = readFileSync(join(ws, planned.data.job.script), 'utf8');
      expect(script).toContain(`run ${planned.data.runId}, attempt 1`);
    }
    expect(eventsOfType(ws, 'RunFinished')).toHaveLength(2);
    expect(eventsOfType(ws, 'LoopCompleted')).toHaveLength(1);
    // The trainer's output reached the run's log through Slurm's --output.
    expect(readFileSync(join(ws, 'logs', '001.log'), 'utf8')).toContain('mean_reward');
  });

  it('records a job cancelled from outside with scancel as cancelled, saying so, and retries the run', async () => {
    const go = join(await tempGo(), 'go');
    const ws = slurmWorkspace({ FAKE_TRAINER_BEHAVIOUR: `wait:${go}` });
    workspaces.push(ws);
    const running = loop(ws, ['--runs', '1'], 120_000);
    const started = await waitForEvent(ws, 'RunStarted', 60_000);
    const jobId = started.data.job!.id;
    await waitForJobState(jobId, ['RUNNING'], 30_000);
    await execa('scancel', [jobId]);
    // The retry (attempt 2) may run to its end.
    await waitForEvent(ws, 'RunFailed', 60_000);
    writeFileSync(go, '');
    const r = await running;
    expect(r.exitCode, r.all).toBe(0);
    const failed = eventsOfType(ws, 'RunFailed');
    expect(failed.map((e) => [e.data.attempt, e.data.reason])).toEqual([[1, 'cancelled']]);
    expect(failed[0]!.data.message).toMatch(new RegExp(`Slurm job ${jobId} was cancelled from outside autopilot`));
    expect(eventsOfType(ws, 'RunFinished').map((e) => e.data.attempt)).toEqual([2]);
  });
});

describe('a hostile trainer on Slurm', () => {
  it('cannot make the loop follow a link put where its attempt folder was: the result is read where the job wrote it, the link removed and recorded', async () => {
    const decoy = await tempGo();
    writeFileSync(join(decoy, 'keep.txt'), 'decoy\n');
    const ws = slurmWorkspace({ FAKE_TRAINER_BEHAVIOUR: `swap-slurm:${decoy}` });
    workspaces.push(ws);
    const r = await loop(ws, ['--runs', '1'], 120_000);
    expect(r.exitCode, r.all).toBe(0);
    // The job script wrote its result in the folder it held, not through the link.
    expect(readdirSync(decoy)).toEqual(['keep.txt']);
    expect(eventsOfType(ws, 'RunFinished').map((e) => e.data.attempt)).toEqual([1]);
    const violations = eventsOfType(ws, 'GuardrailViolation').filter((e) => e.data.source === 'trainer');
    expect(violations.flatMap((e) => e.data.paths)).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'runs/001/slurm', kind: 'symlink', target: decoy })]));
  });
});

describe('the kill switch on Slurm', () => {
  it('stop --now cancels the running job and every other job of the session, and records the run as killed', async () => {
    const go = join(await tempGo(), 'go');
    const ws = slurmWorkspace({ FAKE_TRAINER_BEHAVIOUR: `wait:${go}` });
    workspaces.push(ws);
    const running = loop(ws, ['--runs', '2'], 120_000);
    const started = await waitForEvent(ws, 'RunStarted', 60_000);
    const jobId = started.data.job!.id;
    await waitForJobState(jobId, ['RUNNING'], 30_000);
    // A stray job of the same session (as a resubmission would leave), and one of another workspace's session 0001.
    const script = join(await tempGo(), 'sleep.sh');
    writeFileSync(script, '#!/bin/bash\nsleep 300\n');
    const stray = (await execa('sbatch', ['--parsable', `--comment=autopilot:${workspaceIdOf(ws)}/0001/009/1`, '--output=/dev/null', script])).stdout.trim();
    const other = (await execa('sbatch', ['--parsable', '--comment=autopilot:000000000000/0001/001/1', '--output=/dev/null', script])).stdout.trim();
    try {
      const stop = await execa('node', [CLI, 'stop', '--now', '--workspace', ws], { reject: false, all: true });
      expect(stop.exitCode, stop.all).toBe(0);
      const r = await running;
      expect(r.exitCode, r.all).toBe(1);
      expect(eventsOfType(ws, 'RunFailed').map((e) => [e.data.attempt, e.data.reason])).toEqual([[1, 'killed']]);
      // The trainer got TERM through its job script and ended (FAILED: it exited on a signal), or the scancel after the grace ended it.
      expect(['CANCELLED', 'FAILED']).toContain(await waitForJobState(jobId, ['CANCELLED', 'FAILED', 'COMPLETED'], 30_000));
      expect(await waitForJobState(stray, ['CANCELLED'], 30_000)).toBe('CANCELLED');
      expect((await squeueAll()).find((e) => e.jobId === other)?.state).not.toBe('CANCELLED');
    } finally {
      await execa('scancel', [stray, other], { reject: false });
    }
  });
});

describe('Slurm putting a job back, and limits', () => {
  it('records scontrol requeue of a running job as a requeue of the same attempt, which then completes', async () => {
    const go = join(await tempGo(), 'go');
    const ws = slurmWorkspace({ FAKE_TRAINER_BEHAVIOUR: `wait:${go}` });
    workspaces.push(ws);
    const running = loop(ws, ['--runs', '1'], 180_000);
    const started = await waitForEvent(ws, 'RunStarted', 60_000);
    const jobId = started.data.job!.id;
    await waitForJobState(jobId, ['RUNNING'], 30_000);
    await execa('scontrol', ['requeue', jobId]);
    const requeued = await waitForEvent(ws, 'RunRequeued', 30_000);
    expect(requeued.data).toMatchObject({ runId: '001', attempt: 1, jobId, restarts: 1 });
    // Slurm holds a requeued job back for about two minutes: let it start again now.
    await waitForJobState(jobId, ['PENDING'], 30_000);
    makeJobEligibleNow(jobId);
    await waitForJobState(jobId, ['RUNNING', 'COMPLETING', 'COMPLETED'], 30_000);
    writeFileSync(go, '');
    const r = await running;
    expect(r.exitCode, r.all).toBe(0);
    expect(eventsOfType(ws, 'RunRequeued')).toHaveLength(1);
    expect(eventsOfType(ws, 'RunFailed')).toEqual([]);
    // The console said where the job stood in the queue when the loop saw it requeued (a live line, not recorded).
    const { state, reason } = requeued.data;
    expect(r.all).toContain(`run 001: Slurm job ${jobId} ${state}${reason !== 'None' ? ` (${reason})` : ''}\n`);
    expect(eventsOfType(ws, 'RunFinished').map((e) => e.data.attempt)).toEqual([1]);
    expect(eventsOfType(ws, 'AttemptPlanned')).toHaveLength(1);
    // Both starts of the job appended to the same log; the audit shows the requeue.
    const audit = await execa('node', [CLI, 'audit', '001', '--workspace', ws], { reject: false });
    expect(audit.stdout).toContain(`requeued by Slurm: job ${jobId}`);
  });

  it('continues the built-in trainer from its latest checkpoint when Slurm requeues its job', async () => {
    const ws = copyShippedWorkspace();
    workspaces.push(ws);
    // A no-output limit shorter than the job then waits in the queue: the wait is not silence of the trainer.
    patchSettings(ws, { launcher: 'slurm', slurm: { poll_seconds: 0.3 }, timeouts: { quick: { wall_seconds: 180, no_output_seconds: 8, grace_seconds: 5 } } });
    // A run long enough to requeue in the middle, with a checkpoint every 2 epochs.
    const baseline = join(ws, 'configs', 'baseline_quick.json');
    const config = JSON.parse(readFileSync(baseline, 'utf8')) as { train: Record<string, unknown> };
    writeFileSync(baseline, JSON.stringify({ ...config, train: { ...config.train, total_timesteps: 1024 * 300, checkpoint_interval: 2 } }));
    const running = loop(ws, ['--runs', '1'], 240_000);
    const started = await waitForEvent(ws, 'RunStarted', 60_000);
    const jobId = started.data.job!.id;
    const checkpoints = join(ws, 'runs', '001', 'checkpoints');
    await waitFor(() => Promise.resolve(existsSync(checkpoints) && readdirSync(checkpoints).length >= 2), 120_000);
    await execa('scontrol', ['requeue', jobId]);
    await waitForJobState(jobId, ['PENDING'], 30_000);
    await new Promise((r) => setTimeout(r, 10_000));
    makeJobEligibleNow(jobId);
    const r = await running;
    expect(r.exitCode, r.all).toBe(0);
    expect(eventsOfType(ws, 'RunRequeued').map((e) => e.data.restarts)).toEqual([1]);
    const finished = eventsOfType(ws, 'RunFinished');
    expect(finished.map((e) => [e.data.attempt, e.data.metrics.agent_steps])).toEqual([[1, 1024 * 300]]);
    // The second start said where it resumed from, in the same log.
    expect(readFileSync(join(ws, 'logs', '001.log'), 'utf8')).toMatch(/resuming from .*runs\/001\/checkpoints\/model_\d{6}\.json/);
  });

  it('cancels a job that runs past the wall-clock limit (USR1 to its script, then scancel) and records the timeout', async () => {
    const ws = slurmWorkspace({ FAKE_TRAINER_BEHAVIOUR: 'tick:200' });
    workspaces.push(ws);
    patchSettings(ws, { timeouts: { quick: { wall_seconds: 3, no_output_seconds: 60, grace_seconds: 2 } }, retries: { max_attempts: 1 } });
    const r = await loop(ws, ['--runs', '1'], 120_000);
    expect(r.exitCode, r.all).not.toBe(0);
    const failed = eventsOfType(ws, 'RunFailed');
    expect(failed.map((e) => [e.data.attempt, e.data.reason])).toEqual([[1, 'timeout']]);
    expect(failed[0]!.data.message).toMatch(/wall-clock limit of 3s reached/);
    const jobId = eventsOfType(ws, 'RunStarted')[0]!.data.job!.id;
    expect(await waitForJobState(jobId, ['CANCELLED', 'COMPLETED', 'FAILED'], 30_000)).toBeTruthy();
    expect((await jobsOf(ws)).filter((j) => ['PENDING', 'RUNNING'].includes(j.state))).toEqual([]);
    // The trainer got TERM through the job script, which recorded its end.
    expect(JSON.parse(readFileSync(join(ws, 'runs', '001', 'slurm', 'attempt-1.result.json'), 'utf8'))).toMatchObject({ signal: 15 });
  });
});
