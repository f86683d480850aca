/**
 * The local launcher. The command (a trainer or an agent) runs under a supervisor
 * (adapters/launcher/supervise.ts) that leads its own process group, writes the command's output to
 * the log files and records how it ended, so a trainer survives the orchestrator and can be
 * reattached by pid after a restart. The launch's whole process tree is contained (a cgroup or a
 * subreaper, see containment.ts), so nothing it starts outlives it. The orchestrator follows the
 * log (metric lines, no-output detection) with bounded memory and enforces the wall-clock and
 * no-output timeouts by terminating everything of the launch.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import type { Containment } from '../../events/catalogue.js';
import { PROJECT_ROOT } from '../workspace.js';
import { holdDirConfined, readConfined, writeConfined, type HeldDir } from '../fs/confined.js';
import { launchContainment, type LaunchContainment } from './containment.js';
import { followLog, type Follower } from './follow.js';
import { processAlive, processStartTime, signalGroup, waitGroupGone, waitWhile } from './process-group.js';
import type { SupervisorSpec } from './supervise.js';

/** What to launch. */
export interface LaunchSpec {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** The workspace: the log and exit files are inside it and handled as untrusted there. */
  root: string;
  /** The log the orchestrator follows; the supervisor appends the command's stdout and stderr to it. */
  logFile: string;
  /** Where the supervisor records `{exitCode, signal}` when the command ends. */
  exitFile: string;
  /** A regular file the command gets as its stdin (absent: /dev/null). */
  stdinFile?: string;
  /** A log of the command's stdout alone, besides `logFile` (which interleaves stdout and stderr). */
  stdoutFile?: string;
  wallMs: number;
  noOutputMs: number;
  graceMs: number;
  /** How the launch's process tree is contained. */
  containment: Containment['mode'];
  /** Output stored per attempt (head and tail kept). */
  maxOutputBytes: number;
  /** Called at most once per `progressEveryMs` with the latest metric line. */
  onProgress?: (metrics: Record<string, number>) => void;
  progressEveryMs?: number;
  /** Called with every metric line (for a live display; not recorded). */
  onMetrics?: (metrics: Record<string, number>) => void;
  /**
   * Hold the command until `go()`: the caller records the launch first, so a launch the log does not
   * know of never runs (the supervisor gives up when the orchestrator dies before `go()`).
   */
  gated?: boolean;
}

/** A launch to follow again after a restart. */
export interface Attachment extends Omit<LaunchSpec, 'argv' | 'cwd' | 'env' | 'containment' | 'maxOutputBytes' | 'stdinFile' | 'stdoutFile'> {
  pid: number;
  pidStartTime: string | null;
  /** Where this launch's output starts in the log file. */
  logOffset: number;
  /** When the launch started (epoch ms), for the wall-clock limit. */
  startedAtMs: number;
  /** The containment recorded at launch (absent: its process group only). */
  containment?: Containment;
}

/** How a launch ended. */
export interface LaunchResult {
  /** The command's exit code (null when it died by a signal or its end was not recorded). */
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** Why the orchestrator stopped it, if it did. */
  stoppedFor: 'timeout' | 'hung' | 'killed' | null;
  /** False when the supervisor itself was killed, so how the command ended is unknown. */
  recorded: boolean;
  /** True when the supervisor gave up waiting for `go()` (its orchestrator died first): the command never ran. */
  neverStarted: boolean;
  /** The spawn error code (ENOENT, EACCES, …) when the command could not be started at all. */
  spawnError: string | null;
  /** The last JSON metric line the command printed (numbers only). */
  lastMetrics: Record<string, number> | null;
  /** The last lines of output (at most TAIL_LINES, each at most TAIL_LINE_CHARS), for the log fallback. */
  tail: string[];
  /**
   * False when something of the launch could not be ended (it escaped containment, or would not die),
   * or, under a subreaper, when the supervisor did not record that nothing was left (only it can tell).
   */
  contained: boolean;
  /** How a cluster job ended when that, not its exit, is the outcome: it vanished (`lost`), was cancelled from outside, hit the scheduler's time limit, or the scheduler stopped answering (`launcher-error`, which halts the loop). */
  endedBy?: { reason: 'lost' | 'cancelled' | 'timeout' | 'launcher-error'; message: string };
}

export { TAIL_LINES, TAIL_LINE_CHARS, parseMetricLine } from './follow.js';

/** A running launch. */
export interface LaunchHandle {
  /** The supervisor's pid, which is also the process group id. */
  pid: number;
  pidStartTime: string | null;
  /** Where this launch's output starts in the log file. */
  logOffset: number;
  containment: Containment;
  /** Terminates everything of the launch (SIGTERM, grace, SIGKILL), recording why. */
  stop(reason: 'timeout' | 'hung' | 'killed'): void;
  /** Lets a gated launch start its command. */
  go(): void;
  result: Promise<LaunchResult>;
}

// The compiled supervisor, also when this module runs from source (tests): `npm run build` makes it.
const SUPERVISOR = join(PROJECT_ROOT, 'dist', 'adapters', 'launcher', 'supervise.js');
const POLL_MS = 200;
let launches = 0;
/** How long the reaping SIGKILL may take to empty the launch before the result is reported anyway. */
const REAP_MS = 5000;
const EXIT_FILE_MAX = 64 * 1024;
/** How long after the grace a stopped supervisor may take to kill what is left and record the end (its SIGKILL rounds, the drain). */
const SUPERVISOR_STOP_MS = 8000;

/** The argv that starts a supervisor for `spec` (with the containment's prefix). */
export function supervisorArgv(s: SupervisorSpec, prefix: string[] = []): string[] {
  return [...prefix, process.execPath, SUPERVISOR, JSON.stringify(s)];
}

type ExitRecord = { exitCode: number | null; signal: string | null; started: boolean; spawnError: string | null; contained: boolean };

function readExit(root: string, path: string): ExitRecord | null {
  const read = readConfined(root, path, EXIT_FILE_MAX);
  if (read.kind !== 'file') return null;
  try {
    const r = JSON.parse(read.bytes.toString('utf8')) as Record<string, unknown>;
    return {
      exitCode: typeof r.exitCode === 'number' ? r.exitCode : null,
      signal: typeof r.signal === 'string' ? r.signal : null,
      started: r.started !== false,
      spawnError: typeof r.spawnError === 'string' ? r.spawnError : null,
      contained: r.contained !== false,
    };
  } catch {
    return null;
  }
}

/** Starts the command under a supervisor; throws only when the supervisor cannot be spawned. */
export function launchLocal(spec: LaunchSpec): LaunchHandle {
  if (spec.argv.length === 0) throw new Error('empty command');
  if (!existsSync(SUPERVISOR)) throw new Error(`the supervisor ${SUPERVISOR} is missing: run npm run build`);
  // The orchestrator opens (or makes) the log before anything runs, and follows that file, whatever is put at its path later.
  const follower = followLog(spec.root, spec.logFile);
  // Held from now on, as the supervisor holds it: the record is read where it was made, whatever the command put at the folder's path.
  const exitDir = holdDirConfined(spec.root, dirname(spec.exitFile));
  const contained = launchContainment(spec.containment);
  // Unique per launch: a supervisor left waiting by a dead orchestrator must never take another launch's signal.
  const goFile = `${spec.exitFile}.go-${process.pid}-${++launches}`;
  const go = () => void writeConfined(exitDir.path, basename(goFile), '', { fsync: false });
  const s: SupervisorSpec = {
    parent: process.pid,
    root: spec.root,
    go: goFile,
    exit: spec.exitFile,
    logs: [spec.logFile],
    argv: spec.argv,
    graceMs: spec.graceMs,
    maxOutputBytes: spec.maxOutputBytes,
    ...(contained.record.cgroup ? { cgroup: contained.record.cgroup } : {}),
    ...(spec.containment === 'subreaper' ? { subreaper: true } : {}),
    ...(spec.stdinFile ? { stdin: spec.stdinFile } : {}),
    ...(spec.stdoutFile ? { stdoutLog: spec.stdoutFile } : {}),
  };
  const [bin, ...args] = supervisorArgv(s, contained.prefix);
  const child = execa(bin!, args, { cwd: spec.cwd, env: spec.env, extendEnv: false, detached: true, cleanup: false, stdio: 'ignore', reject: false });
  const pid = child.pid;
  if (pid === undefined) {
    follower.close();
    exitDir.close();
    throw new Error(`could not start the supervisor for ${spec.argv[0]}`);
  }
  // The supervisor waits for the go: it is in its cgroup before the command (or anything it starts) exists.
  contained.adopt(pid);
  if (!spec.gated) go();
  const exited = child.then(() => undefined);
  const { containment: _mode, maxOutputBytes: _cap, argv: _argv, cwd: _cwd, env: _env, stdinFile: _in, stdoutFile: _out, ...rest } = spec;
  const handle = follow({ ...rest, pid, pidStartTime: processStartTime(pid), logOffset: follower.offset, startedAtMs: Date.now() }, exited, contained, follower, exitDir);
  return { ...handle, go };
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
  const contained = launchContainment(att.containment?.mode ?? 'process-group', att.containment);
  return follow(att, exited, contained, followLog(att.root, att.logFile, att.logOffset));
}

function follow(att: Attachment, exited: Promise<void>, contained: LaunchContainment, log: Follower, exitDir?: HeldDir): LaunchHandle {
  let over = false;
  void exited.then(() => (over = true));
  let stoppedFor: LaunchResult['stoppedFor'] = null;
  log.listen({
    ...(att.onProgress ? { onProgress: att.onProgress } : {}),
    ...(att.progressEveryMs ? { progressEveryMs: att.progressEveryMs } : {}),
    ...(att.onMetrics ? { onMetrics: att.onMetrics } : {}),
  });
  const stop = (reason: 'timeout' | 'hung' | 'killed') => {
    if (stoppedFor) return;
    stoppedFor = reason;
    // Processes that left the group (setsid) are reached through the containment.
    contained.signal('SIGTERM', att.pid);
    // The supervisor kills what is left after the grace, then records the end; killing it with its group at the grace would race that record (and leave a subreaper's orphans to init).
    signalGroup(att.pid, 'SIGTERM');
    void waitWhile(() => !over, att.graceMs + SUPERVISOR_STOP_MS).then((done) => {
      if (done) return;
      // It did not (stopped, stuck): everything is killed from here, its descendants first.
      contained.signal('SIGKILL', att.pid);
      signalGroup(att.pid, 'SIGKILL');
    });
  };
  const tick = setInterval(() => {
    log.drain();
    const now = Date.now();
    if (now - att.startedAtMs > att.wallMs) stop('timeout');
    else if (now - log.lastOutputAt() > att.noOutputMs) stop('hung');
  }, POLL_MS);

  const result = (async (): Promise<LaunchResult> => {
    await exited;
    clearInterval(tick);
    log.drain(true);
    // Reap anything the launch left behind (its group, its cgroup), and report only once it is gone.
    if (signalGroup(att.pid, 'SIGKILL')) await waitGroupGone(att.pid, REAP_MS);
    const empty = await contained.empty(REAP_MS);
    const { lastMetrics, tail } = log.close();
    const exit = exitDir ? readExit(exitDir.path, basename(att.exitFile)) : readExit(att.root, att.exitFile);
    exitDir?.close();
    return {
      exitCode: exit?.exitCode ?? null,
      signal: exit ? exit.signal : 'SIGKILL',
      durationMs: Date.now() - att.startedAtMs,
      stoppedFor,
      recorded: exit !== null,
      neverStarted: exit !== null && !exit.started,
      spawnError: exit?.spawnError ?? null,
      lastMetrics,
      tail,
      contained: empty && (contained.record.mode !== 'subreaper' || exit?.contained === true),
    };
  })();
  return { pid: att.pid, pidStartTime: att.pidStartTime, logOffset: att.logOffset, containment: contained.record, stop, result, go: () => undefined };
}
