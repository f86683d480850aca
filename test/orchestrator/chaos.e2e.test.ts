/**
 * Crash recovery with real processes: the orchestrator (`autopilot loop` as a child process) is
 * SIGKILLed again and again, at seeded random points, and restarted each time until its runs
 * complete; the log must then tell one consistent story. Replay a run with CHAOS_SEED=<seed>. And
 * a loop restarted after a crash at every point of a finished log. The kills that orphan a trainer
 * are in orphans.e2e.test.ts.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attemptsByRun,
  chaosSeed,
  cli,
  deleteProjectionFiles,
  directFakeTrainer,
  fakeTrainerAlive,
  fakeTrainerPids,
  killFakeTrainers,
  killLiveChildren,
  lastState,
  lockHolder,
  processState,
  projectionHashes,
  readEvents,
  readLogDirect,
  removeWorkspace,
  seededRandom,
  shellTrainer,
  startCli,
  type Child,
  type Ended,
  type LoggedEvent,
} from '../support/chaos.js';
import { itKeepsChaosInvariants } from '../support/chaos-invariants.js';
import { fakeTrainerWorkspace, patchSettings } from '../support/workspace.js';
import { catalogueCodec } from '../../events/catalogue.js';
import { openSqliteStore } from '../../adapters/store/sqlite-store.js';
import { verifyLog } from '../../adapters/store/verify.js';
import { runLoop } from '../../orchestrator/run-loop.js';
import { rebuildProjections } from '../../adapters/projection-rebuild.js';

const RUNS = 6;
const RUN_IDS = ['001', '002', '003', '004', '005', '006'];
/** The kills of a chaos run: a seeded shuffle of these kinds, one per restart, then the loop is let finish. */
const SLOTS = { 'on-state': 8, delay: 8, 'after-resume': 8 } as const;
const MIN_KILLS = 20;
/** retries.max_attempts allows at most 10; a run is left alone to finish once it has used this many. */
const MAX_ATTEMPTS = 10;
const LET_FINISH_AT = MAX_ATTEMPTS - 3;
/** A safety net against a loop that never completes. */
const MAX_CYCLES = 100;
/** The states of one run, in the order the loop enters them. */
const STATES = ['propose', 'validate', 'train', 'evaluate', 'journal'] as const;
type State = (typeof STATES)[number];
type Slot = keyof typeof SLOTS;

/** Where a cycle's kill lands. */
type Plan =
  /** d ms after the process was spawned: often inside its own start (lock, catch-up, resume). */
  | { kind: 'delay'; ms: number }
  /** d ms after the restarted loop printed its first event: somewhere in the run it resumed. */
  | { kind: 'after-resume'; ms: number }
  /** Right after the loop records entering a state (the kill lands in that state or a little later). */
  | { kind: 'on-state'; state: State; extraMs: number }
  /** The run in flight has used many attempts: let it finish, kill once it is being evaluated. */
  | { kind: 'let-finish'; runId: string }
  /** The last run is under way: kill as soon as the restarted loop holds the lock (no progress), so the kills do not run out. */
  | { kind: 'top-up' }
  /** The schedule is spent: let the loop finish. */
  | { kind: 'none' };

interface Kill {
  n: number;
  plan: string;
  /** The last seq in the log when the process had died. */
  lastSeq: number;
  /** Events this incarnation persisted before it died. */
  persisted: number;
}

function describePlan(p: Plan): string {
  switch (p.kind) {
    case 'delay':
      return `${p.ms} ms after spawn`;
    case 'after-resume':
      return `${p.ms} ms after resuming`;
    case 'on-state':
      return `on entering ${p.state} (+${p.extraMs} ms)`;
    case 'let-finish':
      return `after run ${p.runId} finished`;
    case 'top-up':
      return 'once the lock was taken';
    case 'none':
      return 'not killed';
  }
}

/** The seeded order of the kill kinds. */
function schedule(rng: () => number): Slot[] {
  const slots = (Object.entries(SLOTS) as [Slot, number][]).flatMap(([kind, n]) => Array<Slot>(n).fill(kind));
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
  }
  return slots;
}

/** Runs that have a JournalWritten, and the run in flight with its launches so far. */
function progress(log: LoggedEvent[]): { journaled: number; inFlight: { runId: string; attempts: number } | null } {
  const journaled = new Set(log.filter((e) => e.type === 'JournalWritten').map((e) => e.data.runId!));
  const planned = log.filter((e) => e.type === 'RunPlanned').map((e) => e.data.runId!);
  const current = planned.filter((r) => !journaled.has(r)).at(-1);
  const inFlight = current === undefined ? null : { runId: current, attempts: attemptsByRun(log).get(current)?.length ?? 0 };
  return { journaled: journaled.size, inFlight };
}

/** The state `step` states after the one the log is in (a killed loop always gets there again). */
function stateAfter(current: string | null, step: number): State {
  const at = current === 'deciding' ? STATES.indexOf('journal') : STATES.indexOf(current as State);
  return STATES[(Math.max(at, 0) + step) % STATES.length]!;
}

/**
 * The plan of the next restart. Draws the same number of random values every time, so a seed
 * replays the same schedule (where the kills land still depends on timing).
 */
function planFor(slots: Slot[], kills: number, rng: () => number, log: LoggedEvent[], hit: ReadonlySet<string>): Plan {
  const u = rng();
  const step = rng() < 0.75 ? 1 : 2;
  const slot = slots[kills];
  if (slot === undefined) return { kind: 'none' };
  const { journaled, inFlight } = progress(log);
  if (inFlight && inFlight.attempts >= LET_FINISH_AT) return { kind: 'let-finish', runId: inFlight.runId };
  // In the last run a plan might outlive the loop: kill without progress until the schedule is spent.
  if (journaled >= RUNS - 1) return { kind: 'top-up' };
  // Delays are log-uniform from 3 ms to 1.5 s: many short ones (the start, the first steps), some deep into a run.
  const ms = Math.round(3 * 500 ** u);
  // A kill on entering the next state (or the one after) moves the loop on by a state or two: used
  // for on-state slots, and for every slot once two runs are left, so that no kill skips a run.
  if (slot === 'on-state' || journaled >= RUNS - 2) {
    // Until kills have landed in 4 states, aim at the next state not hit yet: a fast loop could otherwise reach its last run with fewer.
    const ahead = STATES.map((_, i) => stateAfter(lastState(log), step + i));
    const state = hit.size >= 4 ? ahead[0]! : (ahead.find((st) => !hit.has(st)) ?? ahead[0]!);
    return { kind: 'on-state', state, extraMs: Math.floor(u * 4) };
  }
  return slot === 'delay' ? { kind: 'delay', ms } : { kind: 'after-resume', ms };
}

/** Starts the loop and kills it per `plan`; resolves with how it ended and whether the kill was ours. */
async function cycle(ws: string, plan: Plan): Promise<{ ended: Ended; child: Child; killed: boolean }> {
  const child = startCli(['loop', '--runs', String(RUNS), '--workspace', ws, '--json']);
  let fired = false;
  const fire = () => {
    if (fired) return;
    fired = true;
    void child.kill();
  };
  const timers: NodeJS.Timeout[] = [];
  const later = (ms: number) => (ms === 0 ? fire() : timers.push(setTimeout(fire, ms)));
  const events = (f: (e: LoggedEvent) => void) => child.onLine((line) => f(JSON.parse(line) as LoggedEvent));
  let poll: NodeJS.Timeout | undefined;
  switch (plan.kind) {
    case 'delay':
      later(plan.ms);
      break;
    case 'after-resume': {
      let first = true;
      events(() => {
        if (first) later(plan.ms);
        first = false;
      });
      break;
    }
    case 'on-state':
      events((e) => e.type === 'StateEntered' && e.data.to === plan.state && later(plan.extraMs));
      break;
    case 'let-finish':
      events((e) => e.type === 'StateEntered' && e.data.to === 'evaluate' && fire());
      break;
    case 'none':
      break;
    case 'top-up':
      poll = setInterval(() => lockHolder(ws) === child.pid && fire(), 2);
      break;
  }
  const ended = await child.ended;
  timers.forEach(clearTimeout);
  clearInterval(poll);
  return { ended, child, killed: ended.signal === 'SIGKILL' };
}

describe('when the orchestrator is SIGKILLed at random points until its runs complete', () => {
  const seed = chaosSeed();
  let ws: string;
  let log: LoggedEvent[];
  const kills: (Kill & { state: string | null })[] = [];
  let final: Ended;

  beforeAll(async () => {
    process.stdout.write(`chaos seed ${seed} (replay with CHAOS_SEED=${seed})\n`);
    ws = fakeTrainerWorkspace({ FAKE_TRAINER_BEHAVIOUR: 'sleep:500' });
    directFakeTrainer(ws);
    // Every kill during training may cost an attempt; a kill is not a failure of the run.
    patchSettings(ws, { retries: { max_attempts: MAX_ATTEMPTS }, budgets: { max_consecutive_failures: 10 } });
    const rng = seededRandom(seed);
    const slots = schedule(rng);
    const raw: Kill[] = [];
    const hit = new Set<string>();
    let current: LoggedEvent[] = [];
    for (let n = 1; ; n++) {
      if (n > MAX_CYCLES) throw new Error(`the loop did not complete within ${MAX_CYCLES} restarts (seed ${seed})`);
      const plan = planFor(slots, raw.length, rng, current, hit);
      const { ended, child, killed } = await cycle(ws, plan);
      if (!killed) {
        final = ended;
        if (plan.kind !== 'none') process.stdout.write(`chaos seed ${seed}: the loop finished before the kill planned ${describePlan(plan)}\n`);
        break;
      }
      current = readLogDirect(ws);
      raw.push({ n: raw.length + 1, plan: describePlan(plan), lastSeq: current.at(-1)?.seq ?? 0, persisted: child.lines.length });
      const at = lastState(current);
      if (at !== null) hit.add(at);
    }
    // The state at each kill, as the log itself (through the CLI) tells it.
    log = await readEvents(ws);
    for (const k of raw) kills.push({ ...k, state: lastState(log, k.lastSeq) });
    const table = kills.map((k) => `  #${String(k.n).padStart(2)} ${k.plan.padEnd(30)} state ${String(k.state).padEnd(9)} seq ${k.lastSeq} (+${k.persisted})`);
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
    expect(final.exitCode, final.stderr).toBe(0);
    expect(log.filter((e) => e.type === 'LoopCompleted')).toHaveLength(1);
    expect(log.at(-1)?.type).toBe('LoopCompleted');
  });

  it(`was killed at least ${MIN_KILLS} times, in at least 4 distinct states`, () => {
    expect(kills.length).toBeGreaterThanOrEqual(MIN_KILLS);
    const states = new Set(kills.map((k) => k.state).filter((s) => s !== null));
    expect(states.size, `seed ${seed}: states hit ${[...states].join(', ')}`).toBeGreaterThanOrEqual(4);
  });

  it('started one session and resumed it after every kill that left it unfinished', () => {
    const started = log.filter((e) => e.type === 'LoopStarted');
    expect(started).toHaveLength(1);
    expect(started[0]!.data.runsRequested).toBe(RUNS);
    const sessions = new Set(log.filter((e) => e.stream.startsWith('session-')).map((e) => e.stream));
    expect([...sessions]).toEqual([started[0]!.stream]);
  });

  it('completed every requested run exactly once', () => {
    const count = (type: string) => RUN_IDS.map((id) => log.filter((e) => e.type === type && e.data.runId === id).length);
    expect(log.filter((e) => e.type === 'RunPlanned').map((e) => e.data.runId)).toEqual(RUN_IDS);
    expect(count('RunFinished')).toEqual(RUN_IDS.map(() => 1));
    expect(count('RunEvaluated')).toEqual(RUN_IDS.map(() => 1));
    expect(count('JournalWritten')).toEqual(RUN_IDS.map(() => 1));
    for (const e of log.filter((x) => x.type === 'JournalWritten')) expect(e.data.status, `run ${e.data.runId}`).not.toBe('failed');
  });

  itKeepsChaosInvariants(() => ({ ws, log, seed, runIds: RUN_IDS }));

  it('rebuilds byte-identical projections after they are deleted', async () => {
    const live = projectionHashes(ws);
    expect(live.size).toBeGreaterThan(6 * RUNS);
    deleteProjectionFiles(ws);
    expect(projectionHashes(ws).size).toBe(0);
    const r = await cli(['rebuild', '--workspace', ws]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(projectionHashes(ws)).toEqual(live);
  });

  it('leaves no trainer process alive', () => {
    const calls = fakeTrainerPids(ws);
    expect(calls.length).toBeGreaterThanOrEqual(RUNS);
    const alive = calls.filter((c) => fakeTrainerAlive(c.pid)).map((c) => ({ ...c, ...processState(c.pid) }));
    expect(alive).toEqual([]);
  });
});

describe('when the orchestrator died right after any one event of a finished loop', () => {
  // A crash leaves a prefix of the log (each append is one synchronous transaction) and the
  // projections of that prefix. Cutting a finished 2-run log after seq K, for every K, reproduces
  // every crash point — including the few-millisecond windows random kills rarely hit — and the
  // loop restarted there must finish the same 2 runs, each exactly once.
  let source: string;
  let full: LoggedEvent[];
  let deadPid: number;

  beforeAll(async () => {
    source = fakeTrainerWorkspace();
    shellTrainer(source);
    const lines: string[] = [];
    const code = await runLoop({ workspace: source, runs: 2, out: { write: (l: string) => lines.push(l) }, err: { write: (l: string) => lines.push(l) } });
    expect(code, lines.join('\n')).toBe(0);
    full = readLogDirect(source);
    const gone = execa(process.execPath, ['-e', '']);
    deadPid = gone.pid!;
    await gone;
  });

  afterAll(() => removeWorkspace(source));

  /** A copy of the finished workspace as a crash after seq `k` would have left it. */
  function crashedAfter(k: number): string {
    const ws = join(mkdtempSync(join(tmpdir(), 'autopilot-crash-')), 'autopilot');
    cpSync(source, ws, { recursive: true });
    // The trainer records its launches in this copy, not in the source workspace.
    rmSync(join(ws, 'fake-trainer.jsonl'), { force: true });
    patchSettings(ws, { trainer: { env: { FAKE_TRAINER_RECORD: join(ws, 'fake-trainer.jsonl') } } });
    const db = new Database(join(ws, 'events.db'));
    try {
      db.exec(`DROP TRIGGER IF EXISTS messages_no_delete;
        DELETE FROM messages WHERE global_position > ${k};
        DELETE FROM streams WHERE stream_id NOT IN (SELECT stream_id FROM messages);
        UPDATE streams SET stream_position = (SELECT max(stream_position) FROM messages m WHERE m.stream_id = streams.stream_id);`);
    } finally {
      db.close();
    }
    const store = openSqliteStore(join(ws, 'events.db'), catalogueCodec);
    try {
      rebuildProjections(ws, store);
    } finally {
      store.close();
    }
    // The dead orchestrator's lock is still there.
    writeFileSync(join(ws, 'autopilot.lock'), JSON.stringify({ pid: deadPid, host: hostname(), since: new Date().toISOString() }));
    return ws;
  }

  /** What is wrong with the workspace after the restarted loop ended with `code` (empty: nothing). */
  function problems(ws: string, k: number, code: number | 'hung', output: string[]): string[] {
    const out: string[] = [];
    const check = (ok: boolean, what: string) => ok || out.push(what);
    check(code === 0, `the restarted loop ended with ${code}: ${output.filter((l) => /error|halt/i.test(l)).join(' / ')}`);
    const v = verifyLog(join(ws, 'events.db'));
    check(v.ok, `verify: ${JSON.stringify(v)}`);
    const log = readLogDirect(ws);
    check(
      log.every((e, i) => e.seq === i + 1),
      'seqs are not gapless',
    );
    const of = (type: string, id?: string) => log.filter((e) => e.type === type && (id === undefined || e.data.runId === id));
    check(
      of('LoopStarted').length === 1,
      `${of('LoopStarted').length} LoopStarted (sessions ${of('LoopStarted')
        .map((e) => e.stream)
        .join(', ')})`,
    );
    check(of('LoopCompleted').length === 1, `${of('LoopCompleted').length} LoopCompleted`);
    check(
      JSON.stringify(of('RunPlanned').map((e) => e.data.runId)) === '["001","002"]',
      `runs planned: ${of('RunPlanned')
        .map((e) => e.data.runId)
        .join(', ')}`,
    );
    for (const id of ['001', '002']) {
      check(of('RunFinished', id).length === 1, `run ${id}: ${of('RunFinished', id).length} RunFinished`);
      check(of('JournalWritten', id).length === 1, `run ${id}: ${of('JournalWritten', id).length} JournalWritten`);
      const startedAfterCrash = of('RunStarted', id).filter((e) => e.seq > k).length;
      const launched = fakeTrainerPids(ws).filter((c) => c.runId === id).length;
      check(launched === startedAfterCrash, `run ${id}: ${launched} trainer launch(es) after the crash, ${startedAfterCrash} RunStarted`);
    }
    if (out.length === 0) {
      const live = projectionHashes(ws);
      deleteProjectionFiles(ws);
      const writer = openSqliteStore(join(ws, 'events.db'), catalogueCodec);
      try {
        rebuildProjections(ws, writer);
      } finally {
        writer.close();
      }
      const rebuilt = projectionHashes(ws);
      const differ = [...new Set([...live.keys(), ...rebuilt.keys()])].filter((f) => live.get(f) !== rebuilt.get(f));
      check(differ.length === 0, `rebuild differs in ${differ.join(', ')}`);
    }
    return out;
  }

  it('resumes from every crash point and completes each run exactly once', async () => {
    expect(full.length).toBeGreaterThan(20);
    const failures: string[] = [];
    for (let k = 0; k < full.length; k++) {
      const ws = crashedAfter(k);
      const output: string[] = [];
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        // The copy's autopilot.json points the fake trainer's record at the copy: a change the session accepts.
        runLoop({
          workspace: ws,
          runs: 2,
          out: { write: (l: string) => output.push(l) },
          err: { write: (l: string) => output.push(l) },
          acceptInputChanges: 'the crash copy records its trainer launches in its own folder',
        }),
        new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 30_000))),
      ]).catch((e: Error) => {
        output.push(`threw: ${e.message}`);
        return -1;
      });
      clearTimeout(timer);
      const after = k === 0 ? '(empty log)' : `${full[k - 1]!.type}${full[k - 1]!.type === 'StateEntered' ? ` ${full[k - 1]!.data.to}` : ''}`;
      for (const p of problems(ws, k, code, output)) failures.push(`crash after seq ${k} ${after}: ${p}`);
      if (process.env.CHAOS_KEEP) process.stdout.write(`crash after seq ${k}: ${ws}\n`);
      else if (code !== 'hung') removeWorkspace(ws);
    }
    expect(failures).toEqual([]);
  });
});
