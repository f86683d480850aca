/**
 * What the loop decides about its session, whatever the number of runs in flight: what a journaled
 * run changes (failures in a row, the replication, elapsed time, a fatal failure), what a failed
 * launch makes fatal, and the reason a session halts. Pure; both loop machines apply it.
 */
import { overrideFromBaseline } from '../domain/config/base-config.js';
import { nextReplication, type Replication } from '../domain/judging/replication.js';
import { sampleOf } from '../domain/judging/sample.js';
import type { DataOf, EventOf, IncumbentRef } from '../events/catalogue.js';
import type { RunContext } from './run-context.js';

/** The session facts a journaled run updates. */
export interface SessionFacts {
  startedAt: string | null;
  metric: { name: string; direction: 'maximize' | 'minimize' };
  incumbent: IncumbentRef | null;
  replication: Replication | null;
  extraRuns: number;
  runsCompleted: number;
  consecutiveFailures: number;
  fatal: string | null;
}

/**
 * The session after `run` is journaled (`JournalWritten` at `at`), judged against `replication`
 * (the one the run belongs to; null for a run outside any). Returns the replication the journal
 * starts or carries on (null: none) apart from the rest, since the loops differ in where it goes.
 */
export function afterJournal(
  session: SessionFacts,
  run: RunContext,
  written: DataOf<'JournalWritten'>,
  at: string,
  replication: Replication | null,
): { facts: Omit<SessionFacts, 'startedAt' | 'metric' | 'incumbent' | 'replication'> & { elapsedMs: number }; replication: Replication | null } {
  const elapsedMs = session.startedAt === null ? 0 : Math.max(0, Date.parse(at) - Date.parse(session.startedAt));
  const facts = {
    runId: run.runId,
    kind: run.kind,
    parent: run.parent,
    verdict: run.evaluation?.verdict ?? null,
    sample: run.finished ? sampleOf(run.finished, session.metric.name) : [],
    override: overrideFromBaseline(run.accepted, session.incumbent),
  };
  // Nothing later is compared with a baseline that was never measured.
  const baselineFailed = run.kind === 'baseline' && written.status === 'failed' && session.incumbent === null;
  return {
    facts: {
      fatal: session.fatal ?? (baselineFailed ? `the baseline run ${run.runId} failed: ${run.failure?.message ?? 'see its log'}` : null),
      extraRuns: session.extraRuns + (run.kind === 'replicate' && replication?.reason === 'inconclusive' && run.parent === replication.parent ? 1 : 0),
      elapsedMs: Number.isFinite(elapsedMs) ? elapsedMs : 0,
      runsCompleted: session.runsCompleted + 1,
      consecutiveFailures: written.status === 'failed' ? session.consecutiveFailures + 1 : 0,
    },
    replication: nextReplication(written.replication, facts, replication),
  };
}

/** What a session's `LoopStarted` sets in any loop's context. */
export function sessionStart(event: EventOf<'LoopStarted'>) {
  const d = event.data;
  return {
    startedAt: event.metadata.at,
    elapsedMs: 0,
    session: d.session,
    mode: d.mode,
    proposer: d.proposer,
    runsRequested: d.runsRequested,
    runsCompleted: 0,
    nextRunIndex: d.firstRunIndex,
    limits: d.limits,
    metric: d.metric,
    incumbent: d.incumbent,
    replication: d.replication ?? null,
    extraRuns: 0,
  };
}

/**
 * What a `RolledBack` recorded while the session was unfinished changes once it resumes: the run
 * rolled back to is the incumbent, and a replication under way ends (its candidate was judged
 * against the incumbent replaced). Runs in flight go on, judged against the new incumbent.
 */
export function afterRollback(event: EventOf<'RolledBack'>): { incumbent: IncumbentRef; replication: null } {
  return { incumbent: event.data.incumbent, replication: null };
}

/** The fatal failure a failed launch makes (a trainer that cannot start, a launcher that fails), or the one there was. */
export function fatalOfFailure(failed: DataOf<'RunFailed'>, fatal: string | null): string | null {
  if (failed.reason === 'cannot-start') return `run ${failed.runId}: the trainer cannot start: ${failed.message}`;
  return failed.reason === 'launcher-error' ? `run ${failed.runId}: the launcher failed: ${failed.message}` : fatal;
}

/** Why a session halts when a run got no valid proposal. */
export function rejectionsReason(run: RunContext, summarize: (errors: RunContext['errors'], omitted: number) => string): string {
  return `run ${run.runId}: no valid proposal after ${run.proposalAttempt} attempt(s); last errors: ${summarize(run.errors, run.errorsOmitted)}`;
}

/** Why a session halts when the proposer kept failing for a run. */
export function proposerReason(run: RunContext, message: string): string {
  return `run ${run.runId}: the proposer failed ${run.proposalAttempt} time(s); last: ${message}`;
}

/** Why a session halts after too many failed runs in a row. */
export function failuresReason(failures: number, budget: number): string {
  return `${failures} consecutive failed run(s) (budget ${budget})`;
}

/** Why a session halts when the workspace's history holds budgets.max_runs runs. */
export function runBudgetReason(limits: { maxRuns?: number | undefined; runsBefore?: number | undefined }, runsCompleted: number): string {
  return `run budget spent: the workspace's history holds ${(limits.runsBefore ?? 0) + runsCompleted} run(s) (budgets.max_runs ${limits.maxRuns})`;
}

/** Why a session halts when its wall-time budget is spent. */
export function wallBudgetReason(limits: { maxWallSeconds?: number | undefined }, elapsedMs: number): string {
  return `wall-time budget spent: the session has run ${(Math.floor(elapsedMs / 100) / 10).toFixed(1)}s (budgets.max_wall_seconds ${limits.maxWallSeconds})`;
}
