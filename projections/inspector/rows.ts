/**
 * The inspector's runs table: one {@link RunRow} per run, in run order, as a pure fold of the log of
 * its own (so a server can fold on from a snapshot without the full view). `rowsOf(foldRows(events))`
 * and `rowsOfView(foldView(events))` are the same rows: a property test holds them equal on every
 * prefix of generated histories.
 */
import type { AutopilotEvent } from '../../events/catalogue.js';
import type { StoredEvent } from '../../events/store.js';
import { assertNever } from '../../domain/assert-never.js';
import type { MetricInfo, RunRow } from './types.js';
import type { RunView, WorkspaceView } from '../view.js';
import { assemble, deltaStat, metricStat, type RowFields } from './row-columns.js';

/** One run as the fold holds it: the row's fixed fields, and what its status and live column derive from. */
export interface RunFold {
  row: RowFields;
  /** Each launch's trainer seed and start, in launch order. */
  launches: { seed: number | null; at: string }[];
  finished: boolean;
  journal: 'completed' | 'failed' | null;
  interrupted: boolean;
  progress: Record<string, number> | null;
}

/** The rows fold's state. */
export interface RowsFold {
  lastSeq: number;
  /** By run id, in run order (a run planned again keeps its place). */
  runs: Map<string, RunFold>;
  /** Each session's metric (`LoopStarted.metric`). */
  metrics: Map<string, MetricInfo>;
}

/** Nothing folded yet. */
export function emptyRows(): RowsFold {
  return { lastSeq: 0, runs: new Map(), metrics: new Map() };
}

function runOf(s: RowsFold, runId: string): RunFold {
  const r = s.runs.get(runId);
  if (!r) throw new Error(`event for run ${runId} before RunPlanned`);
  return r;
}

// Runs not journaled when their session ends were interrupted (as the view marks them).
function markInterrupted(s: RowsFold): void {
  for (const r of s.runs.values()) if (r.journal === null) r.interrupted = true;
}

/** Folds one stored event into the rows (mutating and returning the state). */
export function evolveRows(s: RowsFold, stored: StoredEvent<AutopilotEvent>): RowsFold {
  const e = stored.event;
  s.lastSeq = stored.seq;
  switch (e.type) {
    case 'LoopStarted':
      s.metrics.set(e.data.session, { ...e.data.metric });
      return s;
    case 'RunPlanned': {
      const d = e.data;
      s.runs.set(d.runId, {
        row: {
          id: d.runId,
          session: e.metadata.session,
          index: d.index,
          kind: d.kind,
          parent: d.parent ?? null,
          proposer: null,
          changed: [],
          metric: null,
          delta: null,
          verdict: null,
          durationMs: null,
          plannedAt: e.metadata.at,
        },
        launches: [],
        finished: false,
        journal: null,
        interrupted: false,
        progress: null,
      });
      return s;
    }
    case 'ProposalAccepted': {
      const r = runOf(s, e.data.runId);
      r.row.proposer = e.data.proposer;
      r.row.changed = e.data.diff;
      return s;
    }
    case 'RunStarted':
      runOf(s, e.data.runId).launches.push({ seed: e.data.seed, at: e.metadata.at });
      return s;
    case 'RunProgress':
      runOf(s, e.data.runId).progress = e.data.metrics;
      return s;
    case 'RunFinished': {
      const r = runOf(s, e.data.runId);
      const metric = s.metrics.get(r.row.session);
      r.finished = true;
      r.row.durationMs = e.data.durationMs;
      r.row.metric = metric ? metricStat(e.data, metric.name) : null;
      return s;
    }
    case 'RunFailed': {
      const r = runOf(s, e.data.runId);
      // A run that finished keeps that duration (the view reads the finish first).
      if (!r.finished) r.row.durationMs = e.data.durationMs;
      return s;
    }
    case 'RunEvaluated': {
      const r = runOf(s, e.data.runId);
      r.row.verdict = e.data.verdict;
      r.row.delta = deltaStat(e.data);
      return s;
    }
    case 'JournalWritten':
      runOf(s, e.data.runId).journal = e.data.status;
      return s;
    case 'LoopHalted':
    case 'LoopCompleted':
      markInterrupted(s);
      return s;
    // Run-level events must still name a planned run, as in the full view.
    case 'ProposalReceived':
    case 'ProposalFailed':
    case 'ProposalRejected':
    case 'AttemptPlanned':
    case 'RunRequeued':
      runOf(s, e.data.runId);
      return s;
    case 'GuardrailViolation':
      if (e.data.runId !== undefined) runOf(s, e.data.runId);
      return s;
    case 'RolledBack':
      runOf(s, e.data.to).row.rolledBack = { at: e.metadata.at, by: e.data.by, why: e.data.why };
      return s;
    // Nothing the table shows.
    case 'LockTakenOver':
    case 'LoopResumed':
    case 'ProposalRequested':
    case 'ProposerStarted':
    case 'ProposerStopped':
    case 'RunReattached':
    case 'TrackerRunLinked':
    case 'LauncherCommandFailed':
    case 'IncumbentChanged':
    case 'CheckpointsPruned':
    case 'CheckpointsIndexed':
    case 'RunCommitted':
    case 'RunCommitFailed':
    case 'InputsAccepted':
    case 'StopRequested':
    case 'StateEntered':
    case 'EvaluationPlanned':
    case 'EvaluatorStarted':
    case 'EvaluatorJobPlanned':
    case 'EvaluationFinished':
    case 'EvaluationFailed':
      return s;
    default:
      return assertNever(e);
  }
}

/** Folds a sequence of stored events, from `from` (a snapshot's state, folded up to just before them) or from nothing. */
export function foldRows(events: Iterable<StoredEvent<AutopilotEvent>>, from: RowsFold = emptyRows()): RowsFold {
  let s = from;
  for (const stored of events) s = evolveRows(s, stored);
  return s;
}

/** The rows of the fold, in run order. */
export function rowsOf(s: RowsFold): RunRow[] {
  return [...s.runs.values()].map((r) => assemble(r.row, r));
}

/** One run of the full view as the rows fold holds it (what a snapshot taken by a writer that folds the view holds). */
function runFoldOfView(view: WorkspaceView, r: RunView): RunFold {
  const metric = view.sessions.get(r.session)?.metric;
  const row: RowFields = {
    id: r.runId,
    session: r.session,
    index: r.index,
    kind: r.kind,
    parent: r.parent,
    proposer: r.accepted?.proposer ?? null,
    changed: r.accepted?.diff ?? [],
    metric: r.finished && metric ? metricStat(r.finished, metric.name) : null,
    delta: r.evaluation ? deltaStat(r.evaluation) : null,
    verdict: r.evaluation?.verdict ?? null,
    durationMs: r.finished?.durationMs ?? r.failures.at(-1)?.durationMs ?? null,
    plannedAt: r.plannedAt,
    ...(r.rolledBack ? { rolledBack: { ...r.rolledBack } } : {}),
  };
  const launches = r.launches.map((l) => ({ seed: l.seed, at: l.startedAt }));
  return { row, launches, finished: r.finished !== null, journal: r.journal?.status ?? null, interrupted: r.interrupted, progress: r.progress };
}

/** The rows fold's state derived from a full view (folded up to `view.lastSeq`): what `foldRows` gives for the same events. */
export function rowsFoldOfView(view: WorkspaceView): RowsFold {
  const metrics = new Map<string, MetricInfo>();
  for (const [session, s] of view.sessions) metrics.set(session, { name: s.metric.name, direction: s.metric.direction });
  const runs = new Map<string, RunFold>();
  for (const r of view.runs.values()) runs.set(r.runId, runFoldOfView(view, r));
  return { lastSeq: view.lastSeq, runs, metrics };
}

/** The rows of a full view, in run order. */
export function rowsOfView(view: WorkspaceView): RunRow[] {
  return rowsOf(rowsFoldOfView(view));
}
