/**
 * The local launcher. The trainer runs under a supervisor (adapters/launcher/supervise.ts) that
 * leads its own process group, writes the trainer's output to the log files and records how it
 * ended, so a trainer survives the orchestrator and can be reattached by pid after a restart.
 * The orchestrator follows the log file (metric lines, no-output detection) with bounded memory
 * and enforces the wall-clock and no-output timeouts by terminating the whole group.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { Subject, throttleTime } from 'rxjs';
import { PROJECT_ROOT } from '../../orchestrator/workspace.js';
import { createLineSplitter } from './lines.js';
import { processAlive, processStartTime, signalGroup, terminateGroup, waitGroupGone } from './process-group.js';

/** What to launch. */
export interface LaunchSpec {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** The log the orchestrator follows; the supervisor appends the trainer's stdout and stderr to it. */
  logFile: string;
  /** More files that receive the same output (the run folder's train.log). */
  copyFiles: string[];
  /** Where the supervisor records `{exitCode, signal}` when the trainer ends. */
  exitFile: string;
  wallMs: number;
  noOutputMs: number;
  graceMs: number;
  /** Called at most once per `progressEveryMs` with the latest metric line. */
  onProgress?: (metrics: Record<string, number>) => void;
  progressEveryMs?: number;
  /** Called with every metric line (for a live display; not recorded). */
  onMetrics?: (metrics: Record<string, number>) => void;
  /**
   * Hold the trainer until `go()`: the caller records the launch first, so a launch the log does not
   * know of never runs (the supervisor gives up when the orchestrator dies before `go()`).
   */
  gated?: boolean;
}

/** A launch to follow again after a restart. */
export interface Attachment extends Omit<LaunchSpec, 'argv' | 'cwd' | 'env' | 'copyFiles'> {
  pid: number;
  pidStartTime: string | null;
  /** Where this launch's output starts in the log file. */
  logOffset: number;
  /** When the launch started (epoch ms), for the wall-clock limit. */
  startedAtMs: number;
}

/** How a launch ended. */
export interface LaunchResult {
  /** The trainer's exit code (null when it died by a signal or its end was not recorded). */
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** Why the orchestrator stopped it, if it did. */
  stoppedFor: 'timeout' | 'hung' | 'killed' | null;
  /** False when the supervisor itself was killed, so how the trainer ended is unknown. */
  recorded: boolean;
  /** True when the supervisor gave up waiting for `go()` (its orchestrator died first): the trainer never ran. */
  neverStarted: boolean;
  /** The last JSON metric line the trainer printed (numbers only). */
  lastMetrics: Record<string, number> | null;
  /** The last lines of output (at most TAIL_LINES, each at most TAIL_LINE_CHARS), for the log fallback. */
  tail: string[];
}

/** Lines of output kept for the log fallback. */
export const TAIL_LINES = 200;
/** Longest tail line kept. */
export const TAIL_LINE_CHARS = 4096;

/** A running launch. */
export interface LaunchHandle {
  /** The supervisor's pid, which is also the process group id. */
  pid: number;
  pidStartTime: string | null;
  /** Where this launch's output starts in the log file. */
  logOffset: number;
  /** Terminates the process group (SIGTERM, grace, SIGKILL), recording why. */
  stop(reason: 'timeout' | 'hung' | 'killed'): void;
  /** Lets a gated launch start its trainer. */
  go(): void;
  result: Promise<LaunchResult>;
}

// The compiled supervisor, also when this module runs from source (tests): `npm run build` makes it.
const SUPERVISOR = join(PROJECT_ROOT, 'dist', 'adapters', 'launcher', 'supervise.js');
const POLL_MS = 200;
let launches = 0;
// 64 KiB: a decoded chunk stays a regular V8 heap object (1 MiB strings go to large-object space,
// which only a full GC frees; following 1 GiB of output peaked at ~180 MB RSS with them, ~90 MB without).
const READ_CHUNK = 1 << 16;
/** Most chunks read per poll (32 MiB), so a trainer that floods its output cannot starve the timers (timeouts, stop requests). */
const CHUNKS_PER_POLL = 512;
/** How long the reaping SIGKILL may take to empty the group before the result is reported anyway. */
const REAP_MS = 5000;

/**
 * A copy of `s` that shares no memory with the string it was cut from. V8 keeps a substring as a
 * view of its parent, so 200 kept tail lines, each cut from a different chunk (long lines), would pin
 * 200 chunks. Concatenating makes a rope that `slice` flattens into a fresh string.
 */
function detached(s: string): string {
  return s.length < 16 ? s : `${s} `.slice(0, -1);
}

/** Parses a stdout line as a metric object: a JSON object, keeping its finite numeric fields. */
export function parseMetricLine(line: string): Record<string, number> | null {
  const t = line.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return null;
  try {
    const obj = JSON.parse(t) as unknown;
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return null;
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(obj)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
    return Object.keys(out).length > 0 ? out : null;
  } catch {
    return null;
  }
}

function fileSize(path: string): number {
  try {
    const fd = openSync(path, 'r');
    try {
      return fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
  } catch {
    return 0;
  }
}

function readExit(path: string): { exitCode: number | null; signal: string | null; started: boolean } | null {
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as { exitCode: unknown; signal: unknown; started?: unknown };
    return {
      exitCode: typeof r.exitCode === 'number' ? r.exitCode : null,
      signal: typeof r.signal === 'string' ? r.signal : null,
      started: r.started !== false,
    };
  } catch {
    return null;
  }
}

/** Starts the trainer under a supervisor; throws only when the supervisor cannot be spawned. */
export function launchLocal(spec: LaunchSpec): LaunchHandle {
  if (spec.argv.length === 0) throw new Error('empty trainer command');
  if (!existsSync(SUPERVISOR)) throw new Error(`the trainer supervisor ${SUPERVISOR} is missing: run npm run build`);
  const logOffset = fileSize(spec.logFile);
  // Unique per launch: a supervisor left waiting by a dead orchestrator must never take another launch's signal.
  const goFile = `${spec.exitFile}.go-${process.pid}-${++launches}`;
  const go = () => writeFileSync(goFile, '');
  if (!spec.gated) go();
  const child = execa(process.execPath, [SUPERVISOR, String(process.pid), goFile, spec.exitFile, spec.logFile, ...spec.copyFiles, '--', ...spec.argv], {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: false,
    detached: true,
    cleanup: false,
    stdio: 'ignore',
    reject: false,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start the supervisor for ${spec.argv[0]}`);
  const exited = child.then(() => undefined);
  return { ...follow({ ...spec, pid, pidStartTime: processStartTime(pid), logOffset, startedAtMs: Date.now() }, exited), go };
}

/** Follows a launch started by an earlier orchestrator, until it ends. */
export function attachLocal(att: Attachment): LaunchHandle {
  const exited = new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const same = att.pidStartTime === null || processStartTime(att.pid) === att.pidStartTime;
      if (!same || !processAlive(att.pid)) {
        clearInterval(tick);
        resolve();
      }
    }, POLL_MS);
  });
  return follow(att, exited);
}

function follow(att: Attachment, exited: Promise<void>): LaunchHandle {
  let stoppedFor: LaunchResult['stoppedFor'] = null;
  let lastMetrics: Record<string, number> | null = null;
  const metrics$ = new Subject<Record<string, number>>();
  const progress = att.onProgress
    ? metrics$.pipe(throttleTime(att.progressEveryMs ?? 5000, undefined, { leading: true, trailing: true })).subscribe(att.onProgress)
    : null;
  const tail: string[] = [];
  const splitter = createLineSplitter((line) => {
    tail.push(detached(line.length > TAIL_LINE_CHARS ? line.slice(0, TAIL_LINE_CHARS) : line));
    if (tail.length > TAIL_LINES) tail.shift();
    const m = parseMetricLine(line);
    if (m) {
      lastMetrics = m;
      metrics$.next(m);
      att.onMetrics?.(m);
    }
  });
  const stop = (reason: 'timeout' | 'hung' | 'killed') => {
    if (stoppedFor) return;
    stoppedFor = reason;
    void terminateGroup(att.pid, att.graceMs);
  };

  let offset = att.logOffset;
  let lastOutput = Date.now();
  const buf = Buffer.alloc(READ_CHUNK);
  /** Reads new output; at most `maxChunks` chunks unless told to read to the end. */
  const drain = (maxChunks = Infinity) => {
    let fd: number;
    try {
      fd = openSync(att.logFile, 'r');
    } catch {
      return;
    }
    try {
      for (let chunks = 0; chunks < maxChunks; chunks++) {
        const n = readSync(fd, buf, 0, READ_CHUNK, offset);
        if (n <= 0) break;
        offset += n;
        lastOutput = Date.now();
        splitter.push(buf.subarray(0, n));
        if (n < READ_CHUNK) break;
      }
    } finally {
      closeSync(fd);
    }
  };
  const tick = setInterval(() => {
    drain(CHUNKS_PER_POLL);
    const now = Date.now();
    if (now - att.startedAtMs > att.wallMs) stop('timeout');
    else if (now - lastOutput > att.noOutputMs) stop('hung');
  }, POLL_MS);

  const result = (async (): Promise<LaunchResult> => {
    await exited;
    clearInterval(tick);
    drain();
    splitter.end();
    // Reap anything the trainer left behind in its group, and report only once it is gone.
    if (signalGroup(att.pid, 'SIGKILL')) await waitGroupGone(att.pid, REAP_MS);
    metrics$.complete();
    progress?.unsubscribe();
    const exit = existsSync(att.exitFile) ? readExit(att.exitFile) : null;
    return {
      exitCode: exit?.exitCode ?? null,
      signal: exit ? exit.signal : 'SIGKILL',
      durationMs: Date.now() - att.startedAtMs,
      stoppedFor,
      recorded: exit !== null,
      neverStarted: exit !== null && !exit.started,
      lastMetrics,
      tail,
    };
  })();
  return { pid: att.pid, pidStartTime: att.pidStartTime, logOffset: att.logOffset, stop, result, go: () => undefined };
}
