/**
 * bench:parallel part (a): `autopilot loop --runs N --parallel K` as a user runs it (the compiled
 * CLI, a child process, the local launcher, the built-in proposer), once per K, each in a fresh copy
 * of the shipped workspace with a pinned proposer seed and bench/parallel/trainer.ts as its trainer
 * (exactly TRAINER_MS of wall time, sleeping). The session's wall time is the child's, spawn to exit;
 * its log is read back for part (c) and to check that it ran every run with up to K in flight.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../../adapters/workspace.js';
import { freshWorkspace } from '../measure.js';
import { maxInFlight, overhead, overheadLines, sessionSpanMs, type LogEvent } from './overhead.js';

/** The trainer's wall time in ms (issue 18: a fixed 2 s trainer). */
export const TRAINER_MS = 2000;
/** The proposer seed of every session: the same proposals at every K, run to run. */
export const PROPOSER_SEED = 18;
/** The compiled trainer, and the variable that sets its duration (read in bench/parallel/trainer.ts). */
const TRAINER = join(PROJECT_ROOT, 'dist', 'bench', 'parallel', 'trainer.js');
const TRAINER_MS_ENV = 'AUTOPILOT_BENCH_TRAINER_MS';
const CLI = join(PROJECT_ROOT, 'bin', 'autopilot.js');

/** One session at K runs in flight. */
export interface WallSession {
  k: number;
  runs: number;
  /** Spawn to exit of `autopilot loop`, in ms. */
  wallMs: number;
  exitCode: number | null;
  runsCompleted: number;
  /** The most trainer attempts in flight at once, from the log. */
  maxInFlight: number;
  /** Its log, for part (c). */
  events: LogEvent[];
  /** The 1-minute load average when it started (other work on the machine slows the sessions). */
  load: number;
  /** Set when the session failed: where its workspace and loop.log were kept. */
  kept: string | null;
}

/** A fresh copy of the shipped workspace whose trainer is the fixed-time one, its proposer seed pinned. */
export function wallWorkspace(runs: number): string {
  const ws = freshWorkspace(tmpdir(), 'autopilot-bench-parallel-');
  const path = join(ws, 'autopilot.json');
  const settings = JSON.parse(readFileSync(path, 'utf8')) as { trainer: { env?: Record<string, string> }; proposer: Record<string, unknown>; runs: number };
  // Still launched through scripts/run_training.sh, which runs AUTOPILOT_TRAINER with node.
  settings.trainer.env = { ...settings.trainer.env, AUTOPILOT_TRAINER: TRAINER, [TRAINER_MS_ENV]: String(TRAINER_MS) };
  settings.proposer = { ...settings.proposer, kind: 'builtin', seed: PROPOSER_SEED };
  settings.runs = runs;
  writeFileSync(path, `${JSON.stringify(settings, null, 2)}\n`);
  return ws;
}

/** Runs the loop in `ws`, its output in loop.log beside it; resolves with its exit code and wall time. */
function runLoop(ws: string, runs: number, k: number): Promise<{ code: number | null; wallMs: number }> {
  const fd = openSync(join(dirname(ws), 'loop.log'), 'w');
  const t0 = performance.now();
  const args = [CLI, 'loop', '--workspace', ws, '--runs', String(runs), '--parallel', String(k)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', fd, fd] });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(fd);
      resolve({ code, wallMs: performance.now() - t0 });
    });
  });
}

/** The workspace's log through `autopilot events --json`, as a user reads it. */
export function readEvents(ws: string): LogEvent[] {
  const out = execFileSync(process.execPath, [CLI, 'events', '--workspace', ws, '--json'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogEvent);
}

/** One session of `runs` runs at `k` in flight; its workspace is removed unless the session failed. */
export async function wallSession(k: number, runs: number): Promise<WallSession> {
  const ws = wallWorkspace(runs);
  const load = loadavg()[0] as number;
  const { code, wallMs } = await runLoop(ws, runs, k);
  let events: LogEvent[] = [];
  try {
    events = readEvents(ws);
  } catch (e) {
    process.stderr.write(`bench:parallel: autopilot events failed for k=${k}: ${(e as Error).message}\n`);
  }
  const done = events.filter((e) => e.type === 'LoopCompleted').at(-1);
  const runsCompleted = Number(done?.data['runsCompleted'] ?? 0);
  const ok = code === 0 && runsCompleted === runs;
  if (ok) rmSync(dirname(ws), { recursive: true, force: true });
  return { k, runs, wallMs, exitCode: code, runsCompleted, maxInFlight: maxInFlight(events), events, load, kept: ok ? null : dirname(ws) };
}

/** A session's problem as a sentence, or null when it ran every run with up to k (and more than one, when k > 1) in flight. */
export function sessionProblem(s: WallSession): string | null {
  const where = s.kept === null ? '' : ` (workspace and loop.log kept in ${s.kept})`;
  if (s.exitCode !== 0) return `k=${s.k}: autopilot loop exited with ${s.exitCode}${where}`;
  if (s.runsCompleted !== s.runs) return `k=${s.k}: ${s.runsCompleted} of ${s.runs} runs completed${where}`;
  if (s.maxInFlight > s.k || (s.k > 1 && s.maxInFlight < 2)) return `k=${s.k}: at most ${s.maxInFlight} run(s) were in flight at once`;
  return null;
}

/** Issue 18's target: wall time at the most runs in flight at most 0.3x that with one. */
export const WALL_TARGET = 0.3;

/** Part (a)'s report: each session's wall time and its ratio to the first (k = 1); pass when the last is within the target. */
export function wallReport(sessions: readonly WallSession[]): { lines: string[]; ratios: Record<number, number>; pass: boolean } {
  const ref = sessions[0] as WallSession;
  const ratios = Object.fromEntries(sessions.map((s) => [s.k, s.wallMs / ref.wallMs]));
  const last = sessions.at(-1) as WallSession;
  const problems = sessions.map(sessionProblem).filter((p): p is string => p !== null);
  // The runs fill k slots (the baseline trains beside the first proposals): ceil(runs / k) rounds at best.
  const ideal = Math.ceil(last.runs / last.k) / last.runs;
  const ratio = ratios[last.k] as number;
  const pass = ratio <= WALL_TARGET && problems.length === 0;
  const lines = [
    `(a) wall time of ${ref.runs} runs of a ${TRAINER_MS / 1000} s trainer (bench/parallel/trainer.ts: sleeps, no CPU), local launcher, built-in proposer seed ${PROPOSER_SEED}, ` +
      `\`autopilot loop --runs ${ref.runs} --parallel K\` spawn to exit, a fresh workspace per K`,
    ...sessions.map((s) => {
      const span = sessionSpanMs(s.events);
      const log = span === null ? '' : ` · log ${(span / 1000).toFixed(1)} s`;
      return `k=${s.k}: ${(s.wallMs / 1000).toFixed(1)} s (${(ratios[s.k] as number).toFixed(2)}x)${log} · ${s.runsCompleted}/${s.runs} runs · at most ${s.maxInFlight} in flight · load ${s.load.toFixed(1)} at start`;
    }),
    `for scale: ${last.runs} runs on ${last.k} slots with no overhead at all: ${ideal.toFixed(2)}x`,
    ...problems.map((p) => `FAIL ${p}`),
    `${ratio <= WALL_TARGET ? 'PASS' : 'FAIL'} wall time at k = ${last.k} at most ${WALL_TARGET}x that at k = ${ref.k}: ${ratio.toFixed(2)}x`,
  ];
  return { lines, ratios, pass };
}

/** What one part of bench:parallel printed, stores in results.json and decided (pass null: a measurement with no target). */
export interface PartResult {
  lines: string[];
  result: Record<string, unknown>;
  pass: boolean | null;
}

/** A session's record in results.json: everything but its log. */
const stored = ({ events, ...s }: WallSession) => ({ ...s, events: events.length });

/** Part (a): one session of `runs` runs per k in `ks` (the first the reference), one after the other. */
export async function wallPart(ks: readonly number[], runs: number): Promise<{ sessions: WallSession[]; part: PartResult }> {
  const sessions: WallSession[] = [];
  for (const k of ks) {
    process.stderr.write(`(a) k=${k}: ${runs} runs…\n`);
    sessions.push(await wallSession(k, runs));
  }
  const w = wallReport(sessions);
  return { sessions, part: { lines: w.lines, result: { ratios: w.ratios, target: WALL_TARGET, pass: w.pass, sessions: sessions.map(stored) }, pass: w.pass } };
}

/** Part (c) on the session at `k` among `sessions` (part a's), or on a session of its own when there is none. */
export async function overheadPart(sessions: readonly WallSession[], k: number, runs: number): Promise<PartResult> {
  let s = sessions.find((x) => x.k === k);
  if (s === undefined) {
    process.stderr.write(`(c) k=${k}: ${runs} runs…\n`);
    s = await wallSession(k, runs);
  }
  const problem = sessionProblem(s);
  // A session that failed or stopped short fails the bench; its overhead is still printed when its log allows.
  const fail = problem === null ? [] : [`FAIL ${problem}`];
  if (sessionSpanMs(s.events) === null) return { lines: [`(c) no overhead: the k = ${k} session did not complete`, ...fail], result: { session: stored(s) }, pass: false };
  const c = overhead(s.events, k, TRAINER_MS);
  return { lines: [...overheadLines(c, TRAINER_MS), ...fail], result: { ...c, session: stored(s) }, pass: problem === null ? null : false };
}
