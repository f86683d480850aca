/**
 * Several runs in flight on the real one-node Slurm (OverSubscribe=FORCE:4 on 2 cores: three jobs run
 * at once): a loop at --parallel 3 keeps three jobs running, asks squeue once per poll for all of
 * them, and, SIGKILLed with three jobs running, reattaches to all three on resume without resubmitting.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import type { AutopilotEventType, EventOf } from '../../../events/catalogue.js';
import { fakeTrainerCalls } from '../../support/workspace.js';
import { eventsOfType, loop } from '../../support/hostile.js';
import { requireSlurm, waitForJobState } from '../../support/slurm.js';
import { jobsOf, slurmWorkspace, tempGo, waitFor } from '../../support/slurm-loop.js';
import { jobSpans, loopWithPath, openCounts, sampleQueue, slurmSpy, type SlurmCall } from '../../support/slurm-parallel.js';

/** The workspaces' poll interval (slurmWorkspace's poll_seconds). */
const POLL_MS = 300;

const workspaces: string[] = [];
beforeAll(() => requireSlurm());
afterAll(async () => {
  for (const ws of workspaces) for (const j of await jobsOf(ws)) await execa('scancel', [j.jobId], { reject: false });
});

const byRun = <T extends { runId: string }>(xs: T[]) => [...xs].sort((a, b) => a.runId.localeCompare(b.runId));

/** Each run id the fake trainer was started for, with how many times. */
function trainerStarts(ws: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of fakeTrainerCalls(ws)) counts[c.env.PUFFER_AUTOPILOT_RUN_ID!] = (counts[c.env.PUFFER_AUTOPILOT_RUN_ID!] ?? 0) + 1;
  return counts;
}

/** The loop's squeue calls over the next 3 s, its jobs all in flight: every one the batched listing of all jobs, at most one per poll. */
async function expectOneListingPerPoll(spy: { calls: (command: string) => SlurmCall[] }): Promise<void> {
  const from = Date.now();
  await sleep(3000);
  const calls = spy.calls('squeue').filter((c) => c.atMs >= from && c.atMs < from + 3000);
  expect(calls.length).toBeGreaterThanOrEqual(2);
  for (const c of calls) expect(c.argv).toEqual(['-h', '--states=all', '-O', expect.stringContaining('JobID') as unknown]);
  // A watcher per job would list three times per poll, with calls milliseconds apart.
  expect(calls.length).toBeLessThanOrEqual(3000 / POLL_MS + 1);
  const gaps = calls.slice(1).map((c, i) => c.atMs - calls[i]!.atMs);
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(POLL_MS * 0.8);
}

/** The events of `type` of the second session. */
function ofSecond<T extends AutopilotEventType>(ws: string, type: T): EventOf<T>[] {
  return eventsOfType(ws, type).filter((e) => e.metadata.session === '0002');
}

/** The jobs of the second session Slurm still lists. */
async function secondJobs(ws: string) {
  return (await jobsOf(ws)).filter((j) => j.comment.includes('/0002/'));
}

/**
 * A Slurm workspace whose trainers wait for `go`, with its baseline (run 001) measured in a first
 * session: the baseline runs alone (nothing is proposed before it is measured), so the second
 * session's runs are the ones in flight together, as long as the test holds `go` back.
 */
async function measuredBaseline(): Promise<{ ws: string; go: string }> {
  const go = join(await tempGo(), 'go');
  const ws = slurmWorkspace({ FAKE_TRAINER_BEHAVIOUR: `wait:${go}` });
  workspaces.push(ws);
  writeFileSync(go, '');
  const baseline = await loop(ws, ['--runs', '1'], 60_000);
  expect(baseline.exitCode, baseline.all).toBe(0);
  rmSync(go);
  return { ws, go };
}

/** The second session completed, each of its `runs` (and the baseline) trained once, finished at its first attempt and journaled once. */
function expectEachRanOnce(ws: string, runs: string[]): void {
  expect(trainerStarts(ws)).toEqual(Object.fromEntries(['001', ...runs].map((id) => [id, 1])));
  expect(byRun(ofSecond(ws, 'RunFinished').map((e) => e.data)).map((d) => [d.runId, d.attempt])).toEqual(runs.map((id) => [id, 1]));
  expect(ofSecond(ws, 'RunFailed')).toEqual([]);
  const journaled = ofSecond(ws, 'JournalWritten').map((e) => e.data.runId);
  expect(journaled.sort()).toEqual(runs);
  expect(ofSecond(ws, 'LoopCompleted')).toHaveLength(1);
}

/** The runs' ids, in order. */
const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(from + i).padStart(3, '0'));

describe('a loop on Slurm at --parallel 3', () => {
  it('runs 6 runs with three jobs running at once and never more, one squeue per poll, each run started, finished and journaled once', async () => {
    const { ws, go } = await measuredBaseline();
    const spy = await slurmSpy(['squeue', 'sbatch']);
    const queue = sampleQueue(ws);
    const running = loopWithPath(ws, ['--runs', '6', '--parallel', '3'], spy.shim);
    // Three jobs of the session running together, as squeue shows them.
    await waitFor(async () => (await secondJobs(ws)).filter((j) => j.state === 'RUNNING').length === 3, 60_000);
    await expectOneListingPerPoll(spy);
    writeFileSync(go, '');
    const r = await running;
    const seen = await queue.stop();
    expect(r.exitCode, r.all).toBe(0);
    expect(ofSecond(ws, 'LoopStarted')[0]!.data.parallel).toMatchObject({ k: 3, source: 'option' });
    const runs = ids(2, 6);
    expect(byRun(ofSecond(ws, 'AttemptPlanned').map((e) => e.data)).map((d) => [d.runId, d.attempt])).toEqual(runs.map((id) => [id, 1]));
    expect(new Set(ofSecond(ws, 'RunStarted').map((e) => e.data.job?.id)).size).toBe(6);
    expect(spy.calls('sbatch')).toHaveLength(6);
    expectEachRanOnce(ws, runs);
    // Never more than three in flight: in the log (RunStarted to its end) and in Slurm's queue.
    expect(Math.max(...openCounts(jobSpans(ws)).map((s) => s.open))).toBe(3);
    expect(seen.active).toBe(3);
  });
});

describe('an orchestrator SIGKILLed with three jobs running', () => {
  it('reattaches to all three by their recorded ids on resume: nothing resubmitted, each trainer ran once, each run completes once', async () => {
    const { ws, go } = await measuredBaseline();
    const runs = ids(2, 3);
    const spy = await slurmSpy(['squeue', 'sbatch']);
    const first = loopWithPath(ws, ['--runs', '3', '--parallel', '3'], spy.shim);
    await waitFor(() => Promise.resolve(ofSecond(ws, 'RunStarted').length === 3), 60_000);
    const jobIds = byRun(ofSecond(ws, 'RunStarted').map((e) => e.data)).map((d) => d.job!.id);
    for (const id of jobIds) await waitForJobState(id, ['RUNNING'], 30_000);
    await expectOneListingPerPoll(spy);
    first.kill('SIGKILL');
    await first;
    // The jobs run on without their orchestrator.
    expect((await secondJobs(ws)).map((j) => [j.jobId, j.state]).sort()).toEqual(jobIds.map((id) => [id, 'RUNNING']).sort());
    const resumeStarted = Date.now();
    const resumed = loopWithPath(ws, ['--runs', '3'], spy.shim);
    await waitFor(() => Promise.resolve(ofSecond(ws, 'RunReattached').length === 3), 60_000);
    expect(byRun(ofSecond(ws, 'RunReattached').map((e) => e.data))).toEqual(runs.map((runId, i) => ({ runId, attempt: 1, pid: null, jobId: jobIds[i], foundBy: 'id', alive: true })));
    writeFileSync(go, '');
    const r = await resumed;
    expect(r.exitCode, r.all).toBe(0);
    expect(eventsOfType(ws, 'LoopResumed')).toHaveLength(1);
    // Nothing submitted again: one planned attempt and one job per run, and Slurm knows no other job of the session.
    expect(byRun(ofSecond(ws, 'AttemptPlanned').map((e) => e.data)).map((d) => [d.runId, d.attempt, d.resubmission ?? false])).toEqual(runs.map((id) => [id, 1, false]));
    expect(ofSecond(ws, 'RunStarted')).toHaveLength(3);
    expect(spy.calls('sbatch').map((c) => c.atMs < resumeStarted)).toEqual([true, true, true]);
    expect((await secondJobs(ws)).map((j) => j.jobId).sort()).toEqual([...jobIds].sort());
    expectEachRanOnce(ws, runs);
  });
});
