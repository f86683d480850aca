/**
 * Helpers for tests that drive the compiled CLI as real child processes and kill them: a seeded
 * RNG, a loop child that reports its events as they are persisted, the log read back through
 * `autopilot events --json`, process liveness, and the projection files' hashes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { execa, type ResultPromise } from 'execa';
import { METRICS_MIRROR } from '../../adapters/actors/run-log-scan.js';
import { ANCHOR_FILE } from '../../events/anchor.js';
import { CLI, FAKE_TRAINER, ROOT } from './workspace.js';

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of a chaos run: `CHAOS_SEED` from the environment to replay one, else a fresh one. */
export function chaosSeed(): number {
  const fromEnv = process.env.CHAOS_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`CHAOS_SEED must be a non-negative integer, got "${fromEnv}"`);
    return n;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

/** One event as `autopilot events --json` (and `loop --json`) prints it. */
export interface LoggedEvent {
  seq: number;
  stream: string;
  type: string;
  at: string;
  data: Record<string, unknown> & { runId?: string; attempt?: number; reason?: string; to?: string; pid?: number };
}

/** How a child process ended. */
export interface Ended {
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
}

/** A CLI child process started by a test. */
export interface Child {
  pid: number;
  /** Every stdout line so far. */
  lines: string[];
  /** Resolves when the process has ended (never rejects). */
  ended: Promise<Ended>;
  /** Calls `f` on every stdout line from now on (and on none before). */
  onLine(f: (line: string) => void): void;
  /** SIGKILLs the process (no-op once it has ended) and waits for it to end. */
  kill(): Promise<Ended>;
  /** True once the process has ended. */
  done(): boolean;
}

const live = new Set<ResultPromise>();

/** Starts `autopilot ARGS` as a child process with stdout read line by line. */
export function startCli(args: string[], env: Record<string, string> = {}): Child {
  const proc = execa(process.execPath, [CLI, ...args], { cwd: ROOT, reject: false, env, buffer: { stdout: false, stderr: true }, stdin: 'ignore' });
  live.add(proc);
  const pid = proc.pid;
  if (pid === undefined) throw new Error(`could not start autopilot ${args.join(' ')}`);
  const lines: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  createInterface({ input: proc.stdout }).on('line', (line) => {
    lines.push(line);
    for (const f of listeners) f(line);
  });
  let finished = false;
  const ended = proc.then((r) => {
    finished = true;
    live.delete(proc);
    return { exitCode: r.exitCode, signal: r.signal, stdout: lines.join('\n'), stderr: String(r.stderr ?? '') };
  });
  return {
    pid,
    lines,
    ended,
    onLine: (f) => listeners.push(f),
    kill: async () => {
      if (!finished) proc.kill('SIGKILL');
      return ended;
    },
    done: () => finished,
  };
}

/** SIGKILLs every CLI child a test started that is still running (for afterEach/afterAll). */
export async function killLiveChildren(): Promise<void> {
  const procs = [...live];
  for (const p of procs) p.kill('SIGKILL');
  await Promise.allSettled(procs);
}

/** Runs `autopilot ARGS` to completion. */
export async function cli(args: string[], env: Record<string, string> = {}): Promise<Ended> {
  const r = await execa(process.execPath, [CLI, ...args], { cwd: ROOT, reject: false, env });
  return { exitCode: r.exitCode, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The whole log of a workspace, through `autopilot events --json`. */
export async function readEvents(ws: string): Promise<LoggedEvent[]> {
  const r = await cli(['events', '--workspace', ws, '--json']);
  if (r.exitCode !== 0) throw new Error(`autopilot events failed (${r.exitCode}): ${r.stderr}`);
  return parseEventLines(r.stdout);
}

/**
 * The log read straight from `events.db` through a read-only connection: cheap enough to call after
 * every kill (the CLI costs a Node start). Same shape as `events --json`; payloads are not upcast.
 */
export function readLogDirect(ws: string): LoggedEvent[] {
  const path = join(ws, 'events.db');
  if (!existsSync(path)) return [];
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 15_000 });
  try {
    const rows = db
      .prepare('SELECT global_position AS seq, stream_id AS stream, message_type AS type, message_data AS data, message_metadata AS metadata FROM messages ORDER BY global_position')
      .all() as { seq: number; stream: string; type: string; data: string; metadata: string }[];
    return rows.map((r) => ({ seq: r.seq, stream: r.stream, type: r.type, at: (JSON.parse(r.metadata) as { at: string }).at, data: JSON.parse(r.data) as LoggedEvent['data'] }));
  } catch (err) {
    // A loop killed before it created the schema leaves an empty file.
    if (/no such table/.test((err as Error).message)) return [];
    throw err;
  } finally {
    db.close();
  }
}

/** Parses `--json` event lines (non-JSON lines are an error). */
export function parseEventLines(text: string): LoggedEvent[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as LoggedEvent);
}

/** The state the log says the loop was in after seq `upTo` (default: the end): the target of the last StateEntered, or null before any. */
export function lastState(events: LoggedEvent[], upTo = Infinity): string | null {
  let state: string | null = null;
  for (const e of events) if (e.seq <= upTo && e.type === 'StateEntered') state = String(e.data.to);
  return state;
}

/** Launches (RunStarted) per run id. */
export function attemptsByRun(events: LoggedEvent[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const e of events) if (e.type === 'RunStarted') out.set(e.data.runId!, [...(out.get(e.data.runId!) ?? []), e.data.attempt!]);
  return out;
}

/** What a process's /proc entry says: missing (gone), a zombie, or running (with its command line). */
export function processState(pid: number): { state: 'gone' } | { state: 'zombie' } | { state: 'running'; cmdline: string } {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return { state: 'gone' };
    throw err;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return { state: 'zombie' };
    return { state: 'running', cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ') };
  } catch {
    return { state: 'gone' };
  }
}

function statField(pid: number, index: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[index]);
  } catch {
    return null;
  }
}

/** The parent of a process, or null when it is gone. */
export function parentPid(pid: number): number | null {
  return statField(pid, 1);
}

/** The process group of a process, or null when it is gone. */
export function processGroup(pid: number): number | null {
  return statField(pid, 2);
}

/** True when `pid` is a live (non-zombie) fake trainer: the pid may have been reused by something else. */
export function fakeTrainerAlive(pid: number): boolean {
  const s = processState(pid);
  return s.state === 'running' && s.cmdline.includes('fake-trainer.mjs');
}

/** The invocations the fake trainer recorded, with their pids and run ids. */
export function fakeTrainerPids(ws: string): { pid: number; runId: string }[] {
  const path = join(ws, 'fake-trainer.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { pid: number; env: Record<string, string> })
    .map((c) => ({ pid: c.pid, runId: c.env.PUFFER_AUTOPILOT_RUN_ID ?? '?' }));
}

/** SIGKILLs the process group of every fake trainer of `ws` still alive (cleanup after a failed test). */
export function killFakeTrainers(ws: string): void {
  for (const { pid } of fakeTrainerPids(ws)) {
    if (!fakeTrainerAlive(pid)) continue;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }
}

/** Polls `probe` every `everyMs` until it returns a value other than undefined; gives up (throws) after `limitMs`. */
export async function until<T>(what: string, probe: () => T | undefined, limitMs = 60_000, everyMs = 10): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// Not projections: the trainer's outputs, and the loop's mirror of its metric lines (written from its log).
const TRAINER_OUTPUTS = new Set(['trainer_summary.json', 'train.log', METRICS_MIRROR]);

/** Temp files (a projection's `<file>.tmp-<pid>-<suffix>`, the fake trainer's `<file>.tmp`): never projection files themselves. */
export const TEMP_FILE = /\.tmp(-\d+-[0-9a-z]+)?$/;
/** The temp file of the projection writer's atomic write, `<file>.tmp-<pid>-<suffix>`. */
const PROJECTION_TEMP = /\.tmp-\d+-[0-9a-z]+$/;

/** Temp files of projection writes left half-done under journal/, runs/ and proposals/. */
export function leftoverTempFiles(ws: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (PROJECTION_TEMP.test(e.name)) out.push(relative(ws, p));
    }
  };
  for (const d of ['journal', 'runs', 'proposals']) if (existsSync(join(ws, d))) walk(join(ws, d));
  return out;
}

/** sha256 of every projection file (trainer outputs, checkpoints, temp files, the proposer's inbox and the anchor file left out). */
export function projectionHashes(ws: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'checkpoints') walk(p);
      } else if (!TRAINER_OUTPUTS.has(e.name) && e.name !== '.gitkeep' && e.name !== 'next_config.json' && !TEMP_FILE.test(e.name) && relative(ws, p) !== ANCHOR_FILE) {
        out.set(relative(ws, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
      }
    }
  };
  for (const d of ['journal', 'runs', 'proposals']) if (existsSync(join(ws, d))) walk(join(ws, d));
  return out;
}

/** Deletes every projection file by hand (journal, run files, best.json, archived proposals), keeping trainer outputs. */
export function deleteProjectionFiles(ws: string): void {
  rmSync(join(ws, 'journal'), { recursive: true, force: true });
  rmSync(join(ws, 'runs', 'best.json'), { force: true });
  for (const r of readdirSync(join(ws, 'runs'), { withFileTypes: true }))
    if (r.isDirectory())
      for (const f of readdirSync(join(ws, 'runs', r.name))) if (!TRAINER_OUTPUTS.has(f) && f !== 'checkpoints') rmSync(join(ws, 'runs', r.name, f), { recursive: true, force: true });
  for (const f of readdirSync(join(ws, 'proposals'))) if (f.startsWith('run_')) rmSync(join(ws, 'proposals', f), { force: true });
}

/**
 * Makes the workspace's trainer wait, before it starts, until `openGate(ws)` is called: a loop
 * held in training for as long as a test needs, without guessing durations.
 */
export function gateTrainer(ws: string): void {
  const settings = JSON.parse(readFileSync(join(ws, 'autopilot.json'), 'utf8')) as { trainer: { command: string[]; env: Record<string, string> } };
  const script = 'while [ ! -e "$AUTOPILOT_TEST_GATE" ]; do sleep 0.02; done; exec "$0" "$@"';
  settings.trainer.command = ['bash', '-c', script, ...settings.trainer.command];
  settings.trainer.env = { ...settings.trainer.env, AUTOPILOT_TEST_GATE: join(ws, 'gate.open') };
  writeFileSync(join(ws, 'autopilot.json'), `${JSON.stringify(settings, null, 2)}\n`);
}

/** Lets gated trainers start (see {@link gateTrainer}). */
export function openGate(ws: string): void {
  writeFileSync(join(ws, 'gate.open'), '');
}

/** The pid the workspace lock file names, or undefined when there is none (or it is half-written). */
export function lockHolder(ws: string): number | undefined {
  try {
    const pid = (JSON.parse(readFileSync(join(ws, 'autopilot.lock'), 'utf8')) as { pid?: unknown }).pid;
    return typeof pid === 'number' ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs the fake trainer directly (`node fake-trainer.mjs FLAGS...`) instead of through
 * scripts/run_training.sh: one Node start less per launch, for tests that launch many.
 */
export function directFakeTrainer(ws: string): void {
  const path = join(ws, 'autopilot.json');
  const settings = JSON.parse(readFileSync(path, 'utf8')) as { trainer: { command: string[] } };
  settings.trainer.command = [process.execPath, FAKE_TRAINER];
  writeFileSync(path, `${JSON.stringify(settings, null, 2)}\n`);
}

/**
 * The cheapest trainer that keeps the contract: a shell one-liner that records its start like the
 * fake trainer (pid and run id, in FAKE_TRAINER_RECORD), prints a metric line and writes a fixed
 * summary with samples.
 */
export function shellTrainer(ws: string): void {
  const path = join(ws, 'autopilot.json');
  const settings = JSON.parse(readFileSync(path, 'utf8')) as { trainer: { command: string[] } };
  const script = [
    'printf \'{"pid":%s,"env":{"PUFFER_AUTOPILOT_RUN_ID":"%s"}}\\n\' "$$" "$PUFFER_AUTOPILOT_RUN_ID" >> "$FAKE_TRAINER_RECORD"',
    'echo \'{"mean_reward": 400}\'',
    'printf \'{"metrics":{"mean_reward":400,"success_rate":0.5},"samples":{"mean_reward":[398,402,399,401,400,397,403,400]}}\' > "$PUFFER_AUTOPILOT_SUMMARY.tmp"',
    'mv "$PUFFER_AUTOPILOT_SUMMARY.tmp" "$PUFFER_AUTOPILOT_SUMMARY"',
  ].join(' && ');
  settings.trainer.command = ['sh', '-c', script];
  writeFileSync(path, `${JSON.stringify(settings, null, 2)}\n`);
}

/**
 * Busy-waits (synchronously, so nothing delays it) until process `pid` has a child process, then
 * SIGKILLs `pid`: the kill lands within microseconds of the fork. Returns false when no child
 * appeared within `limitMs` (or `pid` ended first). Linux only (/proc/PID/task/PID/children).
 */
export function killOnFirstChild(pid: number, limitMs = 30_000): boolean {
  const path = `/proc/${pid}/task/${pid}/children`;
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    let children: string;
    try {
      children = readFileSync(path, 'utf8');
    } catch {
      return false;
    }
    if (children.trim() !== '') {
      process.kill(pid, 'SIGKILL');
      return true;
    }
  }
  return false;
}

/** Removes a temp workspace made by `fakeTrainerWorkspace` (kept when CHAOS_KEEP is set, to look into). */
export function removeWorkspace(ws: string | undefined): void {
  if (!ws || process.env.CHAOS_KEEP) return;
  rmSync(dirname(ws), { recursive: true, force: true });
}
