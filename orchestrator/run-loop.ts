/**
 * `autopilot loop`: wires the adapters into the machine, persists every catalogue event the
 * machine receives (before it is processed) and every state change, keeps the projections in
 * step, and resumes an unfinished session by folding its events.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createActor, type InspectionEvent, type SnapshotFrom } from 'xstate';
import { catalogueCodec, isCatalogueType, streamOf, type AutopilotEvent } from '../events/catalogue.js';
import { openSqliteStore } from '../events/sqlite-store.js';
import { workspaceBlobs } from '../adapters/blob-files.js';
import { hasSnapshots, type EventStore, type StoredEvent } from '../events/store.js';
import { loopMachine, type LoopContext, type LoopMachine } from '../machines/loop.machine.js';
import { removeStaleTempFiles } from '../projections/cleanup.js';
import { ProjectionWriter } from '../projections/writer.js';
import { acquireLock, LockHeldError, type Lock } from '../adapters/lock.js';
import { bootstrapActor } from '../adapters/actors/bootstrap.js';
import { proposeActor } from '../adapters/actors/propose.js';
import { validateActor } from '../adapters/actors/validate.js';
import { trainActor } from '../adapters/actors/train.js';
import { evaluateActor } from '../adapters/actors/evaluate.js';
import { journalActor } from '../adapters/actors/journal.js';
import { makeEvent, type LoopDeps } from '../adapters/actors/deps.js';
import { createProgressReporter } from './progress.js';
import { foldSession, restorableSnapshot } from './restore.js';
import { parseStopFile } from './stop-file.js';
import { describeEvent, eventJson } from './output.js';
import { assertWorkspace, loadPolicy, loadSettings, WorkspaceError, workspacePaths } from './workspace.js';
import { fmt } from '../domain/numbers.js';
import type { ProposerKindSetting } from '../domain/settings.js';
import { getPath } from '../domain/config.js';
import { pruneCheckpoints } from '../adapters/checkpoints.js';

/** Options of one `autopilot loop` invocation. */
export interface LoopRunOptions {
  workspace: string;
  runs?: number;
  mode?: 'quick' | 'full';
  /** The proposer of this invocation's session (default: autopilot.json proposer.kind). */
  proposer?: ProposerKindSetting;
  json?: boolean;
  /** Where lines go (stdout by default). */
  out?: (line: string) => void;
  /** Where problems go (stderr by default). */
  err?: (line: string) => void;
  /** Force the live progress line on or off (default: when stdout is a TTY). */
  tty?: boolean;
  /** Turn SIGINT/SIGTERM into stop requests (the CLI does; tests driving it in-process do not). */
  handleSignals?: boolean;
  /** Replaces some adapters (tests swap in a scripted proposer, say); the rest stay real. */
  actors?: (deps: LoopDeps) => Partial<LoopActors>;
}

/** The actors the loop machine invokes. */
export type LoopActors = {
  bootstrap: ReturnType<typeof bootstrapActor>;
  propose: ReturnType<typeof proposeActor>;
  validate: ReturnType<typeof validateActor>;
  train: ReturnType<typeof trainActor>;
  evaluate: ReturnType<typeof evaluateActor>;
  journal: ReturnType<typeof journalActor>;
};

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Wires the real adapters into the loop machine. */
export function provideAdapters(deps: LoopDeps, overrides: Partial<LoopActors> = {}): LoopMachine {
  const actors: LoopActors = {
    bootstrap: bootstrapActor(deps),
    propose: proposeActor(deps),
    validate: validateActor(deps),
    train: trainActor(deps),
    evaluate: evaluateActor(deps),
    journal: journalActor(deps),
    ...overrides,
  };
  return loopMachine.provide({ actors });
}

function nextSessionId(sessions: Iterable<string>): string {
  let max = 0;
  for (const s of sessions) max = Math.max(max, Number.parseInt(s, 10) || 0);
  return String(max + 1).padStart(4, '0');
}

/** Runs the loop to completion (or halt) and returns the process exit code. */
export async function runLoop(options: LoopRunOptions): Promise<number> {
  const out = options.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const err = options.err ?? ((l: string) => process.stderr.write(`${l}\n`));
  const paths = workspacePaths(options.workspace);
  let settings;
  let policy;
  try {
    assertWorkspace(paths);
    settings = loadSettings(paths);
    policy = loadPolicy(paths);
    if (options.proposer === 'command' && !settings.proposer.command)
      throw new WorkspaceError('--proposer command needs proposer.command.argv in autopilot.json (the executable to run)');
  } catch (e) {
    if (e instanceof WorkspaceError) {
      err(`autopilot: ${e.message}`);
      return EXIT.usage;
    }
    throw e;
  }

  let lock: Lock;
  try {
    lock = acquireLock(paths.lock);
  } catch (e) {
    if (e instanceof LockHeldError) {
      err(`autopilot: ${e.message}`);
      return EXIT.failed;
    }
    throw e;
  }
  // Events larger than limits.max_event_bytes keep their data in blobs/, referenced by sha256.
  const store = openSqliteStore(paths.events, catalogueCodec, { blobs: workspaceBlobs(paths), maxEventBytes: settings.limits.max_event_bytes });
  try {
    return await drive(options, paths, settings, policy, store, lock, out, err);
  } finally {
    store.close();
    lock.release();
  }
}

async function drive(
  options: LoopRunOptions,
  paths: ReturnType<typeof workspacePaths>,
  settings: ReturnType<typeof loadSettings>,
  policy: ReturnType<typeof loadPolicy>,
  store: EventStore<AutopilotEvent>,
  lock: Lock,
  out: (l: string) => void,
  err: (l: string) => void,
): Promise<number> {
  removeStaleTempFiles(paths.root);
  const writer = new ProjectionWriter(paths.root, hasSnapshots(store) ? store : null);
  writer.catchUp(store);
  const unfinished = [...writer.view.sessions.values()].filter((s) => s.status === 'running').at(-1) ?? null;
  const deps: LoopDeps = {
    paths,
    settings,
    policy,
    options: { runs: options.runs ?? settings.runs, mode: options.mode ?? settings.mode, proposer: options.proposer ?? settings.proposer.kind },
    newSession: nextSessionId(writer.view.sessions.keys()),
    history: () => writer.view,
    now: () => new Date(),
  };
  const progress = createProgressReporter({
    mode: options.json ? 'json' : (options.tty ?? process.stdout.isTTY) ? 'tty' : 'plain',
    write: (text) => (options.out ? options.out(text.replace(/\n$/, '')) : process.stdout.write(text)),
    metric: settings.metric.name,
    ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
  });
  deps.onMetrics = (runId, metrics) => progress.update(runId, metrics);
  const machine = provideAdapters(deps, options.actors?.(deps));
  const versions = new Map<string, number>();
  let fatal: Error | null = null;

  const print = (stored: StoredEvent<AutopilotEvent>) => {
    if (options.json) return progress.line(eventJson(stored));
    // The live progress line shows training progress; RunProgress stays in the log only.
    if (stored.event.type === 'RunProgress') return;
    if (stored.event.type === 'RunFinished' || stored.event.type === 'RunFailed') progress.finish(stored.event.data.runId);
    const line = describeEvent(stored.event);
    if (line) progress.line(line);
  };
  const persist = (event: AutopilotEvent): void => {
    const stream = streamOf(event);
    const expected = versions.get(stream) ?? store.streamVersion(stream);
    const result = store.append(stream, [event], { expectedVersion: expected });
    versions.set(stream, result.nextExpectedVersion);
    const [stored] = store.readStream(stream, { fromPosition: result.nextExpectedVersion });
    if (!stored) throw new Error(`event ${result.lastSeq} vanished after its append`);
    writer.apply(stored);
    print(stored);
    if (event.type === 'JournalWritten') afterJournal(event.data.runId);
  };
  // Checkpoints are pruned only once the run is journaled, and the pruning is itself recorded.
  const afterJournal = (runId: string) => {
    const strategy = getPath(writer.view.runs.get(runId)?.accepted?.config ?? {}, 'autopilot.save_strategy');
    if (strategy !== 'latest' && strategy !== 'best') return;
    const { removed, kept } = pruneCheckpoints(paths.root, writer.view, strategy);
    persist(makeEvent('CheckpointsPruned', { runId, strategy, removed, kept }, event0Session(runId)));
  };
  const event0Session = (runId: string) => writer.view.runs.get(runId)?.session ?? deps.newSession;

  let session: string;
  let restored: SnapshotFrom<LoopMachine> | undefined;
  if (unfinished) {
    session = unfinished.session;
    if (options.proposer && options.proposer !== unfinished.proposer)
      err(`autopilot: session ${session} resumes with its recorded proposer ${unfinished.proposer}; --proposer ${options.proposer} applies to new sessions`);
    restored = foldSession(machine, store, session, unfinished.firstSeq);
  } else session = deps.newSession;

  let previous: string | null = restored ? String(restored.value) : null;
  let actorRef: { sessionId: string } | null = null;
  const inspect = (ie: InspectionEvent) => {
    if (fatal || !actorRef || ie.actorRef.sessionId !== actorRef.sessionId) return;
    try {
      if (ie.type === '@xstate.event' && isCatalogueType(ie.event.type)) {
        persist(ie.event as AutopilotEvent);
        if (ie.event.type === 'LoopStarted') {
          persist(makeEvent('StateEntered', { from: null, to: 'bootstrap', event: 'LoopStarted' }, session));
          previous = 'bootstrap';
        }
      } else if (ie.type === '@xstate.microstep' && ie._transitions.some((t) => t.target && t.target.length > 0)) {
        const to = String((ie.snapshot as SnapshotFrom<LoopMachine>).value);
        persist(makeEvent('StateEntered', { from: previous, to, event: ie.event.type }, session));
        previous = to;
      }
    } catch (e) {
      fatal = e as Error;
    }
  };

  const actor = restored
    ? createActor(machine, { snapshot: restorableSnapshot(machine, restored) as never, inspect })
    : createActor(machine, { inspect });
  actorRef = actor;

  if (lock.takenOverFrom !== undefined)
    persist(makeEvent('LockTakenOver', { previousPid: lock.takenOverFrom, pid: process.pid, path: paths.lock }, session));
  if (restored && restored.status === 'active')
    persist(makeEvent('LoopResumed', { session, pid: process.pid, state: String(restored.value) }, session));

  const finished = new Promise<SnapshotFrom<LoopMachine>>((resolve) => {
    const check = (s: SnapshotFrom<LoopMachine>) => {
      if (s.status !== 'active' || fatal) resolve(s);
    };
    actor.subscribe({ next: check, error: () => resolve(actor.getSnapshot()) });
  });

  // Kill switch: a STOP file (first line "now" stops at once; see stop-file.ts) and SIGINT/SIGTERM (twice: at once).
  let stopSent: 'after' | 'now' | null = null;
  const requestStop = (reason: string, now: boolean) => {
    if (stopSent === 'now' || (stopSent === 'after' && !now)) return;
    stopSent = now ? 'now' : 'after';
    actor.send(makeEvent('StopRequested', { reason, now }, session));
  };
  const poll = setInterval(() => {
    if (fatal) return actor.stop();
    if (!existsSync(paths.stopFile)) return;
    let content: string;
    try {
      content = readFileSync(paths.stopFile, 'utf8');
    } catch {
      content = '';
    }
    rmSync(paths.stopFile, { force: true });
    const request = parseStopFile(content);
    requestStop(request.reason, request.now);
  }, 500);
  const onSignal = (signal: NodeJS.Signals) => requestStop(signal, stopSent !== null);
  if (options.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  actor.start();
  const final = await finished;
  clearInterval(poll);
  progress.done();
  if (options.handleSignals) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const ctx: LoopContext = final.context;
  if (fatal || final.status === 'error') {
    actor.stop();
    const reason = fatal ? (fatal as Error).message : `internal error: ${String((final as { error?: unknown }).error)}`;
    err(`autopilot: the loop stopped on an error: ${reason}`);
    if (!fatal) persistQuietly(() => persist(makeEvent('LoopHalted', { reason, runsCompleted: ctx.runsCompleted }, session)));
    return EXIT.failed;
  }
  if (final.value === 'done') {
    persist(makeEvent('LoopCompleted', { runsCompleted: ctx.runsCompleted, incumbent: ctx.incumbent?.runId ?? null }, session));
  } else {
    persist(makeEvent('LoopHalted', { reason: ctx.haltReason ?? 'halted', runsCompleted: ctx.runsCompleted }, session));
  }
  if (!options.json) {
    const inc = writer.view.incumbent;
    out('');
    out(inc ? `incumbent: run ${inc.ref.runId} with ${inc.ref.metric} ${fmt(inc.ref.mean)} (n=${inc.ref.n})` : 'incumbent: none yet');
    out(`look at: ${paths.root}/journal/labbook.md, ${paths.root}/runs/<id>/, runs/best.json, 'autopilot events'`);
  }
  return final.value === 'done' ? EXIT.ok : EXIT.failed;
}

function persistQuietly(f: () => void): void {
  try {
    f();
  } catch {
    // already failing; the next start resumes from the log
  }
}
