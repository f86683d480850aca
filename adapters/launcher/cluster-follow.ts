/**
 * Following one attempt's cluster job to its end: its log (as for a local launch), its place in the
 * queue (one listing per poll for every job, see cluster-watch.ts), its requeues, and the wall-clock
 * and no-output limits, which count from when the job runs (not while it waits in the queue). The
 * end is read from the result file the job script writes (authoritative), or, without one, from
 * what the scheduler still knows: cancelled from outside, its own time limit, or lost.
 */
import { basename, dirname } from 'node:path';
import { constants } from 'node:os';
import { holdDirConfined, readConfined, type HeldDir, type UnsafeEntry } from '../fs/confined.js';
import { followLog } from './follow.js';
import type { LaunchResult } from './local.js';
import { LauncherCommandError, type ClusterLauncher, type JobEnd, type JobStatus } from './cluster.js';
import { watchJob, type WatchPolicy } from './cluster-watch.js';

/** A failed scheduler command, as the caller records it. */
export interface CommandFailure {
  command: string;
  argv: string[];
  exitCode: number | null;
  message: string;
  try: number;
  tries: number;
  retryInMs: number | null;
  /** The one listing of every job watched failed: it concerns them all, not this run alone. */
  shared?: boolean;
}

/** What to follow. */
export interface JobFollowSpec extends WatchPolicy {
  root: string;
  jobId: string;
  logFile: string;
  logOffset: number;
  /** Absolute path of the result file the job script writes. */
  resultFile: string;
  wallMs: number;
  noOutputMs: number;
  graceMs: number;
  /** When the job was recorded as started (epoch ms): the wall clock counts from here on a reattach, from the first sight of it running otherwise. */
  startedAtMs: number | null;
  /** The scheduler's restart count already recorded (a larger one is a requeue). */
  restarts: number;
  onRequeued(r: { restarts: number; state: string; reason: string }): void;
  onCommandFailed(f: CommandFailure): void;
  onProgress?: (metrics: Record<string, number>) => void;
  progressEveryMs?: number;
  onMetrics?: (metrics: Record<string, number>) => void;
  /** Each change of the job's state in the queue (PENDING and why, RUNNING…), for the live display. */
  onState?: (job: JobStatus) => void;
  /** What stood unsafely where the result file's folder is (a link, a FIFO): removed, never followed. */
  onUnsafe?: (entries: UnsafeEntry[]) => void;
}

/** A job being followed. */
export interface JobHandle {
  /** Cancels the job: a warning to its script (the trainer gets TERM), then the end after the grace; records why. */
  stop(reason: 'timeout' | 'hung' | 'killed'): void;
  result: Promise<LaunchResult>;
}

const TICK_MS = 200;
const RESULT_MAX = 64 * 1024;
/** How long a result file may lag behind the job's end (a shared file system's attribute cache). */
const RESULT_LAG_MS = 5000;

interface ResultRecord {
  exitCode: number | null;
  signal: string | null;
}

function signalName(n: unknown): string | null {
  if (typeof n !== 'number') return null;
  return Object.entries(constants.signals).find(([, v]) => v === n)?.[0] ?? `SIG${n}`;
}

/** The result file as the job script left it in `dir` (a held folder: a link put at its path later is not what is read); null when it is missing, not a regular file, over 64 KiB or not JSON. */
export function readResult(dir: HeldDir, name: string): ResultRecord | null {
  try {
    const read = readConfined(dir.path, name, RESULT_MAX);
    if (read.kind !== 'file') return null;
    const r = JSON.parse(read.bytes.toString('utf8')) as Record<string, unknown>;
    return { exitCode: typeof r.exitCode === 'number' ? r.exitCode : null, signal: signalName(r.signal) };
  } catch {
    return null;
  }
}

/** Opens the folder `path` once (repairing what stands in its way); null when it cannot. */
function hold(root: string, path: string): HeldDir | null {
  try {
    return holdDirConfined(root, path);
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Follows the job until it ends; never throws (a failing scheduler command is reported and, past its tries, ends the follow as a launcher error). */
export function followJob(launcher: ClusterLauncher, spec: JobFollowSpec): JobHandle {
  const log = followLog(spec.root, spec.logFile, spec.logOffset);
  // Held from now on, as the job script holds it (its cwd): the result is read where it was written, whatever is put at the folder's path later.
  const resultDir = hold(spec.root, dirname(spec.resultFile));
  if (resultDir && resultDir.unsafe.length > 0) spec.onUnsafe?.(resultDir.unsafe);
  log.listen({
    ...(spec.onProgress ? { onProgress: spec.onProgress } : {}),
    ...(spec.progressEveryMs ? { progressEveryMs: spec.progressEveryMs } : {}),
    ...(spec.onMetrics ? { onMetrics: spec.onMetrics } : {}),
  });
  // The job's current stretch of running, and the time it ran before it (a requeued job waiting in the queue is neither hung nor using its wall-clock time).
  let runningSince: number | null = spec.startedAtMs;
  let ranMs = 0;
  let running = false;
  let restarts = spec.restarts;
  let stoppedFor: LaunchResult['stoppedFor'] = null;
  let lastEntry: JobStatus | null = null;
  let end: (e: { entry: JobStatus | null; gaveUp?: string }) => void = () => undefined;
  const ended = new Promise<{ entry: JobStatus | null; gaveUp?: string }>((resolve) => (end = resolve));

  const cancel = async (how: 'warn' | 'end') => {
    try {
      await launcher.cancel(spec.jobId, how);
    } catch (err) {
      if (err instanceof LauncherCommandError) report(err, 1, 1, null);
    }
  };
  const report = (err: LauncherCommandError, attempt: number, tries: number, retryInMs: number | null, shared = false) =>
    spec.onCommandFailed({ command: err.command, argv: err.argv, exitCode: err.exitCode, message: err.message, try: attempt, tries, retryInMs, ...(shared ? { shared } : {}) });

  const stop = (reason: 'timeout' | 'hung' | 'killed') => {
    if (stoppedFor) return;
    stoppedFor = reason;
    // A job still waiting has no script to warn: it is cancelled at once.
    if (!running) return void cancel('end');
    void cancel('warn');
    setTimeout(() => void (lastEntry === null || launcher.active(lastEntry.state) ? cancel('end') : undefined), spec.graceMs).unref();
  };

  const unwatch = watchJob(launcher, spec.jobId, spec, (news) => {
    if (news.kind === 'failed') {
      // The listing of every job failed once: the first follower to hear of it records it, for all.
      if (news.claim()) report(news.error, news.try, news.tries, news.retryInMs, news.watchers > 1);
      if (news.retryInMs === null) {
        // Nothing may run on unwatched: a cancel is tried (the controller may answer that much).
        void cancel('end');
        end({ entry: lastEntry, gaveUp: news.error.message });
      }
      return;
    }
    const entry = news.entry;
    if (entry === null || !launcher.active(entry.state)) return end({ entry });
    // The scheduler counts every requeue (by hand, a preemption, a node failure) in the job's restart count: one event per count.
    if (entry.restarts > restarts) {
      restarts = entry.restarts;
      spec.onRequeued({ restarts, state: entry.state, reason: entry.reason });
    }
    if (entry.state !== lastEntry?.state || entry.reason !== lastEntry.reason) spec.onState?.(entry);
    const nowRunning = launcher.running(entry.state);
    if (nowRunning && runningSince === null) runningSince = Date.now();
    if (!nowRunning && running && runningSince !== null) {
      ranMs += Date.now() - runningSince;
      runningSince = null;
    }
    running = nowRunning;
    lastEntry = entry;
  });

  const tick = setInterval(() => {
    log.drain();
    if (!running || runningSince === null || stoppedFor) return;
    const now = Date.now();
    if (ranMs + now - runningSince > spec.wallMs) stop('timeout');
    else if (now - Math.max(log.lastOutputAt(), runningSince) > spec.noOutputMs) stop('hung');
  }, TICK_MS);

  const result = (async (): Promise<LaunchResult> => {
    const { entry, gaveUp } = await ended;
    unwatch();
    const name = basename(spec.resultFile);
    const read = () => (resultDir ? readResult(resultDir, name) : null);
    let record = read();
    for (let waited = 0; record === null && gaveUp === undefined && waited < RESULT_LAG_MS; waited += 250) {
      await sleep(250);
      record = read();
    }
    resultDir?.close();
    // Whatever was put at the folder's path meanwhile is removed (never followed) and reported.
    const after = hold(spec.root, dirname(spec.resultFile));
    if (after && after.unsafe.length > 0) spec.onUnsafe?.(after.unsafe);
    after?.close();
    clearInterval(tick);
    log.drain(true);
    const { lastMetrics, tail } = log.close();
    const details = gaveUp === undefined ? await endOf(launcher, spec.jobId) : null;
    const state = details?.state ?? entry?.state ?? null;
    const base: LaunchResult = {
      exitCode: record?.exitCode ?? details?.exitCode ?? null,
      signal: record ? record.signal : details?.signal ? signalName(details.signal) : null,
      durationMs: ranMs + (runningSince === null ? 0 : Date.now() - runningSince),
      stoppedFor,
      recorded: record !== null,
      neverStarted: false,
      spawnError: null,
      lastMetrics,
      tail,
      contained: true,
    };
    const endedBy = stoppedFor ? undefined : launcher.outcome(spec.jobId, state, details, record !== null, gaveUp);
    return endedBy ? { ...base, endedBy } : base;
  })();
  return { stop, result };
}

async function endOf(launcher: ClusterLauncher, jobId: string): Promise<JobEnd | null> {
  try {
    return await launcher.end(jobId);
  } catch {
    return null;
  }
}
