/**
 * `autopilot stop [--now]`: the kill switch from a second process. Writes the workspace's STOP
 * file (first line `now` with --now; see orchestrator/stop-file.ts), then waits for the loop that
 * holds the workspace lock to exit, saying what it waits for. Exit 0 when the loop ended, 1 when
 * no loop was running (the STOP file is taken back) or it did not end in time (the file stays).
 */
import { readConfined, removeConfined, writeConfined } from '../adapters/fs/confined.js';
import { processAlive } from '../adapters/launcher/process-group.js';
import { liveHolder } from '../adapters/lock.js';
import { foldView, type WorkspaceView } from '../projections/view.js';
import { formatStopFile } from '../orchestrator/stop-file.js';
import { assertWorkspace, workspacePaths, type WorkspacePaths } from '../adapters/workspace.js';
import { printJson, printLine } from '../orchestrator/console.js';
import { EXIT } from '../domain/errors.js';
import { openReader } from './open-store.js';
import type { CliIo } from './io.js';
import { STOP_WAIT_SECONDS } from './stop-wait.js';

/** Options of `autopilot stop`. */
export interface StopOptions {
  workspace: string;
  now?: boolean;
  json?: boolean;
  /** Seconds to wait for the loop to exit (default 120). */
  wait?: number;
}

const POLL_MS = 200;
const REPORT_EVERY_MS = 10_000;

/** Whether the STOP file still holds exactly `text` (read as an untrusted file). */
function stopFileHolds(paths: WorkspacePaths, text: string): boolean {
  const read = readConfined(paths.root, paths.stopFile, 4096);
  return read.kind === 'file' && read.bytes.toString('utf8') === text;
}

/** The log folded read-only (null when there is none or it cannot be read right now). */
function readView(workspace: string): WorkspaceView | null {
  try {
    const { store } = openReader(workspace);
    if (!store) return null;
    try {
      return foldView(store.readAll());
    } finally {
      store.close();
    }
  } catch {
    return null;
  }
}

/** What the running loop is doing, in words: its session, state and the launch in flight. */
function describeLoop(view: WorkspaceView | null, pid: number): string {
  const session = view ? [...view.sessions.values()].filter((s) => s.status === 'running').at(-1) : undefined;
  if (!session) return `the loop (pid ${pid})`;
  const run = [...(view?.runs.values() ?? [])].filter((r) => r.session === session.session && r.journal === null).at(-1);
  const launch = run?.launches.at(-1);
  const doing =
    run && launch?.outcome === 'running'
      ? `, training run ${run.runId} (attempt ${launch.attempt}, trainer pid ${launch.pid})`
      : run
        ? `, on run ${run.runId} (${session.state ?? 'starting'})`
        : session.state
          ? ` (${session.state})`
          : '';
  return `loop ${session.session} (pid ${pid})${doing}`;
}

/** Runs `stop`; resolves to the exit code. */
export async function stopCommand(o: StopOptions, io: CliIo): Promise<number> {
  const paths = workspacePaths(o.workspace);
  assertWorkspace(paths);
  const now = o.now === true;
  const waitMs = (o.wait ?? STOP_WAIT_SECONDS) * 1000;
  const out = (human: string, json: Record<string, unknown>) => (o.json ? printJson(json, io.out) : printLine(human, io.out));

  const text = formatStopFile(now, `autopilot stop${now ? ' --now' : ''} (pid ${process.pid})`);
  writeConfined(paths.root, paths.stopFile, text);
  const pid = liveHolder(paths.lock)?.pid ?? null;
  if (pid === null) {
    // Nobody would read it; left behind, it would stop the next loop at once.
    if (stopFileHolds(paths, text)) removeConfined(paths.root, paths.stopFile);
    out(`no loop is running on ${paths.root} (no live process holds ${paths.lock}); nothing to stop`, {
      stopped: false,
      running: false,
      workspace: paths.root,
    });
    return EXIT.failed;
  }

  const what = now ? 'kill the running trainer and halt' : 'halt after the current run';
  out(`asked ${describeLoop(readView(o.workspace), pid)} to ${what}; waiting for it to exit (up to ${Math.round(waitMs / 1000)}s)`, {
    waiting: true,
    pid,
    now,
    workspace: paths.root,
  });
  const started = Date.now();
  let reported = started;
  for (;;) {
    if (!processAlive(pid) || liveHolder(paths.lock)?.pid !== pid) break;
    if (Date.now() - started >= waitMs) {
      const read = readConfined(paths.root, paths.stopFile, 4096).kind === 'missing';
      out(
        `${describeLoop(readView(o.workspace), pid)} is still running after ${Math.round(waitMs / 1000)}s; ${
          read ? 'it has read the stop request' : `the STOP file stays in place, so it stops when it next looks`
        }`,
        { stopped: false, running: true, pid, stopRead: read, workspace: paths.root },
      );
      return EXIT.failed;
    }
    if (Date.now() - reported >= REPORT_EVERY_MS) {
      reported = Date.now();
      out(`still waiting for ${describeLoop(readView(o.workspace), pid)} to ${what}`, { waiting: true, pid, now, elapsedMs: reported - started });
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }

  // A loop that ended without reading the request (it finished first) must not leave it for the next one.
  if (stopFileHolds(paths, text)) removeConfined(paths.root, paths.stopFile);
  // The loop is gone: say how its last session ended, from the log.
  const view = readView(o.workspace);
  const last = view ? [...view.sessions.values()].at(-1) : undefined;
  const ended = last
    ? last.status === 'halted'
      ? `loop ${last.session} halted: ${last.haltReason ?? 'no reason recorded'}`
      : last.status === 'completed'
        ? `loop ${last.session} completed`
        : `loop ${last.session} exited without recording its end (it resumes on the next autopilot loop)`
    : 'the loop exited';
  out(`stopped: ${ended}`, {
    stopped: true,
    pid,
    session: last?.session ?? null,
    status: last?.status ?? null,
    reason: last?.haltReason ?? null,
    workspace: paths.root,
  });
  return EXIT.ok;
}
