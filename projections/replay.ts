/**
 * Time travel over the log: what the loop machine and the workspace view looked like right after a
 * given event. Pure (no I/O): the command folds the session through the machine (orchestrator's
 * `foldSession`) and hands the snapshot here; this module folds the view, shapes the report and
 * prints it.
 */
import type { AutopilotEvent } from '../events/catalogue.js';
import type { StoredEvent } from '../events/store.js';
import type { LoopContext } from '../machines/loop.machine.js';
import { fmt } from '../domain/text/numbers.js';
import { summarizeProblems } from '../domain/policy/problems.js';
import { utc } from './render.js';
import { textOfLines } from '../domain/text/escape.js';
import { emptySummary, foldSummary, summaryOfView, summaryReport, type SummaryFold, type ViewSummary } from './summary.js';
import type { WorkspaceView } from './view.js';

export type { RunSummary, SessionSummary, ViewSummary } from './summary.js';

/** The summary view folded up to an event, and where that event's session begins in the log. */
export interface ReplayScan {
  summary: SummaryFold;
  /** Seq of the first event recorded for the session (the fold of the machine starts there). */
  sessionFirstSeq: number;
  /** The snapshot the fold started from (null: from the start of the log). */
  snapshotSeq: number | null;
}

/**
 * Folds `events` into the summary view, from `from` (a snapshot's summary, whose events must be
 * exactly those before the first of `events`) or from nothing, and finds the first event of
 * `session`. Throws when the session has no event among them.
 */
export function scanTo(events: Iterable<StoredEvent<AutopilotEvent>>, session: string, from: SummaryFold | null = null): ReplayScan {
  const snapshotSeq = from ? from.lastSeq : null;
  const summary = foldSummary(events, from ?? emptySummary());
  const sessionFirstSeq = summary.firstSeq.get(session);
  if (sessionFirstSeq === undefined) throw new Error(`session ${session} has no event up to seq ${summary.lastSeq}`);
  return { summary, sessionFirstSeq, snapshotSeq };
}

/** Summarizes a view the way `autopilot status` does. */
export function summarizeView(view: WorkspaceView): ViewSummary {
  return summaryReport(summaryOfView(view));
}

/** The machine as folded: its state, whether it is still running, and its context. */
export interface MachineAt {
  state: string;
  status: 'active' | 'done' | 'error' | 'stopped';
  context: LoopContext;
}

/** The report of `autopilot replay --at SEQ` (this is also its `--json` object). */
export interface ReplayReport {
  seq: number;
  at: string;
  stream: string;
  type: AutopilotEvent['type'];
  session: string;
  /** A readable line for the event (null when the caller has none). */
  summary: string | null;
  machine: MachineAt & { session: string; from_seq: number; to_seq: number };
  view: ViewSummary;
  /** Where the view's fold started: the snapshot at `snapshot_seq`, or the start of the log (null). */
  view_from: { snapshot_seq: number | null };
}

/** Assembles the report for the event `target`. */
export function buildReplay(target: StoredEvent<AutopilotEvent>, scan: ReplayScan, machine: MachineAt, summary: string | null = null): ReplayReport {
  const session = target.event.metadata.session;
  return {
    seq: target.seq,
    at: target.event.metadata.at,
    stream: target.streamId,
    type: target.event.type,
    session,
    summary,
    machine: { ...machine, session, from_seq: scan.sessionFirstSeq, to_seq: target.seq },
    view: summaryReport(scan.summary),
    view_from: { snapshot_seq: scan.snapshotSeq },
  };
}

/** The message for a `--at` that names no event of the log (not a number, or outside 1..lastSeq). */
export function outOfRangeMessage(at: string, lastSeq: number): string {
  if (lastSeq === 0) return `--at ${at}: the log is empty, there is no event to replay`;
  const what = /^\d+$/.test(at) ? 'is out of range' : 'is not a sequence number';
  return `--at ${at} ${what}: the log holds events 1..${lastSeq}`;
}

function runLines(run: NonNullable<LoopContext['run']>): string[] {
  const lines = [`run ${run.runId} (${run.kind}, index ${run.index})`];
  const ask = `proposal attempt ${run.proposalAttempt}${run.awaitingProposal ? ', awaiting the answer' : ''}`;
  const errors = run.errors.length + (run.errorsOmitted ?? 0);
  lines.push(`  ${ask}${run.errors.length ? `; ${errors} error(s) to hand back: ${summarizeProblems(run.errors, run.errorsOmitted)}` : ''}`);
  if (run.proposal) lines.push(`  proposal: ${run.proposal.proposer}${run.proposal.seed === null ? '' : ` seed ${run.proposal.seed}`} (attempt ${run.proposal.attempt})`);
  if (run.accepted) lines.push(`  accepted: ${run.accepted.diff.length} change(s) vs ${run.accepted.base}`);
  lines.push(`  launch attempts: ${run.attempt}`);
  if (run.started) lines.push(`  in flight: attempt ${run.started.attempt}, pid ${run.started.pid}, since ${utc(run.started.at)}`);
  if (run.finished) lines.push(`  finished: exit ${run.finished.exitCode} after ${fmt(run.finished.durationMs / 1000)}s`);
  if (run.failure) lines.push(`  last failure: attempt ${run.failure.attempt} ${run.failure.reason}: ${run.failure.message}`);
  if (run.evaluation) lines.push(`  evaluation: ${run.evaluation.verdict}${run.evaluation.delta === null ? '' : ` (delta ${fmt(run.evaluation.delta)})`}`);
  return lines;
}

/** The human-readable replay: the event, the machine's state and context, then the view (each line escaped). */
export function renderReplay(r: ReplayReport): string {
  const c = r.machine.context;
  const lines: string[] = [];
  lines.push(`After event #${r.seq} (${utc(r.at)}, ${r.stream} ${r.type})${r.summary ? `: ${r.summary}` : ''}`);
  lines.push('', `Machine (session ${r.machine.session}, folded from #${r.machine.from_seq} to #${r.machine.to_seq})`);
  lines.push(`  state: ${r.machine.state} (${r.machine.status})`);
  lines.push(`  mode ${c.mode}, proposer ${c.proposer}, metric ${c.metric.name} (${c.metric.direction})`);
  lines.push(`  runs completed ${c.runsCompleted} of ${c.runsRequested}, next run index ${c.nextRunIndex}, consecutive failures ${c.consecutiveFailures}`);
  lines.push(`  limits: ${c.limits.maxProposalAttempts} proposal attempt(s), ${c.limits.maxRunAttempts} run attempt(s), ${c.limits.maxConsecutiveFailures} consecutive failure(s)`);
  lines.push(`  incumbent: ${c.incumbent ? `run ${c.incumbent.runId}, ${c.incumbent.metric} ${fmt(c.incumbent.mean)} (n=${c.incumbent.n})` : 'none'}`);
  if (c.stop) lines.push(`  stop requested (${c.stop.now ? 'now' : 'after the current run'}): ${c.stop.reason}`);
  if (c.haltReason) lines.push(`  halt reason: ${c.haltReason}`);
  // A loop with several runs in flight keeps them in slots: each is shown with its slot.
  if (c.slots) {
    const busy = c.slots.flatMap((run, i) => (run ? [{ run, i }] : []));
    for (const { run, i } of busy) lines.push(...runLines(run).map((l, j) => (j === 0 ? `  slot ${i}: ${l}` : `  ${l}`)));
    if (busy.length === 0) lines.push('  no run in progress');
  } else if (c.run) lines.push(...runLines(c.run).map((l) => `  ${l}`));
  else lines.push('  no run in progress');
  const from = r.view_from.snapshot_seq;
  lines.push('', `View (events 1..${r.view.events}${from === null ? '' : `, folded on from the snapshot at #${from}`})`);
  for (const s of r.view.sessions) lines.push(`  session ${s.session}: ${s.status} (${s.state}), ${s.runs_requested} run(s) requested${s.halt_reason ? ` — ${s.halt_reason}` : ''}`);
  lines.push('  run  kind      status     attempts  verdict       mean');
  for (const run of r.view.runs)
    lines.push(
      `  ${run.run_id}  ${run.kind.padEnd(8)}  ${run.status.padEnd(9)}  ${String(run.attempts).padEnd(8)}  ${(run.verdict ?? '-').padEnd(12)}  ${run.mean === null ? '-' : fmt(run.mean)}`,
    );
  const inc = r.view.incumbent;
  lines.push(`  incumbent: ${inc ? `run ${inc.run_id}, ${inc.metric} ${fmt(inc.mean)} (n=${inc.n})` : 'none'}`);
  return textOfLines(lines);
}
