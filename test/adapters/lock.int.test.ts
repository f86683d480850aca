/**
 * The single-writer lock, through real `autopilot` processes: a second loop is refused while one
 * runs, a stale lock is taken over and the takeover recorded, and readers never need the lock. Two
 * processes racing for the lock itself, many times over: lock-race.int.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cli,
  directFakeTrainer,
  gateTrainer,
  killFakeTrainers,
  killLiveChildren,
  lockHolder,
  openGate,
  parseEventLines,
  processState,
  readEvents,
  removeWorkspace,
  shellTrainer,
  startCli,
  until,
  type Child,
  type LoggedEvent,
} from '../support/chaos.js';
import { fakeTrainerWorkspace } from '../support/workspace.js';

const workspaces: string[] = [];
/**
 * A workspace whose trainer is a shell one-liner (a Node start less per run: the trainer is not what
 * these tests are about), or with `env`, the fake trainer run directly, behaving as `env` says.
 */
function workspace(env?: Record<string, string>): string {
  const ws = fakeTrainerWorkspace(env);
  if (env) directFakeTrainer(ws);
  else shellTrainer(ws);
  workspaces.push(ws);
  return ws;
}

afterEach(async () => {
  await killLiveChildren();
  for (const ws of workspaces.splice(0)) {
    openGate(ws); // a gated trainer whose loop died would otherwise wait for ever
    killFakeTrainers(ws);
    removeWorkspace(ws);
  }
});

const loopArgs = (ws: string, runs = 1) => ['loop', '--runs', String(runs), '--workspace', ws, '--json'];
const eventsOf = (c: Child): LoggedEvent[] => parseEventLines(c.lines.join('\n'));

describe('when a second loop starts on a workspace whose loop is running', () => {
  it('refuses it with exit 1 and a message naming the running loop’s pid, and lets the first finish', async () => {
    const ws = workspace();
    gateTrainer(ws);
    const first = startCli(loopArgs(ws));
    await until('the first loop to start training', () => eventsOf(first).find((e) => e.type === 'StateEntered' && e.data.to === 'train'));
    expect(lockHolder(ws)).toBe(first.pid);

    const second = await cli(loopArgs(ws));
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toContain(`pid ${first.pid}`);
    expect(second.stdout).toBe('');
    expect(lockHolder(ws)).toBe(first.pid);

    openGate(ws);
    const ended = await first.ended;
    expect(ended.exitCode, ended.stderr).toBe(0);
    const log = await readEvents(ws);
    expect(log.filter((e) => e.type === 'LoopStarted').map((e) => e.data.pid)).toEqual([first.pid]);
    expect(log.filter((e) => e.type === 'LockTakenOver')).toEqual([]);
    expect(log.filter((e) => e.type === 'LoopResumed')).toEqual([]);
    expect(log.filter((e) => e.type === 'RunStarted')).toHaveLength(1);
    expect(lockHolder(ws)).toBeUndefined();
  });
});

describe('when two loops start on one workspace at the same moment', () => {
  it('runs exactly one of them; the other exits 1 and names no pid but the winner’s', async () => {
    // Three independent rounds, each on its own workspace, at once.
    const round = async (round: number) => {
      const ws = workspace();
      gateTrainer(ws);
      const a = startCli(loopArgs(ws));
      const b = startCli(loopArgs(ws));
      // Either one of them gives up, or (a broken lock) both get as far as recording a start.
      let outcome: 'a' | 'b' | 'both' | undefined;
      void a.ended.then(() => (outcome ??= 'a'));
      void b.ended.then(() => (outcome ??= 'b'));
      const started = (c: Child) => eventsOf(c).some((e) => e.type === 'LoopStarted');
      await until('one loop to give up, or both to start', () => {
        if (outcome === undefined && started(a) && started(b)) outcome = 'both';
        return outcome;
      });
      expect(outcome, `round ${round}: both loops started`).not.toBe('both');
      const [loser, winner] = outcome === 'a' ? [a, b] : [b, a];
      const lost = await loser.ended;
      expect(lost.exitCode, `round ${round}: ${lost.stderr}`).toBe(1);
      // Started together, the loser may look before the winner has written its pid; it never names another.
      expect(lost.stderr).toMatch(/another autopilot/);
      const named = /pid (\d+)/.exec(lost.stderr)?.[1];
      if (named !== undefined) expect(Number(named)).toBe(winner.pid);
      expect(loser.lines).toEqual([]);

      openGate(ws);
      const won = await winner.ended;
      expect(won.exitCode, won.stderr).toBe(0);
      const log = await readEvents(ws);
      expect(log.filter((e) => e.type === 'LoopStarted').map((e) => e.data.pid)).toEqual([winner.pid]);
      expect(log.filter((e) => e.type === 'RunStarted')).toHaveLength(1);
    };
    await Promise.all([1, 2, 3].map(round));
  });
});

describe('when the lock file names a process that has exited', () => {
  it('takes the lock over, runs, and records LockTakenOver with the dead pid', async () => {
    const ws = workspace();
    const gone = execa(process.execPath, ['-e', '']);
    const deadPid = gone.pid!;
    await gone;
    expect(processState(deadPid).state).toBe('gone');
    writeFileSync(join(ws, 'autopilot.lock'), JSON.stringify({ pid: deadPid, host: hostname(), since: new Date().toISOString() }));

    const loop = startCli(loopArgs(ws));
    const ended = await loop.ended;
    expect(ended.exitCode, ended.stderr).toBe(0);
    const log = await readEvents(ws);
    const takeovers = log.filter((e) => e.type === 'LockTakenOver');
    expect(takeovers).toHaveLength(1);
    expect(takeovers[0]!.data).toMatchObject({ previousPid: deadPid, pid: loop.pid });
    expect(eventsOf(loop).map((e) => e.type)).toContain('LockTakenOver');
    expect(log.filter((e) => e.type === 'LoopCompleted')).toHaveLength(1);
    expect(lockHolder(ws)).toBeUndefined();
  });

  it('takes over the lock of a loop that was SIGKILLed and resumes its session', async () => {
    const ws = workspace();
    gateTrainer(ws);
    const killed = startCli(loopArgs(ws));
    await until('the loop to start training', () => eventsOf(killed).find((e) => e.type === 'StateEntered' && e.data.to === 'train'));
    await killed.kill();
    expect(lockHolder(ws)).toBe(killed.pid);

    openGate(ws);
    const again = startCli(loopArgs(ws));
    const ended = await again.ended;
    expect(ended.exitCode, ended.stderr).toBe(0);
    const log = await readEvents(ws);
    expect(log.filter((e) => e.type === 'LockTakenOver').map((e) => e.data)).toEqual([expect.objectContaining({ previousPid: killed.pid, pid: again.pid })]);
    expect(log.filter((e) => e.type === 'LoopStarted')).toHaveLength(1);
    expect(log.filter((e) => e.type === 'LoopResumed')).toHaveLength(1);
    expect(lockHolder(ws)).toBeUndefined();
  });
});

describe('when status, events and verify read a workspace while its loop writes', () => {
  it('answer every time, never with "database is locked", and never hold the writer up', async () => {
    const ws = workspace({ FAKE_TRAINER_BEHAVIOUR: 'sleep:300' });
    gateTrainer(ws);
    const loop = startCli(loopArgs(ws, 3));
    await until('the loop to start training', () => eventsOf(loop).find((e) => e.type === 'StateEntered' && e.data.to === 'train'));

    const reads: { command: string; exitCode: number | undefined; stdout: string; stderr: string }[] = [];
    const readAll = async () => {
      const rs = await Promise.all((['status', 'events', 'verify'] as const).map(async (command) => ({ command, ...(await cli([command, '--workspace', ws, '--json'])) })));
      reads.push(...rs);
      return rs;
    };
    // While the loop certainly runs (its trainer waits at the gate): status names it.
    const [status] = await readAll();
    expect(JSON.parse(status!.stdout)).toMatchObject({ running: loop.pid });
    // Then while it writes: read until it ends.
    openGate(ws);
    while (!loop.done()) await readAll();
    const ended = await loop.ended;
    expect(ended.exitCode, ended.stderr).toBe(0);

    for (const r of reads) {
      expect(r.stderr, r.command).not.toMatch(/database is locked|SQLITE_BUSY/i);
      expect(r.exitCode, `${r.command}: ${r.stderr}`).toBe(0);
      if (r.command === 'events') {
        const seqs = parseEventLines(r.stdout).map((e) => e.seq);
        expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      } else expect(JSON.parse(r.stdout)).toBeTypeOf('object');
      if (r.command === 'verify') expect(JSON.parse(r.stdout)).toMatchObject({ ok: true });
    }
    const log = await readEvents(ws);
    expect(log.filter((e) => e.type === 'JournalWritten')).toHaveLength(3);
  });
});
