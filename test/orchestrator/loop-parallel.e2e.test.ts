/**
 * The loop with several runs in flight, as real child processes of the compiled CLI on a real
 * SQLite log: runs overlap and each completes once, each slot's trainer gets its own GPU, a k the
 * machine cannot hold is refused before anything is recorded, and a stop "now" ends every run in
 * flight.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cli,
  directFakeTrainer,
  fakeTrainerAlive,
  fakeTrainerPids,
  killFakeTrainers,
  killLiveChildren,
  projectionHashes,
  readEvents,
  removeWorkspace,
  startCli,
  until,
  type Ended,
  type LoggedEvent,
} from '../support/chaos.js';
import { fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';
import { gpuCalls, gpuRecordingTrainer, slowAfterBaseline, launches, overlap, peakConcurrency, rebuildDrift, rebuiltHashes } from '../support/loop-parallel.js';

const workspaces: string[] = [];
afterAll(async () => {
  await killLiveChildren();
  for (const ws of workspaces) {
    killFakeTrainers(ws);
    removeWorkspace(ws);
  }
});

/** A fake-trainer workspace, cleaned up after the file. */
function workspace(env: Record<string, string>): string {
  const ws = fakeTrainerWorkspace(env);
  workspaces.push(ws);
  return ws;
}

/** What a scenario left: its workspace, how its loop ended, and the log. */
interface Outcome {
  ws: string;
  ended: Ended;
  log: LoggedEvent[];
}

/** Runs `autopilot loop ARGS --json` on `ws` to its end. */
async function loop(ws: string, args: string[]): Promise<Outcome> {
  const ended = await startCli(['loop', '--workspace', ws, ...args, '--json']).ended;
  return { ws, ended, log: await readEvents(ws) };
}

/** The loops of the three scenarios below, started together on first use (each waits mostly on its sleeping trainers). */
let scenarios: { parallel4: Promise<Outcome>; gpus: Promise<Outcome>; stop: Promise<Outcome> } | undefined;
function scenario(name: 'parallel4' | 'gpus' | 'stop'): Promise<Outcome> {
  if (!scenarios) {
    scenarios = { parallel4: parallel4(), gpus: gpus(), stop: stopNow() };
    // Each is awaited by its own describe; a failure meanwhile is not an unhandled rejection.
    for (const p of Object.values(scenarios)) p.catch(() => undefined);
  }
  return scenarios[name];
}

const PARALLEL4_RUNS = 8;
function parallel4(): Promise<Outcome> {
  const ws = workspace({ FAKE_TRAINER_BEHAVIOUR: 'sleep:1500' });
  directFakeTrainer(ws);
  return loop(ws, ['--runs', String(PARALLEL4_RUNS), '--parallel', '4']);
}

const GPU_RUNS = 4;
function gpus(): Promise<Outcome> {
  const ws = workspace({ FAKE_TRAINER_BEHAVIOUR: 'sleep:1000' });
  patchSettings(ws, { launcher: { kind: 'local', local: { gpus: [0, 1] } } });
  gpuRecordingTrainer(ws);
  return loop(ws, ['--runs', String(GPU_RUNS)]);
}

/** Writes STOP (`now`) once 3 trainers are alive; the outcome's `stopAt` is when. */
let stopAt = 0;
async function stopNow(): Promise<Outcome> {
  const ws = workspace({});
  slowAfterBaseline(ws, 120_000);
  patchSettings(ws, { timeouts: { quick: { wall_seconds: 600, no_output_seconds: 600, grace_seconds: 1 } } });
  const child = startCli(['loop', '--workspace', ws, '--runs', '6', '--parallel', '3', '--json']);
  // The baseline trains alone first (quickly); then 3 trainers at once, each for two minutes.
  await until('3 trainers alive', () => (fakeTrainerPids(ws).filter((c) => fakeTrainerAlive(c.pid)).length >= 3 || child.done() ? true : undefined), 90_000);
  stopAt = Date.now();
  writeFileSync(join(ws, 'STOP'), 'now\n');
  const ended = await child.ended;
  return { ws, ended, log: await readEvents(ws) };
}

/** 001, 002, ... up to `n`. */
const runIds = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1).padStart(3, '0'));
const of = (log: LoggedEvent[], type: string) => log.filter((e) => e.type === type);
const perRun = (log: LoggedEvent[], type: string, ids: string[]) => ids.map((id) => [id, log.filter((e) => e.type === type && e.data.runId === id).length]);

describe('when the loop runs 8 runs of a sleeping trainer with --parallel 4', () => {
  const RUNS = PARALLEL4_RUNS;
  const IDS = runIds(RUNS);
  let ws: string;
  let ended: Ended;
  let log: LoggedEvent[];

  beforeAll(async () => {
    ({ ws, ended, log } = await scenario('parallel4'));
  });

  it('exits 0 with the session completed', () => {
    expect(ended.exitCode, ended.stderr).toBe(0);
    expect(of(log, 'LoopCompleted')).toHaveLength(1);
    expect(log.at(-1)?.type).toBe('LoopCompleted');
  });

  it('records k = 4 from the option in LoopStarted, and a slot in every RunPlanned and RunStarted', () => {
    expect(of(log, 'LoopStarted').map((e) => e.data.parallel)).toEqual([{ k: 4, source: 'option', gpus: [null, null, null, null] }]);
    const planned = of(log, 'RunPlanned');
    expect(planned.map((e) => e.data.runId)).toEqual(IDS);
    for (const e of [...planned, ...of(log, 'RunStarted')])
      expect(e.data.slot, `${e.type} ${e.data.runId}`).toSatisfy((s: unknown) => Number.isInteger(s) && (s as number) >= 0 && (s as number) < 4);
    // A run keeps the slot it was planned in.
    for (const s of of(log, 'RunStarted')) expect(s.data.slot, `run ${s.data.runId}`).toBe(planned.find((p) => p.data.runId === s.data.runId)!.data.slot);
  });

  it('trains runs at the same time: at some moment at least 3 are in flight', () => {
    const ls = launches(log);
    const pairs = ls.flatMap((a, i) =>
      ls
        .slice(i + 1)
        .filter((b) => overlap(a, b))
        .map((b) => `${a.runId}/${b.runId}`),
    );
    expect(pairs.length, JSON.stringify(ls)).toBeGreaterThan(0);
    expect(peakConcurrency(ls), JSON.stringify(ls)).toBeGreaterThanOrEqual(3);
    // No two runs in flight at once share a slot.
    for (const a of ls) for (const b of ls) if (a !== b && overlap(a, b)) expect(a.slot, `${a.runId} and ${b.runId}`).not.toBe(b.slot);
  });

  it('launches, finishes, evaluates and journals each run exactly once', () => {
    const once = IDS.map((id) => [id, 1]);
    expect(perRun(log, 'RunStarted', IDS)).toEqual(once);
    expect(perRun(log, 'RunFinished', IDS)).toEqual(once);
    expect(perRun(log, 'RunEvaluated', IDS)).toEqual(once);
    expect(perRun(log, 'JournalWritten', IDS)).toEqual(once);
    expect(of(log, 'RunFailed')).toEqual([]);
    expect(of(log, 'RunStarted').map((e) => e.data.attempt)).toEqual(IDS.map(() => 1));
    // One trainer process per run, as the fake trainer recorded it.
    expect(IDS.map((id) => [id, fakeTrainerPids(ws).filter((c) => c.runId === id).length])).toEqual(once);
  });

  it('records the runs in flight as constant liars in the built-in proposals made beside them', () => {
    const builtin = of(log, 'ProposalReceived').filter((e) => e.data.proposer === 'builtin');
    const before = (type: string, id: string, seq: number) => log.some((x) => x.type === type && x.data.runId === id && x.seq < seq);
    const liars = (e: LoggedEvent) => (e.data.pending ?? []) as { runId: string; overrides: Record<string, unknown> }[];
    // With 4 slots every built-in proposal but the first few is made while other runs train.
    expect(builtin.filter((e) => liars(e).length > 0).length, JSON.stringify(builtin.map((e) => [e.data.runId, liars(e).map((p) => p.runId)]))).toBeGreaterThanOrEqual(3);
    for (const e of builtin) {
      const id = e.data.runId!;
      const named = liars(e).map((p) => p.runId);
      // Every run training when the proposal was made (started, not ended) is a liar...
      const training = log.filter((x) => x.type === 'RunStarted' && x.seq < e.seq && !before('RunFinished', x.data.runId!, e.seq) && !before('RunFailed', x.data.runId!, e.seq));
      for (const t of training) expect(named, `proposal for ${id} (seq ${e.seq}) leaves out run ${t.data.runId}, training`).toContain(t.data.runId);
      // ...and every liar is a run in flight: its config accepted before, its result not yet journaled, not the run proposed for.
      for (const p of liars(e)) {
        expect(p.runId, `proposal for ${id}`).not.toBe(id);
        expect(before('ProposalAccepted', p.runId, e.seq), `liar ${p.runId} of ${id}: accepted before`).toBe(true);
        expect(before('JournalWritten', p.runId, e.seq), `liar ${p.runId} of ${id} (seq ${e.seq}): already journaled`).toBe(false);
        expect(Object.keys(p.overrides).length).toBeGreaterThan(0);
      }
      expect(named.length).toBeLessThanOrEqual(3);
    }
  });

  it('keeps projections equal to a rebuild, and the hash chain intact', async () => {
    const v = await cli(['verify', '--workspace', ws, '--json']);
    expect(v.exitCode, v.stdout).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, lastSeq: log.length });
    const live = projectionHashes(ws);
    expect(live.size).toBeGreaterThan(6 * RUNS);
    expect(await rebuildDrift(ws)).toMatchObject({ exitCode: 0, written: 0, removed: 0 });
    expect(await rebuiltHashes(ws)).toEqual(live);
  });
});

describe('when the local launcher lists gpus [0, 1] and the loop is given no --parallel', () => {
  let ws: string;
  let ended: Ended;
  let log: LoggedEvent[];

  beforeAll(async () => {
    ({ ws, ended, log } = await scenario('gpus'));
  });

  it('keeps one run in flight per GPU, as LoopStarted records', () => {
    expect(ended.exitCode, ended.stderr).toBe(0);
    expect(of(log, 'LoopStarted').map((e) => e.data.parallel)).toEqual([{ k: 2, source: 'gpus', gpus: ['0', '1'] }]);
    expect(peakConcurrency(launches(log)), JSON.stringify(launches(log))).toBe(2);
  });

  it("gives each trainer its slot's GPU, recorded in RunStarted, and never one GPU to two runs at once", () => {
    const ls = launches(log);
    expect(ls.map((l) => l.runId)).toEqual(runIds(GPU_RUNS));
    const calls = gpuCalls(ws);
    expect(calls.map((c) => c.runId).sort()).toEqual(ls.map((l) => l.runId));
    // The wrapper execs the fake trainer: the same process, recorded by both.
    expect(calls.map((c) => c.pid).sort()).toEqual(
      fakeTrainerPids(ws)
        .map((c) => c.pid)
        .sort(),
    );
    for (const l of ls) {
      const gpu = String(l.slot);
      expect(l.gpu, `RunStarted ${l.runId}.env`).toBe(gpu);
      expect(calls.find((c) => c.runId === l.runId)?.gpu, `trainer of ${l.runId} (slot ${l.slot})`).toBe(gpu);
    }
    for (const a of ls) for (const b of ls) if (a !== b && overlap(a, b)) expect(a.gpu, `${a.runId} and ${b.runId} overlap`).not.toBe(b.gpu);
    expect(ls.some((a) => ls.some((b) => a !== b && overlap(a, b)))).toBe(true);
  });
});

describe('when k cannot be had', () => {
  it('refuses --parallel 3 when launcher.local.cpus_per_run fits fewer runs on this machine: exit 2, the limit named, nothing recorded', async () => {
    const ws = workspace({});
    directFakeTrainer(ws);
    // More cores per run than any test machine has: at most one run fits.
    patchSettings(ws, { launcher: { kind: 'local', local: { cpus_per_run: 4096 } } });
    const r = await cli(['loop', '--workspace', ws, '--runs', '3', '--parallel', '3']);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/cpus_per_run 4096/);
    expect(r.stderr).toMatch(/at most 1 run/);
    expect(existsSync(join(ws, 'events.db'))).toBe(false);
    expect(fakeTrainerPids(ws)).toEqual([]);
  });

  it('refuses --parallel 0 as a usage error, recording nothing', async () => {
    const ws = workspace({});
    const r = await cli(['loop', '--workspace', ws, '--runs', '3', '--parallel', '0']);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--parallel/);
    expect(existsSync(join(ws, 'events.db'))).toBe(false);
  });
});

describe('when a STOP file saying now is written while 3 runs train', () => {
  let ws: string;
  let ended: Ended;
  let log: LoggedEvent[];

  beforeAll(async () => {
    ({ ws, ended, log } = await scenario('stop'));
  });

  it('exits 1 with a halt that names the stop', () => {
    expect(ended.exitCode, ended.stderr).toBe(1);
    expect(of(log, 'StopRequested').map((e) => e.data)).toEqual([{ reason: 'STOP file (now)', now: true }]);
    const halted = of(log, 'LoopHalted');
    expect(halted).toHaveLength(1);
    expect(halted[0]!.data.reason).toMatch(/stop requested: STOP file \(now\)/);
    expect(log.at(-1)?.type).toBe('LoopHalted');
    expect(ended.stderr).toMatch(/loop halted: stop requested: STOP file \(now\)/);
    expect(existsSync(join(ws, 'STOP'))).toBe(false);
  });

  it('kills every trainer in flight, each run recorded failed (killed) and journaled', () => {
    const trainers = fakeTrainerPids(ws);
    expect(trainers.filter((c) => fakeTrainerAlive(c.pid))).toEqual([]);
    const stop = of(log, 'StopRequested')[0]!.seq;
    const endedBefore = (id: string) => log.some((e) => (e.type === 'RunFinished' || e.type === 'RunFailed') && e.data.runId === id && e.seq < stop);
    // The baseline finished before; the 3 runs after it were training.
    const inFlight = log.filter((e) => e.type === 'RunStarted' && e.seq < stop && !endedBefore(e.data.runId!)).map((e) => e.data.runId!);
    expect(inFlight.sort()).toEqual(['002', '003', '004']);
    expect(trainers.map((c) => c.runId).sort()).toEqual(['001', ...inFlight]);
    for (const id of inFlight) {
      expect(
        log.filter((e) => e.type === 'RunFailed' && e.data.runId === id).map((e) => e.data.reason),
        `run ${id}`,
      ).toEqual(['killed']);
      expect(
        log.filter((e) => e.type === 'RunFinished' && e.data.runId === id),
        `run ${id}`,
      ).toEqual([]);
      expect(
        log.filter((e) => e.type === 'JournalWritten' && e.data.runId === id).map((e) => e.data.status),
        `run ${id}`,
      ).toEqual(['failed']);
    }
    // The stop is seen within a poll or two, not after the trainers' two minutes.
    expect(Date.now() - stopAt).toBeLessThan(60_000);
  });

  it('plans no run after the stop, and leaves no planned run without its journal entry', () => {
    const stop = of(log, 'StopRequested')[0]!.seq;
    expect(log.filter((e) => e.type === 'RunPlanned' && e.seq > stop)).toEqual([]);
    expect(log.filter((e) => e.type === 'RunStarted' && e.seq > stop)).toEqual([]);
    const journaled = new Set(of(log, 'JournalWritten').map((e) => e.data.runId));
    expect(of(log, 'RunPlanned').filter((e) => !journaled.has(e.data.runId))).toEqual([]);
  });
});
