/**
 * Closing the terminal (or dropping the ssh session) does not end an overnight loop: SIGHUP is
 * ignored, writes to the hung-up terminal (EIO) or a closed pipe (EPIPE) go nowhere, and the loop
 * completes its runs, every one journaled, and exits 0. Real processes: the CLI in its own process
 * group, and the CLI on a real pseudo-terminal (`script`) whose master side is closed.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processAlive } from '../../adapters/launcher/process-group.js';
import { lockHolder, until } from '../support/chaos.js';
import { eventsOfType } from '../support/hostile.js';
import { CLI, fakeTrainerWorkspace } from '../support/workspace.js';

/** A workspace whose trainer takes its time, so the hangup comes while a run is in flight. */
function slowWorkspace(): string {
  return fakeTrainerWorkspace({ FAKE_TRAINER_BEHAVIOUR: 'sleep:1500' });
}

/** The session completed both runs, each journaled, and nothing stopped or halted it. */
function completedBoth(ws: string): void {
  expect(eventsOfType(ws, 'LoopCompleted').map((e) => e.data.runsCompleted)).toEqual([2]);
  expect(eventsOfType(ws, 'JournalWritten').map((e) => e.data.runId)).toEqual(['001', '002']);
  expect(eventsOfType(ws, 'LoopHalted')).toEqual([]);
  expect(eventsOfType(ws, 'StopRequested')).toEqual([]);
}

describe.concurrent('a loop whose terminal hangs up', () => {
  it('goes on after SIGHUP to its process group with its output closed, and exits 0', async () => {
    const ws = slowWorkspace();
    const child = spawn(process.execPath, [CLI, 'loop', '--runs', '2', '--workspace', ws], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));
    await until('the first run to start', () => (eventsOfType(ws, 'RunStarted').length > 0 ? true : undefined), 60_000, 50);
    // As a terminal that is gone leaves it: nobody reads what it prints any more.
    child.stdout.destroy();
    child.stderr.destroy();
    process.kill(-child.pid!, 'SIGHUP');
    expect(await exited).toEqual([0, null]);
    completedBoth(ws);
  }, 120_000);

  it('goes on when its pseudo-terminal is closed under it (SIGHUP, then EIO on every write), and completes', async () => {
    const ws = slowWorkspace();
    // `script` runs the loop as the session leader of a new pseudo-terminal; killing `script` closes its master side.
    const tty = spawn('script', ['-qfec', `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} loop --runs 2 --workspace ${JSON.stringify(ws)}`, '/dev/null'], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    await until('the first run to start', () => (eventsOfType(ws, 'RunStarted').length > 0 ? true : undefined), 60_000, 50);
    const loopPid = lockHolder(ws);
    expect(loopPid).toBeGreaterThan(0);
    tty.kill('SIGKILL');
    await until('the loop to end', () => (processAlive(loopPid!) ? undefined : true), 90_000, 100);
    completedBoth(ws);
  }, 120_000);
});
