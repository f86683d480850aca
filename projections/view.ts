/**
 * The workspace view: a pure fold of the whole event log into what the projection files show.
 * `evolveView(view, stored)` never performs I/O, so a rebuild from the log is exact.
 */
import type { ErrorControl } from '../domain/judging/error-control.js';
import type { AutopilotEvent, DataOf, IncumbentRef, InputFile } from '../events/catalogue.js';
import type { StoredEvent } from '../events/store.js';
import { assertNever } from '../domain/assert-never.js';
import type { Mode } from '../domain/config/mode.js';
import type { FallbackFacts, LabbookEntry } from './labbook-entry.js';
import { enteredStateName } from '../machines/state-name.js';
import { applyIndexed, applyPruned, finalCheckpoint, indexedNames, type CheckpointIndexView, type CheckpointRef } from './checkpoint-index.js';
import { evolveEvaluations, type EvaluationView } from './evaluations.js';

/** One proposal the proposer made for a run, and what became of it. */
export interface ProposalView {
  attempt: number;
  proposer: string;
  seed: number | null;
  overrides: unknown;
  rationale: string;
  hypothesis: string;
  receivedAt: string;
  seq: number;
  result: 'pending' | 'accepted' | 'rejected';
  errors: DataOf<'ProposalRejected'>['errors'];
  /** Errors beyond `limits.max_problems`, counted but not kept (0: none). */
  omitted: number;
}

/** One launch of a run's trainer. */
export interface LaunchView {
  attempt: number;
  /** The supervisor's pid (null for a Slurm job). */
  pid: number | null;
  /** The Slurm job id (launcher slurm). */
  jobId?: string;
  argv: string[];
  cwd: string;
  seed: number | null;
  logPath: string;
  startedAt: string;
  endedAt: string | null;
  outcome: 'running' | 'finished' | 'failed';
  exitCode: number | null;
  signal: string | null;
  reason: string | null;
  durationMs: number | null;
  message: string | null;
  /** Where the attempt's output starts in its log (RunStarted's logOffset). */
  logOffset?: number;
  /** The tracker run the attempt logged to, as its trainer printed it (TrackerRunLinked). */
  tracker?: { tracker: 'wandb' | 'neptune'; url: string };
}

/** Everything the log says about one run. */
export interface RunView {
  runId: string;
  index: number;
  session: string;
  kind: 'baseline' | 'proposal' | 'replicate';
  /** The run a replicate repeats (null for other runs). */
  parent: string | null;
  mode: Mode;
  /** The slot it ran in, when several runs were in flight (absent: one at a time). */
  slot?: number;
  plannedAt: string;
  proposals: ProposalView[];
  proposalFailures: { attempt: number; proposer: string; message: string; at: string; reason?: string }[];
  violations: (DataOf<'GuardrailViolation'> & { at: string })[];
  accepted: (DataOf<'ProposalAccepted'> & { at: string }) | null;
  launches: LaunchView[];
  /** A launch that never got a pid (launch error) is recorded here. */
  failures: (DataOf<'RunFailed'> & { at: string })[];
  finished: (DataOf<'RunFinished'> & { at: string }) | null;
  evaluation: (DataOf<'RunEvaluated'> & { at: string }) | null;
  journal: (DataOf<'JournalWritten'> & { at: string }) | null;
  progress: DataOf<'RunProgress'>['metrics'] | null;
  /** Its session ended (halted or completed) before the run was journaled. */
  interrupted: boolean;
  /** Its checkpoints as last indexed (CheckpointsIndexed), less those pruned since. */
  checkpointIndex?: CheckpointIndexView;
  /** The last rollback that made it the incumbent again: when, by whom, why (absent: none). */
  rolledBack?: { at: string; by: string; why: string };
}

/** A loop session as the log tells it. */
export interface SessionView {
  session: string;
  startedAt: string;
  runsRequested: number;
  mode: Mode;
  proposer: string;
  status: 'running' | 'completed' | 'halted';
  endedAt: string | null;
  haltReason: string | null;
  state: string | null;
  firstSeq: number;
  /** The session's error budget, as LoopStarted recorded it (absent in early logs). */
  errorControl?: ErrorControl;
  /** The root seed of the session's built-in and random proposals (absent in early logs). */
  proposerSeed?: number;
  /** The metric the session judges runs on. */
  metric: { name: string; direction: 'maximize' | 'minimize' };
  /** Runs kept in flight at once, as LoopStarted recorded it (absent: one at a time). */
  parallel?: number;
  /** The GPU of each slot (`CUDA_VISIBLE_DEVICES`; null: none), as LoopStarted recorded them (absent: none). */
  gpus?: (string | null)[];
}

/** The incumbent with when and why it became one. */
export interface IncumbentView {
  ref: IncumbentRef;
  previous: string | null;
  changedAt: string;
  seq: number;
  /** Set when a user made it the incumbent (`autopilot rollback`): why, who, and the last run journaled then. */
  rolledBack?: { why: string; by: string; lastJournaled: string | null };
}

/** Everything the projection files render. */
export interface WorkspaceView {
  runs: Map<string, RunView>;
  sessions: Map<string, SessionView>;
  incumbent: IncumbentView | null;
  /** The labbook's entries as facts (`labbook-text.ts` makes their sentences). */
  labbook: LabbookEntry[];
  lastSeq: number;
  /** Seq of the first event recorded for each session, whatever its type. */
  firstSeq: Map<string, number>;
  /** The workspace inputs as last bound (LoopStarted) or accepted (InputsAccepted), by path. */
  inputs: Map<string, InputFile>;
  /** Each run's place in `runs` (0 first), so two runs' order is known without a scan. */
  runOrdinal: Map<string, number>;
  /** The last run in `runs` whose checkpoints (less those pruned) are not empty: `checkpointPointers`' latest, kept by the fold so it costs nothing per run. */
  latestCheckpoint: string | null;
  /** The evaluations of `autopilot eval`, by id, in the order planned. */
  evaluations: Map<string, EvaluationView>;
}

/** An empty workspace. */
export function emptyView(): WorkspaceView {
  return {
    runs: new Map(),
    sessions: new Map(),
    incumbent: null,
    labbook: [],
    lastSeq: 0,
    firstSeq: new Map(),
    inputs: new Map(),
    runOrdinal: new Map(),
    latestCheckpoint: null,
    evaluations: new Map(),
  };
}

function run(view: WorkspaceView, runId: string): RunView {
  const r = view.runs.get(runId);
  if (!r) throw new Error(`event for run ${runId} before RunPlanned`);
  return r;
}

function launch(r: RunView, attempt: number): LaunchView | undefined {
  return r.launches.find((l) => l.attempt === attempt);
}

// What the labbook needs when the built-in optimizer stands in: how the exhausted proposer's last attempts ended.
function fallbackFacts(r: RunView, from: string): FallbackFacts {
  const failure = r.proposalFailures.at(-1);
  const rejected = [...r.proposals].reverse().find((p) => p.result === 'rejected');
  return {
    from,
    failure: failure ? { attempt: failure.attempt, message: failure.message, ...(failure.reason ? { reason: failure.reason } : {}) } : null,
    rejected: rejected ? { attempt: rejected.attempt, errors: rejected.errors, omitted: rejected.omitted } : null,
  };
}

/** Folds one stored event into the view (mutating and returning it, for speed over long logs). */
export function evolveView(view: WorkspaceView, stored: StoredEvent<AutopilotEvent>): WorkspaceView {
  const e = stored.event;
  const at = e.metadata.at;
  view.lastSeq = stored.seq;
  if (!view.firstSeq.has(e.metadata.session)) view.firstSeq.set(e.metadata.session, stored.seq);
  switch (e.type) {
    case 'LoopStarted': {
      const d = e.data;
      if (d.inputs) view.inputs = new Map(d.inputs.map((f) => [f.path, f]));
      view.sessions.set(d.session, {
        session: d.session,
        startedAt: at,
        runsRequested: d.runsRequested,
        mode: d.mode,
        proposer: d.proposer,
        status: 'running',
        endedAt: null,
        haltReason: null,
        state: 'bootstrap',
        firstSeq: stored.seq,
        metric: d.metric,
        ...(d.errorControl ? { errorControl: d.errorControl } : {}),
        ...(d.proposerSeed ? { proposerSeed: d.proposerSeed.value } : {}),
        ...(d.parallel ? { parallel: d.parallel.k, gpus: d.parallel.gpus } : {}),
      });
      view.labbook.push({ type: e.type, at, data: d });
      return view;
    }
    case 'LockTakenOver':
      view.labbook.push({ type: e.type, at, data: e.data });
      return view;
    case 'LoopResumed': {
      const s = view.sessions.get(e.data.session);
      view.labbook.push({ type: e.type, at, data: e.data, runsRequested: s ? s.runsRequested : null });
      return view;
    }
    case 'RunPlanned': {
      const d = e.data;
      // A run planned again keeps its place in the map, and so its ordinal.
      if (!view.runs.has(d.runId)) view.runOrdinal.set(d.runId, view.runs.size);
      view.runs.set(d.runId, {
        runId: d.runId,
        index: d.index,
        session: e.metadata.session,
        kind: d.kind,
        parent: d.parent ?? null,
        mode: d.mode,
        ...(d.slot !== undefined ? { slot: d.slot } : {}),
        plannedAt: at,
        proposals: [],
        proposalFailures: [],
        violations: [],
        accepted: null,
        launches: [],
        failures: [],
        finished: null,
        evaluation: null,
        journal: null,
        progress: null,
        interrupted: false,
      });
      return view;
    }
    case 'ProposalRequested':
      if (e.data.fallbackFrom) view.labbook.push({ type: e.type, at, data: e.data, fallback: fallbackFacts(run(view, e.data.runId), e.data.fallbackFrom) });
      return view;
    case 'ProposalReceived': {
      const d = e.data;
      run(view, d.runId).proposals.push({
        attempt: d.attempt,
        proposer: d.proposer,
        seed: d.seed,
        overrides: d.overrides,
        rationale: d.rationale,
        hypothesis: d.hypothesis,
        receivedAt: at,
        seq: stored.seq,
        result: 'pending',
        errors: [],
        omitted: 0,
      });
      return view;
    }
    case 'ProposalFailed': {
      const d = e.data;
      run(view, d.runId).proposalFailures.push({ attempt: d.attempt, proposer: d.proposer, message: d.message, at, ...(d.reason ? { reason: d.reason } : {}) });
      view.labbook.push({ type: e.type, at, data: d });
      return view;
    }
    case 'ProposalRejected': {
      const d = e.data;
      const p = run(view, d.runId).proposals.find((x) => x.attempt === d.attempt);
      if (p) {
        p.result = 'rejected';
        p.errors = d.errors;
        p.omitted = d.omitted ?? 0;
      }
      view.labbook.push({ type: e.type, at, data: d });
      return view;
    }
    case 'ProposalAccepted': {
      const r = run(view, e.data.runId);
      r.accepted = { ...e.data, at };
      const p = r.proposals.find((x) => x.attempt === e.data.attempt);
      if (p) p.result = 'accepted';
      return view;
    }
    case 'RunStarted': {
      const d = e.data;
      run(view, d.runId).launches.push({
        attempt: d.attempt,
        pid: d.pid,
        ...(d.job ? { jobId: d.job.id } : {}),
        argv: d.argv,
        cwd: d.cwd,
        seed: d.seed,
        logPath: d.logPath,
        startedAt: at,
        endedAt: null,
        outcome: 'running',
        exitCode: null,
        signal: null,
        reason: null,
        durationMs: null,
        message: null,
        logOffset: d.logOffset,
      });
      return view;
    }
    case 'TrackerRunLinked': {
      const l = launch(run(view, e.data.runId), e.data.attempt);
      if (l) l.tracker = { tracker: e.data.tracker, url: e.data.url };
      return view;
    }
    case 'RunReattached':
      view.labbook.push({ type: e.type, at, data: e.data });
      return view;
    case 'RunRequeued':
      view.labbook.push({ type: e.type, at, data: e.data });
      return view;
    case 'LauncherCommandFailed':
      view.labbook.push({ type: e.type, at, data: e.data });
      return view;
    case 'AttemptPlanned':
      run(view, e.data.runId);
      return view;
    case 'RunProgress':
      run(view, e.data.runId).progress = e.data.metrics;
      return view;
    case 'RunFinished': {
      const r = run(view, e.data.runId);
      r.finished = { ...e.data, at };
      const l = launch(r, e.data.attempt);
      if (l) Object.assign(l, { endedAt: at, outcome: 'finished', exitCode: e.data.exitCode, durationMs: e.data.durationMs });
      noteCheckpoint(view, r);
      return view;
    }
    case 'CheckpointsIndexed': {
      const r = run(view, e.data.runId);
      applyIndexed(r, e.data, at);
      noteCheckpoint(view, r);
      return view;
    }
    case 'RunFailed': {
      const r = run(view, e.data.runId);
      r.failures.push({ ...e.data, at });
      const l = launch(r, e.data.attempt);
      if (l)
        Object.assign(l, {
          endedAt: at,
          outcome: 'failed',
          exitCode: e.data.exitCode,
          signal: e.data.signal,
          reason: e.data.reason,
          durationMs: e.data.durationMs,
          message: e.data.message,
        });
      return view;
    }
    case 'RunEvaluated':
      run(view, e.data.runId).evaluation = { ...e.data, at };
      return view;
    case 'IncumbentChanged':
      view.incumbent = { ref: e.data.incumbent, previous: e.data.previous, changedAt: at, seq: stored.seq };
      return view;
    case 'JournalWritten': {
      const d = e.data;
      run(view, d.runId).journal = { ...d, at };
      view.labbook.push({ type: e.type, at, data: d });
      return view;
    }
    case 'CheckpointsPruned':
      for (const r of view.runs.values()) {
        if (r.finished?.checkpoints) r.finished = { ...r.finished, checkpoints: r.finished.checkpoints.filter((p) => !e.data.removed.includes(p)) };
        applyPruned(r, e.data.removed);
      }
      if (view.latestCheckpoint !== null && !hasCheckpoint(view.runs.get(view.latestCheckpoint))) view.latestCheckpoint = scanLatestCheckpoint(view);
      if (e.data.removed.length > 0) view.labbook.push({ type: e.type, at, data: e.data });
      return view;
    case 'GuardrailViolation': {
      const d = e.data;
      if (d.runId !== undefined) run(view, d.runId).violations.push({ ...d, at });
      view.labbook.push({ type: e.type, at, data: d });
      return view;
    }
    case 'ProposerStarted':
      return view;
    case 'ProposerStopped': {
      const d = e.data;
      view.labbook.push({ type: e.type, at, data: d });
      return view;
    }
    case 'InputsAccepted': {
      const d = e.data;
      for (const f of d.files) view.inputs.set(f.path, f);
      view.labbook.push({ type: e.type, at, data: d });
      return view;
    }
    case 'RolledBack': {
      const d = e.data;
      // Not an IncumbentChanged: the run is made incumbent by a user, and a replication left under way is dropped (pending-replication.ts).
      let lastJournaled: string | null = null;
      for (const r of view.runs.values()) if (r.journal) lastJournaled = r.runId;
      view.incumbent = { ref: d.incumbent, previous: d.previous, changedAt: at, seq: stored.seq, rolledBack: { why: d.why, by: d.by, lastJournaled } };
      run(view, d.to).rolledBack = { at, by: d.by, why: d.why };
      view.labbook.push({ type: e.type, at, data: d });
      return view;
    }
    case 'StopRequested':
      view.labbook.push({ type: e.type, at, data: e.data });
      return view;
    case 'LoopHalted': {
      const s = view.sessions.get(e.metadata.session);
      if (s) Object.assign(s, { status: 'halted', endedAt: at, haltReason: e.data.reason, state: 'halted' });
      for (const r of view.runs.values()) if (!r.journal) r.interrupted = true;
      view.labbook.push({ type: e.type, at, data: e.data, session: e.metadata.session });
      return view;
    }
    case 'LoopCompleted': {
      const s = view.sessions.get(e.metadata.session);
      if (s) Object.assign(s, { status: 'completed', endedAt: at, state: 'done' });
      for (const r of view.runs.values()) if (!r.journal) r.interrupted = true;
      view.labbook.push({ type: e.type, at, data: e.data, session: e.metadata.session });
      return view;
    }
    // A run's commit changes no projection: the commit holds the projection files as they were.
    case 'RunCommitted':
    case 'RunCommitFailed':
      return view;
    case 'StateEntered': {
      const s = view.sessions.get(e.metadata.session);
      if (s) s.state = enteredStateName(s.state, e.data.to);
      return view;
    }
    case 'EvaluationPlanned':
    case 'EvaluatorStarted':
    case 'EvaluatorJobPlanned':
    case 'EvaluationFinished':
    case 'EvaluationFailed':
      evolveEvaluations(view.evaluations, e);
      return view;
    default:
      return assertNever(e);
  }
}

/** Folds a sequence of stored events into a fresh view. */
export function foldView(events: Iterable<StoredEvent<AutopilotEvent>>): WorkspaceView {
  let view = emptyView();
  for (const stored of events) view = evolveView(view, stored);
  return view;
}

/** Whether the finished run ends with a checkpoint (indexed, or listed by RunFinished). */
function hasCheckpoint(r: RunView | undefined): boolean {
  return finalCheckpoint(r) !== null;
}

/** Keeps `latestCheckpoint` (the last run in `runs` with one) up to date after `r` changed. */
function noteCheckpoint(view: WorkspaceView, r: RunView): void {
  if (hasCheckpoint(r)) {
    const latest = view.latestCheckpoint;
    if (latest === null || (view.runOrdinal.get(r.runId) ?? 0) >= (view.runOrdinal.get(latest) ?? 0)) view.latestCheckpoint = r.runId;
  } else if (view.latestCheckpoint === r.runId) view.latestCheckpoint = scanLatestCheckpoint(view);
}

/** The last run in `runs` with a checkpoint, by a full scan: only when the one the fold kept lost its checkpoints. */
function scanLatestCheckpoint(view: WorkspaceView): string | null {
  let latest: string | null = null;
  for (const r of view.runs.values()) if (hasCheckpoint(r)) latest = r.runId;
  return latest;
}

/** Every checkpoint the log records (each run's RunFinished.checkpoints, less those pruned since), oldest run first. */
export function knownCheckpoints(view: WorkspaceView): string[] {
  const known: string[] = [];
  for (const r of view.runs.values()) known.push(...(r.finished?.checkpoints ?? []));
  return [...known, ...indexedNames(view)];
}

/** A run's final checkpoint as a pointer names it. */
export type CheckpointPointer = { runId: string } & CheckpointRef;

/** The checkpoints `latest` (of the most recent run that saved one) and `best` (of the incumbent), workspace-relative: the exposed name once indexed. */
export function checkpointPointers(view: WorkspaceView): { latest: CheckpointPointer | null; best: CheckpointPointer | null } {
  const newest = view.latestCheckpoint === null ? undefined : view.runs.get(view.latestCheckpoint);
  const newestRef = finalCheckpoint(newest);
  const inc = view.incumbent ? view.runs.get(view.incumbent.ref.runId) : undefined;
  const bestRef = finalCheckpoint(inc);
  return { latest: newest && newestRef ? { runId: newest.runId, ...newestRef } : null, best: inc && bestRef ? { runId: inc.runId, ...bestRef } : null };
}
