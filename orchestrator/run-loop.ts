/**
 * `autopilot loop`: wires the adapters into the machine, records every event through one recorder
 * (appended, projected, then delivered to the machine: see adapters/recorder.ts) and every state the
 * machine enters, and resumes an unfinished session by folding its events.
 */
import { createActor, type SnapshotFrom } from 'xstate';
import { catalogueCodec, isCatalogueType, type AutopilotEvent } from '../events/catalogue.js';
import { createRecorder, machineDelivery, storeAppender, type Recorder } from '../adapters/recorder.js';
import { openSqliteStore } from '../adapters/store/sqlite-store.js';
import { guardStore, type GuardedStore } from '../adapters/store-guard.js';
import { workspaceBlobs } from '../adapters/blob-files.js';
import { hasSnapshots, type StoredEvent } from '../events/store.js';
import type { LoopContext, LoopMachine } from '../machines/loop.machine.js';
import { machineFor, stateName } from '../machines/machine-for.js';
import { removeStaleTempFiles } from '../adapters/projection-cleanup.js';
import { ProjectionWriter } from '../adapters/projection-writer.js';
import { bootstrapActor } from '../adapters/actors/bootstrap.js';
import { proposeActor } from '../adapters/actors/propose.js';
import { validateActor } from '../adapters/actors/validate.js';
import { trainActor } from '../adapters/actors/train.js';
import { evaluateActor } from '../adapters/actors/evaluate.js';
import { journalActor } from '../adapters/actors/journal.js';
import { makeEvent, type ActorDeps, type LoopDeps } from '../adapters/actors/deps.js';
import { interruptedStepTrace } from './interrupted-trace.js';
import { endDeadEvalCommands } from './interrupted-evals.js';
import { replicationUnderWay } from './replication-line.js';
import { allowedPaths, lastRunId } from '../adapters/proposers/agent-run.js';
import { unsafeViolation } from '../adapters/actors/violations.js';
import { changedInputs } from '../adapters/inputs.js';
import { createProgressReporter } from './progress.js';
import { foldSession, restorableSnapshot } from './restore.js';
import { takeStopRequest } from './stop-request.js';
import { describeEvent, detailLines, eventJson } from './output.js';
import { escapeLines, escapeText } from '../domain/text/escape.js';
import { fmt } from '../domain/text/numbers.js';
import type { ProposerKindSetting } from '../domain/config/settings.js';
import { getPath } from '../domain/config/config.js';
import { pruneCheckpoints } from '../adapters/checkpoints.js';
import { headLine, headOf, type ChainHead } from '../events/anchor.js';
import { anchorContext, anchorHead } from './anchor.js';
import { ANCHOR_FILE } from '../events/anchor.js';
import { OwnWrites } from '../adapters/own-writes.js';
import { EXIT, prefixed } from '../domain/errors.js';
import type { Stream } from './console.js';
import { startLoop, type LoopStart } from './loop-start.js';
import { liveInspector, openLiveSink } from '../adapters/live-inspect.js';
import type { Mode } from '../domain/config/mode.js';
import { runCommitter, uncommittedRuns } from './run-commits.js';
import { inputPaths } from '../adapters/inputs.js';

/** Options of one `autopilot loop` invocation. */
export interface LoopRunOptions {
  workspace: string;
  runs?: number;
  mode?: Mode;
  /** The proposer of this invocation's session (default: autopilot.json proposer.kind). */
  proposer?: ProposerKindSetting;
  /** The root seed of a new session's built-in and random proposals (default: proposer.seed, the log's, or drawn). */
  seed?: number;
  /** Runs a new session keeps in flight (default: autopilot.json parallel, else one per listed GPU, else 1). */
  parallel?: number;
  json?: boolean;
  /** Where the loop's lines and live progress go (the CLI passes its own stdout). */
  out: Stream;
  /** Where problems go (the CLI passes its own stderr). */
  err: Stream;
  /** Force the live progress line on or off (default: when `out` is the process's stdout and that is a TTY). */
  tty?: boolean;
  /** Turn SIGINT/SIGTERM into stop requests (the CLI does; tests driving it in-process do not). */
  handleSignals?: boolean;
  /**
   * Accept the workspace inputs as they are on disk, recording why, where they differ from what the
   * unfinished session bound (otherwise such changes are violations and are put back).
   */
  acceptInputChanges?: string;
  /** Replaces some adapters (tests swap in a scripted proposer, say); the rest stay real. */
  actors?: (deps: ActorDeps) => Partial<LoopActors>;
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

/** Wires the real adapters into the loop machine for `k` runs in flight (default 1). */
export function provideAdapters(deps: ActorDeps, overrides: Partial<LoopActors> = {}, k = 1): LoopMachine {
  const actors: LoopActors = {
    bootstrap: bootstrapActor(deps),
    propose: proposeActor(deps),
    validate: validateActor(deps),
    train: trainActor(deps),
    evaluate: evaluateActor(deps),
    journal: journalActor(deps),
    ...overrides,
  };
  return machineFor(k).provide({ actors });
}

function nextSessionId(sessions: Iterable<string>): string {
  let max = 0;
  for (const s of sessions) max = Math.max(max, Number.parseInt(s, 10) || 0);
  return String(max + 1).padStart(4, '0');
}

/**
 * Runs the loop to completion (or halt) and returns the process exit code. What keeps a session from
 * starting is thrown as an AutopilotError (see loop-start.ts), for the CLI's runner to report.
 */
export async function runLoop(options: LoopRunOptions): Promise<number> {
  // Every line the loop prints is escaped here (the progress reporter escapes its own); messages keep the newlines they were built with.
  const out = (l: string) => options.out.write(`${escapeText(l)}\n`);
  const err = (l: string) => options.err.write(`${escapeLines(l)}\n`);
  const start = await startLoop(options, err);
  const { paths, settings, lock } = start;
  // Events larger than limits.max_event_bytes keep their data in blobs/, referenced by sha256.
  // Guarded: a log file deleted or replaced under the loop is written again from its connection (see store-guard.ts).
  const store = guardStore(paths.root, () => openSqliteStore(paths.events, catalogueCodec, { blobs: workspaceBlobs(paths), maxEventBytes: settings.limits.max_event_bytes }));
  try {
    return await drive({ ...start, options, store, out, err });
  } finally {
    store.close();
    lock.release();
  }
}

/** What `drive` runs a loop with: the invocation, the loaded workspace, and the open log and lock. */
interface DriveOptions extends LoopStart {
  options: LoopRunOptions;
  store: GuardedStore<AutopilotEvent>;
  out: (l: string) => void;
  err: (l: string) => void;
}

async function drive({ options, paths, settings, policy, containment, inputs, stoppedAgent, store, lock, out, err, parallel }: DriveOptions): Promise<number> {
  removeStaleTempFiles(paths.root);
  // What the loop writes is noted, so an agent proposing beside runs in flight is not blamed for it (agent-run.ts).
  const ownWrites = new OwnWrites(paths.root);
  const writer = new ProjectionWriter(paths.root, hasSnapshots(store) ? store : null, ownWrites);
  writer.catchUp(store);
  const unfinished = [...writer.view.sessions.values()].filter((s) => s.status === 'running').at(-1) ?? null;
  const deps: LoopDeps = {
    paths,
    settings,
    policy,
    options: {
      runs: options.runs ?? settings.runs,
      mode: options.mode ?? settings.mode,
      proposer: options.proposer ?? settings.proposer.kind,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(parallel.recorded ? { parallel: parallel.recorded } : {}),
    },
    newSession: nextSessionId(writer.view.sessions.keys()),
    history: () => writer.view,
    now: () => new Date(),
    containment,
    stoppedAgent,
    ownWrites,
  };
  // Only the process's own stdout can be a terminal: an injected stream gets plain lines, never the redrawn live line.
  const terminal = options.out === process.stdout ? process.stdout : null;
  const progress = createProgressReporter({
    mode: options.json ? 'json' : (options.tty ?? terminal?.isTTY === true) ? 'tty' : 'plain',
    write: (text) => options.out.write(text),
    metric: settings.metric.name,
    ...(terminal?.columns ? { columns: terminal.columns } : {}),
  });
  deps.onMetrics = (runId, metrics) => progress.update(runId, metrics);
  // --json prints the log's events only.
  if (!options.json) deps.onNote = (runId, text) => progress.line(`run ${runId}: ${text}`);
  let fatal: Error | null = null;
  // The head hash goes outside the log at each journal step and at the end (see orchestrator/anchor.ts).
  const anchors = anchorContext(paths.root, deps.now, err);
  let head: ChainHead | null = headOf(store);
  const anchorNow = () => {
    if (!head) return;
    anchorHead(anchors, head);
    ownWrites.noteFile(ANCHOR_FILE);
  };

  const print = (stored: StoredEvent<AutopilotEvent>) => {
    if (options.json) return progress.line(eventJson(stored));
    // The live progress line shows training progress; RunProgress stays in the log only.
    if (stored.event.type === 'RunProgress') return;
    if (stored.event.type === 'RunFinished' || stored.event.type === 'RunFailed') progress.finish(stored.event.data.runId);
    const line = describeEvent(stored.event);
    if (line) progress.line(line);
    for (const detail of detailLines(stored.event)) progress.line(detail);
  };
  // Every event goes through one recorder: appended (one transaction), projected, then delivered to the machine (see adapters/recorder.ts).
  // A resumed session runs as many runs at once as it recorded; a new one as resolved (loop-parallel.ts).
  const k = unfinished ? (unfinished.parallel ?? 1) : (parallel.recorded?.k ?? 1);
  const handledTypes = machineFor(k).events;
  const delivery = machineDelivery(handledTypes);
  // The event a macrostep runs on: a state entered on the machine's own internal event (a slotted loop's slots all done) is recorded on it.
  const handled = new Set<string>(handledTypes);
  let lastDelivered: string | null = null;
  const appendOne = storeAppender(store);
  const recorder = createRecorder({
    append: (event) => {
      recordStoreFiles(event);
      return appendOne(event);
    },
    project: (stored) => {
      const event = stored.event;
      writer.apply(stored);
      head = { seq: stored.seq, hash: stored.hash };
      print(stored);
      recordUnsafe(event);
      if (event.type === 'JournalWritten') {
        afterJournal(event.data.runId);
        anchorNow();
        commits?.journaled(event.data.runId, stored.hash);
      }
      // The machine started in bootstrap before it had a session: that entry is recorded once the session is.
      if (event.type === 'LoopStarted') recordEntry('bootstrap', 'LoopStarted');
    },
    deliver: (event) => {
      if (handled.has(event.type)) lastDelivered = event.type;
      delivery.deliver(event);
    },
  });
  const persist = (event: AutopilotEvent): void => recorder.record(event);
  // Each journaled run becomes a git commit when git.enabled (see run-commits.ts); what git did is recorded, never fatal.
  const commits = runCommitter({ root: paths.root, settings, inputs: inputPaths(paths, settings), view: () => writer.view, record: (e) => loopRecorder.record(e), now: deps.now });
  // What the actors, stop requests and state entries record: the first failure to record ends the loop, and nothing is recorded after it.
  let endNow = (): void => undefined;
  const guarded = (f: () => void): void => {
    if (fatal) return;
    try {
      f();
    } catch (e) {
      fatal = e as Error;
      endNow();
    }
  };
  const loopRecorder: Recorder = { record: (event) => guarded(() => persist(event)) };
  const actorDeps: ActorDeps = { ...deps, recorder: loopRecorder };
  const machine = provideAdapters(actorDeps, options.actors?.(actorDeps), k);
  // The log's and the lock's files, deleted or replaced since the last append (by an agent, say), are put back first and recorded.
  const recordStoreFiles = (before: AutopilotEvent) => {
    const found = [...store.checkFiles(), ...lock.checkFiles()];
    if (found.length === 0) return;
    const runId = (before.data as { runId?: unknown }).runId;
    const changed = found.map(({ path, change, kind, target, restored, note }) => ({ path, change, restored, ...(kind ? { kind } : {}), ...(target !== undefined ? { target } : {}), note }));
    persist(
      makeEvent(
        'GuardrailViolation',
        { ...(typeof runId === 'string' ? { runId } : {}), source: 'workspace', paths: changed, action: found.every((f) => f.restored) ? 'reverted' : 'detected' },
        before.metadata.session,
      ),
    );
  };
  // A link or FIFO met where projections are written was removed (never followed): that is recorded too.
  const recordUnsafe = (after: AutopilotEvent) => {
    const unsafe = writer.takeUnsafe();
    const runId = (after.data as { runId?: unknown }).runId;
    const e = unsafeViolation(after.metadata.session, new Date(), 'workspace', unsafe, typeof runId === 'string' ? { runId } : {}, 'where a projection is written');
    if (e) persist(e);
  };
  // Checkpoints are pruned only once the run is journaled, and the pruning is itself recorded.
  const afterJournal = (runId: string) => {
    // A run's own save_strategy, else the workspace's checkpoints.keep.
    const strategy = getPath(writer.view.runs.get(runId)?.accepted?.config ?? {}, 'autopilot.save_strategy') ?? settings.checkpoints.keep;
    if (strategy !== 'latest' && strategy !== 'best') return;
    const { removed, kept } = pruneCheckpoints(paths.root, writer.view, strategy);
    persist(makeEvent('CheckpointsPruned', { runId, strategy, removed, kept }, event0Session(runId)));
  };
  const event0Session = (runId: string) => writer.view.runs.get(runId)?.session ?? deps.newSession;
  // What the resume check did to the bound inputs is recorded before anything else of the session.
  if (inputs && 'accepted' in inputs) persist(makeEvent('InputsAccepted', { files: inputs.accepted, why: inputs.why, by: 'loop --accept-input-changes' }, inputs.session));
  else if (inputs) {
    const current = [...writer.view.runs.values()].filter((r) => r.session === inputs.session && r.journal === null).at(-1)?.runId;
    persist(
      makeEvent(
        'GuardrailViolation',
        { ...(current ? { runId: current } : {}), source: 'inputs', paths: inputs.reverted, action: inputs.reverted.every((p) => p.restored) ? 'reverted' : 'detected' },
        inputs.session,
      ),
    );
  }
  // What the interrupted agent step changed besides the inputs cannot be put back (its snapshot died with the loop): it is named.
  const trace = stoppedAgent ? interruptedStepTrace(paths.root, stoppedAgent, [...allowedPaths(deps, lastRunId(deps)), ...writer.view.inputs.keys()]) : null;
  if (trace) {
    persist(makeEvent('GuardrailViolation', trace, event0Session(trace.runId ?? '')));
  }
  // An `eval` killed while it ran: its evaluators are stopped before the session's trainers start, and its evaluation ended.
  for (const line of await endDeadEvalCommands(paths.root, settings, writer.view, persist)) if (!options.json) out(line);
  // A new session binds the inputs as they are; where they differ from the last binding, say so (not a violation).
  if (!unfinished) {
    const changes = changedInputs(paths.root, writer.view.inputs, settings.secrets.record);
    if (changes.length > 0 && !options.json) out(`inputs changed since the last session: ${changes.map((c) => c.bound.path).join(', ')} (this session binds them as they are)`);
  }

  let session: string;
  let restored: SnapshotFrom<LoopMachine> | undefined;
  if (unfinished) {
    session = unfinished.session;
    if (options.proposer && options.proposer !== unfinished.proposer)
      err(prefixed(`session ${session} resumes with its recorded proposer ${unfinished.proposer}; --proposer ${options.proposer} applies to new sessions`));
    if (options.seed !== undefined && options.seed !== unfinished.proposerSeed)
      err(prefixed(`session ${session} resumes with its recorded proposer seed ${unfinished.proposerSeed ?? '(none: early log)'}; --seed ${options.seed} applies to new sessions`));
    if (options.parallel !== undefined && options.parallel !== (unfinished.parallel ?? 1))
      err(prefixed(`session ${session} resumes with its recorded ${unfinished.parallel ?? 1} run(s) in flight; --parallel ${options.parallel} applies to new sessions`));
    restored = foldSession(machine, store, session, unfinished.firstSeq);
  } else session = deps.newSession;

  // A slotted loop's states are named `slot2.train`: each slot's `from` is the state that slot left.
  const previous = new Map<string, string | null>();
  const regionOf = (state: string) => (/^slot\d+\./.test(state) ? state.slice(0, state.indexOf('.')) : '');
  if (restored) for (const [region, state] of currentStates(restored.value)) previous.set(region, state);
  function recordEntry(to: string, cause: string): void {
    const region = regionOf(to);
    persist(makeEvent('StateEntered', { from: previous.get(region) ?? (region === '' ? null : (previous.get('') ?? null)), to, event: cause }, session));
    previous.set(region, to);
    // The slots live in the loop's `running` state: what the loop enters after them, it enters from there.
    if (region !== '') previous.set('', 'running');
  }

  // What the actor does streams to logs/inspect-<session>.ndjson for the inspector (a live view: off on any error, never failing the loop).
  const live = openLiveSink(paths.root, session);
  const inspect = liveInspector(live);
  const actor = createActor(machine, restored ? { snapshot: restorableSnapshot(machine, restored), inspect } : { inspect });
  // Every state the machine enters after its start (a reentry too) is recorded where it happens, before the state's actor runs.
  actor.on('entered', (notice) =>
    guarded(() => {
      // A restore's reentries are not recorded (no event was delivered yet); an internal event's, on the event its macrostep runs on.
      const cause = isCatalogueType(notice.cause) ? notice.cause : notice.cause.startsWith('xstate.done.') ? lastDelivered : null;
      if (cause !== null) recordEntry(notice.state, cause);
    }),
  );

  if (lock.takenOverFrom !== undefined) persist(makeEvent('LockTakenOver', { previousPid: lock.takenOverFrom, pid: process.pid, path: paths.lock }, session));
  if (restored && restored.status === 'active') persist(makeEvent('LoopResumed', { session, pid: process.pid, state: stateName(restored.value) }, session));
  if (unfinished) commits?.recover(uncommittedRuns(store, writer.view, session));

  const finished = new Promise<SnapshotFrom<LoopMachine>>((resolve) => {
    const check = (s: SnapshotFrom<LoopMachine>) => {
      if (s.status !== 'active' || fatal) resolve(s);
    };
    actor.subscribe({ next: check, error: () => resolve(actor.getSnapshot()) });
    endNow = () => resolve(actor.getSnapshot());
  });

  // Kill switch: a STOP file (first line "now" stops at once; see stop-file.ts) and SIGINT/SIGTERM (twice: at once).
  let stopSent: 'after' | 'now' | null = null;
  const requestStop = (reason: string, now: boolean) => {
    if (stopSent === 'now' || (stopSent === 'after' && !now)) return;
    stopSent = now ? 'now' : 'after';
    loopRecorder.record(makeEvent('StopRequested', { reason, now }, session));
  };
  const poll = setInterval(() => {
    if (fatal) return actor.stop();
    // Read as an untrusted file: a FIFO or a link put there must not block or redirect the loop.
    const request = takeStopRequest(paths.root, paths.stopFile);
    if (request) requestStop(request.reason, request.now);
  }, 500);
  const onSignal = (signal: NodeJS.Signals) => requestStop(signal, stopSent !== null);
  // SIGHUP (the terminal closed, the ssh session dropped) does not end an overnight loop: it goes on as
  // under nohup — which cannot do it for Node, since Node resets an ignored SIGHUP at start-up — its
  // lines going nowhere (bin/autopilot.js drops EIO and EPIPE), its log complete. A stop is asked for
  // by name (autopilot stop, SIGINT, SIGTERM), not by losing a terminal; the trainers ignore it too.
  const onHangup = () => err(prefixed('SIGHUP (terminal gone): the loop goes on; autopilot stop ends it'));
  if (options.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onHangup);
  }

  delivery.attach(actor);
  actor.start();
  const final = await finished;
  await commits?.drain();
  live.close();
  clearInterval(poll);
  progress.done();
  if (options.handleSignals) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onHangup);
  }
  const ctx: LoopContext = final.context;
  if (fatal || final.status === 'error') {
    actor.stop();
    const reason = fatal ? (fatal as Error).message : `internal error: ${String((final as { error?: unknown }).error)}`;
    err(prefixed(`the loop stopped on an error: ${reason}`));
    if (!fatal) persistQuietly(() => persist(makeEvent('LoopHalted', { reason, runsCompleted: ctx.runsCompleted }, session)));
    anchorNow();
    return EXIT.failed;
  }
  if (final.value === 'done') {
    persist(makeEvent('LoopCompleted', { runsCompleted: ctx.runsCompleted, incumbent: ctx.incumbent?.runId ?? null }, session));
  } else {
    persist(makeEvent('LoopHalted', { reason: ctx.haltReason ?? 'halted', runsCompleted: ctx.runsCompleted }, session));
  }
  anchorNow();
  if (!options.json) {
    const inc = writer.view.incumbent;
    out('');
    out(inc ? `incumbent: run ${inc.ref.runId} with ${inc.ref.metric} ${fmt(inc.ref.mean)} (n=${inc.ref.n})` : 'incumbent: none yet');
    const underWay = replicationUnderWay(writer.view);
    if (underWay) out(underWay);
    out(`look at: ${paths.root}/journal/labbook.md, ${paths.root}/runs/<id>/, runs/best.json, 'autopilot events'`);
    if (head) out(headLine(head));
  }
  // A halted night never looks like a finished one: the reason is the last thing said, and the exit is 1.
  if (final.value !== 'done') err(prefixed(`loop halted: ${ctx.haltReason ?? 'halted'}`));
  return final.value === 'done' ? EXIT.ok : EXIT.failed;
}

/** The state each region of `value` is in (`''`: the loop's own), named as StateEntered names them. */
function currentStates(value: unknown): [string, string][] {
  if (typeof value === 'string') return [['', value]];
  const running = (value as { running?: Record<string, string> }).running ?? {};
  return [['', 'running'], ...Object.entries(running).map(([slot, state]): [string, string] => [slot, `${slot}.${state}`])];
}

function persistQuietly(f: () => void): void {
  try {
    f();
  } catch {
    // already failing; the next start resumes from the log
  }
}
