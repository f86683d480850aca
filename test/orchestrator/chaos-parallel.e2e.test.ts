/**
 * Crash recovery with 4 runs in flight, with real processes: the orchestrator (`autopilot loop
 * --parallel 4` as a child process) is SIGKILLed again and again at seeded random points and
 * restarted each time until its runs complete; the log must then tell one consistent story, with
 * every trainer process it started on record. Replay a run with CHAOS_SEED=<seed>.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chaosSeed,
  directFakeTrainer,
  fakeTrainerAlive,
  fakeTrainerPids,
  killFakeTrainers,
  killLiveChildren,
  lastState,
  processState,
  projectionHashes,
  readEvents,
  readLogDirect,
  removeWorkspace,
  seededRandom,
  type Ended,
  type LoggedEvent,
} from '../support/chaos.js';
import { itKeepsChaosInvariants } from '../support/chaos-invariants.js';
import { fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';
import { baseState, describePlan, killCycle, killSchedule, planFor } from '../support/chaos-parallel.js';
import { launches, peakConcurrency, rebuildDrift, rebuiltHashes } from '../support/loop-parallel.js';

const RUNS = 10;
const K = 4;
const RUN_IDS = Array.from({ length: RUNS }, (_, i) => String(i + 1).padStart(3, '0'));
const ARGS = ['--runs', String(RUNS), '--parallel', String(K)];
/** The kills of a chaos run: a seeded shuffle of these kinds, one per restart, then the loop is let finish. */
const SCHEDULE = { 'on-state': 8, delay: 8, 'after-resume': 8 } as const;
const MIN_KILLS = 20;
/** retries.max_attempts allows at most 10; a run is left alone to finish once it has used this many. */
const MAX_ATTEMPTS = 10;
const LET_FINISH_AT = MAX_ATTEMPTS - 3;
/** A safety net against a loop that never completes. */
const MAX_CYCLES = 100;

interface Kill {
  n: number;
  plan: string;
  /** The last seq in the log when the process had died. */
  lastSeq: number;
  /** Events this incarnation persisted before it died. */
  persisted: number;
  state: string | null;
}

describe(`when the orchestrator with ${K} runs in flight is SIGKILLed at random points until its runs complete`, () => {
  const seed = chaosSeed();
  let ws: string;
  let log: LoggedEvent[];
  const kills: Kill[] = [];
  let final: Ended;

  beforeAll(async () => {
    process.stdout.write(`chaos seed ${seed} (replay with CHAOS_SEED=${seed})\n`);
    ws = fakeTrainerWorkspace({ FAKE_TRAINER_BEHAVIOUR: 'sleep:400' });
    directFakeTrainer(ws);
    // Every kill during training may cost an attempt; a kill is not a failure of the run.
    patchSettings(ws, { retries: { max_attempts: MAX_ATTEMPTS }, budgets: { max_consecutive_failures: 10 } });
    const rng = seededRandom(seed);
    const schedule = killSchedule(rng, SCHEDULE);
    let current: LoggedEvent[] = [];
    for (let n = 1; ; n++) {
      if (n > MAX_CYCLES) throw new Error(`the loop did not complete within ${MAX_CYCLES} restarts (seed ${seed})`);
      const plan = planFor({ schedule, kills: kills.length, rng, log: current, runs: RUNS, letFinishAt: LET_FINISH_AT });
      const { ended, child, killed } = await killCycle(ws, ARGS, plan, RUNS);
      if (!killed) {
        final = ended;
        if (plan.kind !== 'none') process.stdout.write(`chaos seed ${seed}: the loop finished before the kill planned ${describePlan(plan)}\n`);
        break;
      }
      current = readLogDirect(ws);
      const lastSeq = current.at(-1)?.seq ?? 0;
      kills.push({ n: kills.length + 1, plan: describePlan(plan), lastSeq, persisted: child.lines.length, state: lastState(current, lastSeq) });
    }
    log = await readEvents(ws);
    const table = kills.map((k) => `  #${String(k.n).padStart(2)} ${k.plan.padEnd(32)} state ${String(k.state).padEnd(16)} seq ${k.lastSeq} (+${k.persisted})`);
    const count = (type: string) => log.filter((e) => e.type === type).length;
    process.stdout.write(
      `chaos seed ${seed}: ${kills.length} kill(s), then exit ${final.exitCode}; ${count('RunStarted')} launch(es), ` +
        `${count('RunReattached')} reattach(es), ${count('RunFailed')} failure(s), ${count('LockTakenOver')} lock takeover(s)\n${table.join('\n')}\n`,
    );
  });

  afterAll(async () => {
    await killLiveChildren();
    if (ws) killFakeTrainers(ws);
    removeWorkspace(ws);
  });

  it('ends with a run of the loop that exits 0 on its own', () => {
    expect(final.exitCode, `seed ${seed}: ${final.stderr}`).toBe(0);
    expect(log.filter((e) => e.type === 'LoopCompleted')).toHaveLength(1);
    expect(log.at(-1)?.type).toBe('LoopCompleted');
  });

  it(`was killed at least ${MIN_KILLS} times, in at least 4 distinct states of a run`, () => {
    expect(kills.length, `seed ${seed}`).toBeGreaterThanOrEqual(MIN_KILLS);
    const states = new Set(kills.map((k) => k.state && baseState(k.state)).filter((s) => s !== null));
    expect(states.size, `seed ${seed}: states hit ${[...states].join(', ')}`).toBeGreaterThanOrEqual(4);
  });

  it(`started one session of ${K} runs in flight and resumed it after every kill`, () => {
    const started = log.filter((e) => e.type === 'LoopStarted');
    expect(started).toHaveLength(1);
    expect(started[0]!.data).toMatchObject({ runsRequested: RUNS, parallel: { k: K, source: 'option' } });
    const sessions = new Set(log.filter((e) => e.stream.startsWith('session-')).map((e) => e.stream));
    expect([...sessions]).toEqual([started[0]!.stream]);
    // The runs still overlapped in time across the kills.
    expect(peakConcurrency(launches(log).filter((l) => l.end !== null)), `seed ${seed}`).toBeGreaterThanOrEqual(3);
  });

  it('journaled every planned run exactly once, none failed', () => {
    const count = (type: string) => RUN_IDS.map((id) => [id, log.filter((e) => e.type === type && e.data.runId === id).length]);
    const once = RUN_IDS.map((id) => [id, 1]);
    expect(log.filter((e) => e.type === 'RunPlanned').map((e) => e.data.runId)).toEqual(RUN_IDS);
    expect(count('RunFinished'), `seed ${seed}`).toEqual(once);
    expect(count('RunEvaluated'), `seed ${seed}`).toEqual(once);
    expect(count('JournalWritten'), `seed ${seed}`).toEqual(once);
    for (const e of log.filter((x) => x.type === 'JournalWritten')) expect(e.data.status, `run ${e.data.runId}`).not.toBe('failed');
  });

  itKeepsChaosInvariants(() => ({ ws, log, seed, runIds: RUN_IDS }));

  it('keeps projections equal to a rebuild', async () => {
    const live = projectionHashes(ws);
    expect(live.size).toBeGreaterThan(6 * RUNS);
    expect(await rebuildDrift(ws), `seed ${seed}`).toMatchObject({ exitCode: 0, written: 0, removed: 0 });
    expect(await rebuiltHashes(ws)).toEqual(live);
  });

  it('leaves no trainer process alive', () => {
    const calls = fakeTrainerPids(ws);
    expect(calls.length).toBeGreaterThanOrEqual(RUNS);
    expect(calls.filter((c) => fakeTrainerAlive(c.pid)).map((c) => ({ ...c, ...processState(c.pid) }))).toEqual([]);
  });
});
