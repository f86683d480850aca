/**
 * The local launcher: runs the trainer as a child process in its own process group (no shell),
 * streams its output to the log files, parses metric lines, and enforces the wall-clock and
 * no-output timeouts by terminating the whole group.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { filter, map, share, throttleTime } from 'rxjs';
import { linesOf } from './lines.js';
import { processStartTime, signalGroup, terminateGroup } from './process-group.js';

/** What to launch. */
export interface LaunchSpec {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** Files that receive stdout and stderr verbatim. */
  logFiles: string[];
  wallMs: number;
  noOutputMs: number;
  graceMs: number;
  /** Called at most once per `progressEveryMs` with the latest metric line. */
  onProgress?: (metrics: Record<string, number>) => void;
  progressEveryMs?: number;
}

/** How a launch ended. */
export interface LaunchResult {
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** Why the orchestrator stopped it, if it did. */
  stoppedFor: 'timeout' | 'hung' | 'killed' | null;
  /** The last JSON metric line the trainer printed (numbers only). */
  lastMetrics: Record<string, number> | null;
}

/** A running launch. */
export interface LaunchHandle {
  pid: number;
  pidStartTime: string | null;
  /** Terminates the process group (SIGTERM, grace, SIGKILL), recording why. */
  stop(reason: 'timeout' | 'hung' | 'killed'): void;
  result: Promise<LaunchResult>;
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

/** Starts the trainer; throws only when it cannot be spawned at all. */
export function launchLocal(spec: LaunchSpec): LaunchHandle {
  const [file, ...args] = spec.argv;
  if (!file) throw new Error('empty trainer command');
  const fds = spec.logFiles.map((p) => {
    mkdirSync(dirname(p), { recursive: true });
    return openSync(p, 'a');
  });
  const started = Date.now();
  const child = execa(file, args, {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: false,
    detached: true,
    cleanup: false,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    stripFinalNewline: false,
  });
  const pid = child.pid;
  if (pid === undefined) {
    fds.forEach(closeSync);
    throw new Error(`could not start ${file}`);
  }
  let stoppedFor: LaunchResult['stoppedFor'] = null;
  let lastMetrics: Record<string, number> | null = null;
  const stop = (reason: 'timeout' | 'hung' | 'killed') => {
    if (stoppedFor) return;
    stoppedFor = reason;
    void terminateGroup(pid, spec.graceMs);
  };
  const wall = setTimeout(() => stop('timeout'), spec.wallMs);
  const quiet = setTimeout(() => stop('hung'), spec.noOutputMs);
  const onChunk = (chunk: Buffer) => {
    for (const fd of fds) writeSync(fd, chunk);
    quiet.refresh();
  };
  const metrics$ = linesOf([child.stdout!, child.stderr!], onChunk).pipe(
    map(parseMetricLine),
    filter((m): m is Record<string, number> => m !== null),
    share(),
  );
  const sub = metrics$.subscribe((m) => (lastMetrics = m));
  const progressSub = spec.onProgress
    ? metrics$.pipe(throttleTime(spec.progressEveryMs ?? 5000, undefined, { leading: true, trailing: true })).subscribe(spec.onProgress)
    : null;
  const result = (async (): Promise<LaunchResult> => {
    const r = await child;
    clearTimeout(wall);
    clearTimeout(quiet);
    // Reap anything the trainer left behind in its group.
    signalGroup(pid, 'SIGKILL');
    sub.unsubscribe();
    progressSub?.unsubscribe();
    fds.forEach(closeSync);
    return {
      exitCode: r.exitCode ?? null,
      signal: r.signal ?? null,
      durationMs: Date.now() - started,
      stoppedFor,
      lastMetrics,
    };
  })();
  return { pid, pidStartTime: processStartTime(pid), stop, result };
}
