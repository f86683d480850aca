/**
 * The orchestrator (`autopilot loop` as a child process) SIGKILLed while its trainer runs, or the
 * moment it starts one: the restarted loop leaves no orphaned trainer process alive and records what
 * became of every launch. The random kills and the crash points are in chaos.e2e.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  cli,
  directFakeTrainer,
  fakeTrainerAlive,
  fakeTrainerPids,
  killFakeTrainers,
  killLiveChildren,
  killOnFirstChild,
  parentPid,
  processGroup,
  processState,
  readEvents,
  readLogDirect,
  removeWorkspace,
  startCli,
  until,
  type LoggedEvent,
} from '../support/chaos.js';
import { fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';

// Each test has its own workspace and waits on its loop and trainer: the two run at once.
describe.concurrent('when the orchestrator is killed while its trainer sleeps', () => {
  // Long enough that the trainer is certainly still running when the loop restarts. A loop that
  // reattaches to a live trainer (rather than killing it) waits for this sleep to end.
  const LONG = 'sleep:5000';

  // Only once both tests are over: killing every live CLI child after one would kill the other's.
  afterAll(killLiveChildren);

  /** A fake-trainer workspace whose trainer sleeps LONG, removed with what it ran when the test ends. */
  function workspace(onTestFinished: (fn: () => void) => void): string {
    const ws = fakeTrainerWorkspace({ FAKE_TRAINER_BEHAVIOUR: LONG });
    onTestFinished(() => {
      killFakeTrainers(ws);
      removeWorkspace(ws);
    });
    directFakeTrainer(ws);
    return ws;
  }

  /** Starts a 1-run loop, waits for the trainer to be running, SIGKILLs the loop; returns the pids. */
  async function killDuringTraining(ws: string): Promise<{ trainerPid: number; launchPid: number }> {
    const loop = startCli(['loop', '--runs', '1', '--workspace', ws, '--json']);
    const started = await until('RunStarted', () => loop.lines.map((l) => JSON.parse(l) as LoggedEvent).find((e) => e.type === 'RunStarted'));
    const trainer = await until('the trainer to record its start', () => fakeTrainerPids(ws)[0]);
    const ended = await loop.kill();
    expect(ended.signal).toBe('SIGKILL');
    return { trainerPid: trainer.pid, launchPid: started.data.pid! };
  }

  /** Restarts the loop with a quick trainer and lets it finish. */
  async function recover(ws: string): Promise<LoggedEvent[]> {
    patchSettings(ws, { trainer: { env: { FAKE_TRAINER_BEHAVIOUR: 'sleep:50' } } });
    // A change of autopilot.json mid-session: the resumed session takes it only when told to.
    const again = await cli(['loop', '--runs', '1', '--workspace', ws, '--accept-input-changes', 'a faster trainer for the retry']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('resuming an unfinished session');
    return readEvents(ws);
  }

  /** The killed launch is accounted for: killed and recorded as orphaned, then retried (or, where supported, reattached). */
  function expectAccountedFor(log: LoggedEvent[], launchPid: number): void {
    const runEvents = log.filter((e) => e.stream === 'run-001' && ['RunStarted', 'RunReattached', 'RunFailed', 'RunFinished'].includes(e.type));
    expect(runEvents[0]).toMatchObject({ type: 'RunStarted', data: { attempt: 1, pid: launchPid } });
    const story = runEvents.map((e) => [e.type, e.data.attempt, e.data.reason ?? null]);
    if (runEvents[1]?.type === 'RunReattached') {
      expect(story).toEqual([
        ['RunStarted', 1, null],
        ['RunReattached', 1, null],
        ['RunFinished', 1, null],
      ]);
      return;
    }
    expect(story).toEqual([
      ['RunStarted', 1, null],
      ['RunFailed', 1, 'orphaned'],
      ['RunStarted', 2, null],
      ['RunFinished', 2, null],
    ]);
    expect(String(runEvents[1]!.data.message)).toMatch(/killed/);
  }

  it('kills the orphaned trainer on restart (or reattaches to it) and records what became of the attempt', async ({ onTestFinished }) => {
    const ws = workspace(onTestFinished);
    patchSettings(ws, { retries: { max_attempts: 3 }, timeouts: { quick: { grace_seconds: 1 } } });
    const { trainerPid, launchPid } = await killDuringTraining(ws);
    expect(processGroup(trainerPid)).toBe(launchPid);
    expect(fakeTrainerAlive(trainerPid)).toBe(true);

    const log = await recover(ws);
    expect(fakeTrainerAlive(trainerPid), JSON.stringify(processState(trainerPid))).toBe(false);
    expectAccountedFor(log, launchPid);
  });

  it("leaves no process of the orphaned trainer's tree alive, not just its leader", async ({ onTestFinished }) => {
    // The trainer command runs under a shell that starts it as a child (not exec): a tree of processes.
    const ws = workspace(onTestFinished);
    const settings = JSON.parse(readFileSync(join(ws, 'autopilot.json'), 'utf8')) as { trainer: { command: string[] } };
    patchSettings(ws, {
      trainer: { command: ['bash', '-c', '"$0" "$@" & wait', ...settings.trainer.command] },
      retries: { max_attempts: 3 },
      timeouts: { quick: { grace_seconds: 1 } },
    });
    const { trainerPid, launchPid } = await killDuringTraining(ws);
    const shell = parentPid(trainerPid)!;
    expect(launchPid).not.toBe(trainerPid);
    expect(processGroup(trainerPid)).toBe(launchPid);
    expect(processState(shell)).toMatchObject({ state: 'running', cmdline: expect.stringContaining('bash') });
    expect(fakeTrainerAlive(trainerPid)).toBe(true);

    const log = await recover(ws);
    expect(fakeTrainerAlive(trainerPid), JSON.stringify(processState(trainerPid))).toBe(false);
    expect(['gone', 'zombie']).toContain(processState(shell).state);
    expect(['gone', 'zombie']).toContain(processState(launchPid).state);
    expectAccountedFor(log, launchPid);
    expect(existsSync(join(ws, 'autopilot.lock'))).toBe(false);
  });
});

describe('when the orchestrator is killed the moment it starts a trainer', () => {
  // The loop starts the trainer's process and only then records RunStarted. Killing it within
  // microseconds of that fork (busy-polling its children) lands between the two almost every time.
  const TRIES = 2;
  const workspaces: string[] = [];

  afterEach(async () => {
    await killLiveChildren();
    for (const ws of workspaces.splice(0)) {
      killFakeTrainers(ws);
      removeWorkspace(ws);
    }
  });

  it('leaves no trainer that the log does not record, and does not run the launch twice unrecorded', async () => {
    const problems: string[] = [];
    for (let t = 0; t < TRIES; t++) {
      // The first trainer sleeps long, the one the restarted loop starts does not.
      const ws = fakeTrainerWorkspace({ FAKE_TRAINER_BEHAVIOUR: 'sleep:8000' });
      workspaces.push(ws);
      directFakeTrainer(ws);
      const loop = startCli(['loop', '--runs', '1', '--workspace', ws]);
      const forked = killOnFirstChild(loop.pid);
      const died = await loop.ended;
      expect(forked, `try ${t}: the loop never started a process (exit ${died.exitCode}, ${died.stderr})`).toBe(true);
      const recordedBeforeKill = readLogDirect(ws).filter((e) => e.type === 'RunStarted').length;
      patchSettings(ws, { trainer: { env: { FAKE_TRAINER_BEHAVIOUR: 'sleep:50' } } });

      const again = await cli(['loop', '--runs', '1', '--workspace', ws, '--accept-input-changes', 'a faster trainer for the retry']);
      expect(again.exitCode, again.stderr).toBe(0);
      const log = readLogDirect(ws);
      const recorded = log.filter((e) => e.type === 'RunStarted').map((e) => `attempt ${e.data.attempt} (pid ${e.data.pid})`);
      const launched = fakeTrainerPids(ws);
      if (launched.length !== recorded.length)
        problems.push(
          `try ${t}: ${launched.length} trainer process(es) ran for run 001 (pids ${launched.map((c) => c.pid).join(', ')}), ` +
            `the log records ${recorded.length} launch(es): ${recorded.join('; ')}; RunStarted events when the loop died: ${recordedBeforeKill}`,
        );
      const outliving = launched.filter((c) => fakeTrainerAlive(c.pid));
      if (outliving.length > 0) problems.push(`try ${t}: trainer pid(s) ${outliving.map((c) => c.pid).join(', ')} still running after the restarted loop finished`);
    }
    expect(problems).toEqual([]);
  });
});
