import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise, type Result } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';
import { eventsOf, killRecorded, readText, recordedPids, survivors, until } from '../adapters/launcher/support.js';

/** A workspace whose trainer stays silent until `release` exists (never, unless the test creates it). */
function workspace(): { ws: string; release: string } {
  const ws = fakeTrainerWorkspace();
  const release = join(ws, 'release-trainer');
  patchSettings(ws, {
    trainer: { env: { FAKE_TRAINER_BEHAVIOUR: `wait:${release}`, FAKE_TRAINER_PIDS: join(ws, 'pids.jsonl') } },
    timeouts: { quick: { wall_seconds: 110, no_output_seconds: 110, grace_seconds: 1 } },
  });
  return { ws, release };
}

const started: { ws: string; loop: ResultPromise }[] = [];
// Whatever a failed test left running: the loops first (so they start nothing more), then their trainers.
afterAll(() => {
  for (const { ws, loop } of started) {
    loop.kill('SIGKILL');
    killRecorded(ws);
  }
});

/** Starts `autopilot loop` for 3 runs and resolves once the first run's trainer is running. */
async function startLoop(ws: string): Promise<{ loop: ResultPromise<{ reject: false; all: true }>; ended: () => boolean }> {
  const loop = execa(process.execPath, [CLI, 'loop', '--workspace', ws, '--runs', '3', '--mode', 'quick'], { reject: false, all: true });
  started.push({ ws, loop });
  let done = false;
  void loop.finally(() => {
    done = true;
  });
  await until(() => recordedPids(ws).some((p) => p.role === 'trainer') || done);
  return { loop, ended: () => done };
}

function stop(ws: string, ...args: string[]) {
  return execa(process.execPath, [CLI, 'stop', '--workspace', ws, ...args], { reject: false, all: true });
}

const labbookLines = (ws: string) => readText(ws, 'journal/labbook.md').split('\n');

describe('when no loop is running', () => {
  const { ws } = workspace();

  it('autopilot stop says so, exits 1 and leaves no STOP file behind', async () => {
    const r = await stop(ws);
    expect(r.exitCode, String(r.all)).toBe(1);
    expect(r.stdout).toMatch(/no loop is running on .*; nothing to stop/);
    expect(existsSync(join(ws, 'STOP'))).toBe(false);
  });

  it('treats a lock left by a dead process the same way', async () => {
    writeFileSync(join(ws, 'autopilot.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: 'x', since: new Date().toISOString() }));
    const r = await stop(ws, '--now', '--json');
    expect(r.exitCode, String(r.all)).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ stopped: false, running: false });
    expect(existsSync(join(ws, 'STOP'))).toBe(false);
  });
});

describe('when autopilot stop runs from a second process during a training run', () => {
  const { ws, release } = workspace();
  let loop: Result;
  let stopped: Result;
  beforeAll(async () => {
    const { loop: running, ended } = await startLoop(ws);
    const stopping = stop(ws);
    // The loop has read the request once StopRequested is in the log; then the trainer may finish.
    await until(() => eventsOf(ws, 'StopRequested').length > 0 || ended());
    writeFileSync(release, '');
    [stopped, loop] = await Promise.all([stopping, running]);
  });

  it('waits for the loop, saying what it waits for, and exits 0 once the loop has ended', () => {
    expect(stopped.exitCode, String(stopped.all)).toBe(0);
    expect(stopped.stdout).toMatch(/asked loop 0001 \(pid \d+\), training run 001 \(attempt 1, trainer pid \d+\) to halt after the current run; waiting/);
    expect(stopped.stdout).toMatch(/stopped: loop 0001 halted: stop requested: STOP file \(after\): autopilot stop \(pid \d+\)/);
  });

  it('lets the current run complete, then halts with the reason', () => {
    expect(loop.exitCode, String(loop.all)).toBe(1);
    expect(eventsOf(ws, 'StopRequested').map((e) => e.data)).toEqual([{ reason: expect.stringMatching(/^STOP file \(after\): autopilot stop/), now: false }]);
    expect(eventsOf(ws, 'RunFinished').map((e) => e.data.runId)).toEqual(['001']);
    expect(eventsOf(ws, 'RunPlanned').map((e) => e.data.runId)).toEqual(['001']);
    expect(eventsOf(ws, 'LoopHalted').map((e) => e.data)).toEqual([{ reason: expect.stringMatching(/^stop requested: STOP file \(after\)/), runsCompleted: 1 }]);
  });

  it('marks the stop in the labbook, and the run completed in summary.json', () => {
    const lines = labbookLines(ws);
    expect(lines.some((l) => /\| stop requested \| STOP file \(after\): autopilot stop .* \| halt after the current run$/.test(l))).toBe(true);
    expect(lines.some((l) => /\| loop 0001 halted \| stop requested: STOP file \(after\).* \| halted after 1 run\(s\) \|/.test(l))).toBe(true);
    expect(JSON.parse(readText(ws, 'runs/001/summary.json'))).toMatchObject({ status: 'completed', failure: null });
    expect(existsSync(join(ws, 'STOP'))).toBe(false);
  });
});

describe('when autopilot stop --now runs from a second process during a training run', () => {
  const { ws } = workspace();
  let loop: Result;
  let stopped: Result;
  beforeAll(async () => {
    const { loop: running } = await startLoop(ws);
    [stopped, loop] = await Promise.all([stop(ws, '--now'), running]);
  });

  it('exits 0 once the loop has ended', () => {
    expect(stopped.exitCode, String(stopped.all)).toBe(0);
    expect(stopped.stdout).toMatch(/to kill the running trainer and halt; waiting/);
    expect(stopped.stdout).toMatch(/stopped: loop 0001 halted: stop requested: STOP file \(now\): autopilot stop --now/);
  });

  it('kills the trainer: the run is RunFailed killed, not retried, and the loop halts', () => {
    expect(loop.exitCode, String(loop.all)).toBe(1);
    expect(eventsOf(ws, 'RunStarted')).toHaveLength(1);
    expect(eventsOf(ws, 'RunFailed').map((e) => e.data)).toEqual([
      expect.objectContaining({ runId: '001', attempt: 1, reason: 'killed', exitCode: null, signal: 'SIGTERM', message: expect.stringContaining('stopped by request') }),
    ]);
    expect(eventsOf(ws, 'LoopHalted').map((e) => e.data.reason)).toEqual([expect.stringMatching(/^stop requested: STOP file \(now\): autopilot stop --now/)]);
    expect(survivors(ws)).toEqual([]);
  });

  it('marks the killed run in the labbook and in summary.json', () => {
    const lines = labbookLines(ws);
    expect(lines.some((l) => /\| stop now requested \| STOP file \(now\).* \| kill the running trainer and halt$/.test(l))).toBe(true);
    expect(lines.some((l) => /\| run 001 \(baseline\).*failed after 1 attempt\(s\): killed SIGTERM: stopped by request.* \| failed \(killed\) \|/.test(l))).toBe(true);
    expect(JSON.parse(readText(ws, 'runs/001/summary.json'))).toMatchObject({ status: 'failed', failure: { reason: 'killed', signal: 'SIGTERM', attempt: 1 } });
  });
});

describe('when the orchestrator gets SIGINT during a training run', () => {
  const { ws, release } = workspace();
  let loop: Result;
  beforeAll(async () => {
    const { loop: running, ended } = await startLoop(ws);
    running.kill('SIGINT');
    await until(() => eventsOf(ws, 'StopRequested').length > 0 || ended());
    writeFileSync(release, '');
    loop = await running;
  });

  it('lets the current run complete and halts with the signal as the reason', () => {
    expect(loop.exitCode, String(loop.all)).toBe(1);
    expect(eventsOf(ws, 'StopRequested').map((e) => e.data)).toEqual([{ reason: 'SIGINT', now: false }]);
    expect(eventsOf(ws, 'RunFinished').map((e) => e.data.runId)).toEqual(['001']);
    expect(eventsOf(ws, 'LoopHalted').map((e) => e.data)).toEqual([{ reason: 'stop requested: SIGINT', runsCompleted: 1 }]);
    expect(JSON.parse(readText(ws, 'runs/001/summary.json'))).toMatchObject({ status: 'completed' });
    expect(labbookLines(ws).some((l) => /\| stop requested \| SIGINT \| stopping \| halt after the current run$/.test(l))).toBe(true);
  });
});

describe('when the orchestrator gets SIGINT twice during a training run', () => {
  const { ws } = workspace();
  let loop: Result;
  beforeAll(async () => {
    const { loop: running, ended } = await startLoop(ws);
    running.kill('SIGINT');
    await until(() => eventsOf(ws, 'StopRequested').length > 0 || ended());
    running.kill('SIGINT');
    loop = await running;
  });

  it('kills the trainer at the second: the run is RunFailed killed and the loop halts', () => {
    expect(loop.exitCode, String(loop.all)).toBe(1);
    expect(eventsOf(ws, 'StopRequested').map((e) => e.data.now)).toEqual([false, true]);
    expect(eventsOf(ws, 'RunFailed').map((e) => e.data)).toEqual([expect.objectContaining({ runId: '001', reason: 'killed', signal: 'SIGTERM' })]);
    expect(eventsOf(ws, 'LoopHalted').map((e) => e.data.reason)).toEqual(['stop requested: SIGINT']);
    expect(JSON.parse(readText(ws, 'runs/001/summary.json'))).toMatchObject({ status: 'failed', failure: { reason: 'killed' } });
    expect(survivors(ws)).toEqual([]);
  });
});
