/**
 * The summary view: the little of the workspace view that `status` and `replay` print (sessions,
 * one line per run, the incumbent), as a pure fold of its own. It is small enough to snapshot, so
 * `replay --at SEQ` starts from the nearest snapshot at or before SEQ instead of folding the whole
 * log; `summarizeView(foldView(events))` and `summaryReport(foldSummary(events))` are the same
 * thing (a property test holds them equal on every prefix of long generated histories).
 */
import { z } from 'zod';
import type { AutopilotEvent } from '../events/catalogue.js';
import type { StoredEvent } from '../events/store.js';
import { assertNever } from '../domain/assert-never.js';
import { describeErrorControl } from '../domain/judging/error-control.js';
import type { WorkspaceView } from './view.js';
import { enteredStateName } from '../machines/state-name.js';

/** One session as `status --json` lists it. */
export interface SessionSummary {
  session: string;
  status: 'running' | 'completed' | 'halted';
  state: string | null;
  runs_requested: number;
  started_at: string;
  halt_reason: string | null;
  /** The session's error budget in words (absent for sessions recorded before it was). */
  error_budget?: string;
}

/** One run as `status --json` lists it. */
export interface RunSummary {
  run_id: string;
  kind: 'baseline' | 'proposal' | 'replicate';
  status: string;
  attempts: number;
  verdict: string | null;
  mean: number | null;
  n: number | null;
}

/** The workspace view in the shape `status --json` prints it (sessions, runs, incumbent). */
export interface ViewSummary {
  events: number;
  sessions: SessionSummary[];
  runs: RunSummary[];
  incumbent: { run_id: string; metric: string; mean: number; n: number } | null;
}

const LaunchOutcome = z.enum(['running', 'finished', 'failed']);

const RunState = z.object({
  run_id: z.string(),
  kind: z.enum(['baseline', 'proposal', 'replicate']),
  /** Each launch's attempt number and outcome, in launch order (the status reads the last one). */
  launches: z.array(z.tuple([z.number(), LaunchOutcome])),
  finished: z.boolean(),
  journal: z.string().nullable(),
  verdict: z.string().nullable(),
  mean: z.number().nullable(),
  n: z.number().nullable(),
  /** Its session ended (halted or completed) before the run was journaled (absent in older snapshots: false). */
  interrupted: z.boolean().optional(),
});
type RunState = z.infer<typeof RunState>;

const SessionState = z.object({
  session: z.string(),
  status: z.enum(['running', 'completed', 'halted']),
  state: z.string().nullable(),
  runs_requested: z.number(),
  started_at: z.string(),
  halt_reason: z.string().nullable(),
  error_budget: z.string().optional(),
});

/** The fold's state; it serializes to JSON as is (see {@link serializeSummary}). */
export const SummaryState = z.object({
  lastSeq: z.number().int().nonnegative(),
  sessions: z.array(SessionState),
  runs: z.array(RunState),
  incumbent: z.object({ run_id: z.string(), metric: z.string(), mean: z.number(), n: z.number() }).nullable(),
  /** Seq of the first event recorded for each session, whatever its type (a replay folds the machine from there). */
  firstSeq: z.record(z.string(), z.number().int().positive()),
});

/** The summary fold's state, with maps for the folds' lookups. */
export interface SummaryFold {
  lastSeq: number;
  sessions: Map<string, SessionSummary>;
  runs: Map<string, RunState>;
  incumbent: ViewSummary['incumbent'];
  firstSeq: Map<string, number>;
}

/** Nothing folded yet. */
export function emptySummary(): SummaryFold {
  return { lastSeq: 0, sessions: new Map(), runs: new Map(), incumbent: null, firstSeq: new Map() };
}

function runOf(s: SummaryFold, runId: string): RunState {
  const r = s.runs.get(runId);
  if (!r) throw new Error(`event for run ${runId} before RunPlanned`);
  return r;
}

/** Marks the launch with `attempt` (the first one with that number, as the full view does) as ended. */
function endLaunch(r: RunState, attempt: number, outcome: 'finished' | 'failed'): void {
  const l = r.launches.find(([a]) => a === attempt);
  if (l) l[1] = outcome;
}

/** Folds one stored event into the summary (mutating and returning it). */
export function evolveSummary(s: SummaryFold, stored: StoredEvent<AutopilotEvent>): SummaryFold {
  const e = stored.event;
  s.lastSeq = stored.seq;
  if (!s.firstSeq.has(e.metadata.session)) s.firstSeq.set(e.metadata.session, stored.seq);
  switch (e.type) {
    case 'LoopStarted':
      s.sessions.set(e.data.session, {
        session: e.data.session,
        status: 'running',
        state: 'bootstrap',
        runs_requested: e.data.runsRequested,
        started_at: e.metadata.at,
        halt_reason: null,
        ...(e.data.errorControl ? { error_budget: describeErrorControl(e.data.errorControl) } : {}),
      });
      return s;
    case 'RunPlanned':
      s.runs.set(e.data.runId, {
        run_id: e.data.runId,
        kind: e.data.kind,
        launches: [],
        finished: false,
        journal: null,
        verdict: null,
        mean: null,
        n: null,
      });
      return s;
    case 'RunStarted':
      runOf(s, e.data.runId).launches.push([e.data.attempt, 'running']);
      return s;
    case 'RunFinished': {
      const r = runOf(s, e.data.runId);
      r.finished = true;
      endLaunch(r, e.data.attempt, 'finished');
      return s;
    }
    case 'RunFailed':
      endLaunch(runOf(s, e.data.runId), e.data.attempt, 'failed');
      return s;
    case 'RunEvaluated': {
      const r = runOf(s, e.data.runId);
      r.verdict = e.data.verdict;
      r.mean = e.data.candidate.mean;
      r.n = e.data.candidate.n;
      return s;
    }
    case 'JournalWritten':
      runOf(s, e.data.runId).journal = e.data.status;
      return s;
    case 'IncumbentChanged':
    case 'RolledBack': {
      const i = e.data.incumbent;
      s.incumbent = { run_id: i.runId, metric: i.metric, mean: i.mean, n: i.n };
      return s;
    }
    case 'LoopHalted': {
      const x = s.sessions.get(e.metadata.session);
      if (x) Object.assign(x, { status: 'halted', halt_reason: e.data.reason, state: 'halted' });
      markInterrupted(s);
      return s;
    }
    case 'LoopCompleted': {
      const x = s.sessions.get(e.metadata.session);
      if (x) Object.assign(x, { status: 'completed', state: 'done' });
      markInterrupted(s);
      return s;
    }
    case 'StateEntered': {
      const x = s.sessions.get(e.metadata.session);
      if (x) x.state = enteredStateName(x.state, e.data.to);
      return s;
    }
    // Run-level events must still name a planned run, as in the full view.
    case 'ProposalReceived':
    case 'ProposalFailed':
    case 'ProposalRejected':
    case 'ProposalAccepted':
    case 'RunProgress':
    case 'ProposerStarted':
    case 'ProposerStopped':
    case 'AttemptPlanned':
    case 'RunRequeued':
      runOf(s, e.data.runId);
      return s;
    case 'GuardrailViolation':
      if (e.data.runId !== undefined) runOf(s, e.data.runId);
      return s;
    case 'InputsAccepted':
      return s;
    case 'LockTakenOver':
    case 'LoopResumed':
    case 'ProposalRequested':
    case 'RunReattached':
    case 'TrackerRunLinked':
    case 'CheckpointsPruned':
    case 'CheckpointsIndexed':
    case 'RunCommitted':
    case 'RunCommitFailed':
    case 'StopRequested':
    case 'LauncherCommandFailed':
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

/** Folds a sequence of stored events into a fresh summary. */
export function foldSummary(events: Iterable<StoredEvent<AutopilotEvent>>, from: SummaryFold = emptySummary()): SummaryFold {
  let s = from;
  for (const stored of events) s = evolveSummary(s, stored);
  return s;
}

/** The summary of a full view (what a snapshot taken by a writer that folds the full view holds). */
export function summaryOfView(view: WorkspaceView): SummaryFold {
  const s = emptySummary();
  s.lastSeq = view.lastSeq;
  for (const v of view.sessions.values()) {
    s.sessions.set(v.session, {
      session: v.session,
      status: v.status,
      state: v.state,
      runs_requested: v.runsRequested,
      started_at: v.startedAt,
      halt_reason: v.haltReason,
      ...(v.errorControl ? { error_budget: describeErrorControl(v.errorControl) } : {}),
    });
  }
  for (const r of view.runs.values())
    s.runs.set(r.runId, {
      run_id: r.runId,
      kind: r.kind,
      launches: r.launches.map((l) => [l.attempt, l.outcome]),
      finished: r.finished !== null,
      journal: r.journal?.status ?? null,
      verdict: r.evaluation?.verdict ?? null,
      mean: r.evaluation?.candidate.mean ?? null,
      n: r.evaluation?.candidate.n ?? null,
      ...(r.interrupted ? { interrupted: true } : {}),
    });
  const inc = view.incumbent?.ref ?? null;
  s.incumbent = inc && { run_id: inc.runId, metric: inc.metric, mean: inc.mean, n: inc.n };
  for (const [session, seq] of view.firstSeq) s.firstSeq.set(session, seq);
  return s;
}

function runStatus(r: RunState): string {
  return r.journal ?? (r.interrupted ? 'interrupted' : r.launches.at(-1)?.[1] === 'running' ? 'running' : r.finished ? 'finished' : 'in progress');
}

// A session that ended leaves no run in flight: those it had not journaled were interrupted.
function markInterrupted(s: SummaryFold): void {
  for (const r of s.runs.values()) if (r.journal === null) r.interrupted = true;
}

/** The summary in the shape `status --json` and `replay` print. */
export function summaryReport(s: SummaryFold): ViewSummary {
  return {
    events: s.lastSeq,
    sessions: [...s.sessions.values()].map((x) => ({ ...x })),
    runs: [...s.runs.values()].map((r) => ({
      run_id: r.run_id,
      kind: r.kind,
      status: runStatus(r),
      attempts: r.launches.length,
      verdict: r.verdict,
      mean: r.mean,
      n: r.n,
    })),
    incumbent: s.incumbent && { ...s.incumbent },
  };
}

/** The summary as JSON text, for a snapshot. */
export function serializeSummary(s: SummaryFold): string {
  return JSON.stringify({
    lastSeq: s.lastSeq,
    sessions: [...s.sessions.values()],
    runs: [...s.runs.values()],
    incumbent: s.incumbent,
    firstSeq: Object.fromEntries(s.firstSeq),
  });
}

/** Reads a snapshot's text back; throws (a zod error) when it is not a summary of this format. */
export function parseSummary(text: string): SummaryFold {
  const p = SummaryState.parse(JSON.parse(text));
  return {
    lastSeq: p.lastSeq,
    sessions: new Map(p.sessions.map((x) => [x.session, x])),
    runs: new Map(p.runs.map((r) => [r.run_id, r])),
    incumbent: p.incumbent,
    firstSeq: new Map(Object.entries(p.firstSeq)),
  };
}
