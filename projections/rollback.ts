/**
 * What `autopilot rollback RUN` installs as the incumbent, decided from the log alone: the run's
 * reference as the loop last compared against it (its last IncumbentChanged, whose sample may have
 * grown with replicates), else its own sample and its config as an override of the baseline. Runs
 * that cannot be compared against are refused. Pure.
 */
import type { AutopilotEvent, IncumbentRef } from '../events/catalogue.js';
import type { StoredEvent } from '../events/store.js';
import { AutopilotError } from '../domain/errors.js';
import { overrideFromBaseline } from '../domain/config/base-config.js';
import { mean, sampleOf } from '../domain/judging/sample.js';
import { missingRunMessage } from './audit/fold.js';
import { evolveView, emptyView, type WorkspaceView } from './view.js';

/** The log as a rollback needs it: the view, and each run's reference as it last became (or grew as) the incumbent. */
export interface RollbackHistory {
  view: WorkspaceView;
  incumbentRefs: Map<string, IncumbentRef>;
}

/** Folds the log into what {@link rollbackTarget} decides from. */
export function foldRollbackHistory(events: Iterable<StoredEvent<AutopilotEvent>>): RollbackHistory {
  const view = emptyView();
  const incumbentRefs = new Map<string, IncumbentRef>();
  for (const stored of events) {
    evolveView(view, stored);
    if (stored.event.type === 'IncumbentChanged') incumbentRefs.set(stored.event.data.runId, stored.event.data.incumbent);
  }
  return { view, incumbentRefs };
}

/** The rollback to `runId`: the incumbent it installs, the one it replaces, and the session it is recorded in (the log's last). */
export interface RollbackTarget {
  incumbent: IncumbentRef;
  previous: string | null;
  session: string;
}

const notFound = (message: string, hint?: string) => new AutopilotError('not-found', message, hint === undefined ? {} : { hint });

/** Decides the rollback to `runId`, or throws an AutopilotError saying why the run cannot be the incumbent. */
export function rollbackTarget(h: RollbackHistory, runId: string): RollbackTarget {
  const { view } = h;
  const run = view.runs.get(runId);
  if (!run) throw notFound(missingRunMessage(runId, [...view.runs.keys()].sort()));
  const session = [...view.sessions.values()].at(-1);
  if (!session) throw notFound(`no loop session in the log to record the rollback in`);
  const metric = session.metric.name;
  const failed = run.journal?.status === 'failed' || (run.finished === null && run.failures.length > 0);
  if (failed) {
    const why = run.failures.at(-1);
    throw new AutopilotError('failed', `run ${runId} failed${why ? ` (${why.reason}: ${why.message})` : ''}: a failed run has no result to roll back to`, {
      hint: 'pick a run that finished and was evaluated (autopilot status lists them)',
    });
  }
  const sample = run.finished ? sampleOf(run.finished, metric) : [];
  if (run.evaluation === null || run.accepted === null || sample.length === 0)
    throw new AutopilotError(
      'failed',
      `run ${runId} has no evaluated sample of ${metric} (${run.journal ? 'it reported none' : 'it was not journaled'}): nothing to compare later runs against`,
      {
        hint: 'pick a run that finished and was evaluated (autopilot status lists them)',
      },
    );
  // An unfinished session resumes with the rollback folded in, but a verdict it recorded against the incumbent replaced is not taken back.
  const judged = [...view.runs.values()].find((r) => r.session === session.session && session.status === 'running' && r.evaluation !== null && r.journal === null);
  if (judged)
    throw new AutopilotError('failed', `run ${judged.runId} of the unfinished session ${session.session} was judged against the incumbent of then and is not journaled yet`, {
      hint: 'resume it (autopilot loop), stop it after that run (autopilot stop), then roll back',
    });
  const previous = view.incumbent?.ref.runId ?? null;
  if (previous === runId) throw new AutopilotError('usage', `run ${runId} is the incumbent already: nothing to roll back`);
  const known = h.incumbentRefs.get(runId);
  if (known && known.metric === metric) return { incumbent: known, previous, session: session.session };
  // Never the incumbent: its config is its base's (the incumbent it was proposed on) with its own override on top.
  const base = run.accepted.base === 'baseline' ? null : (h.incumbentRefs.get(run.accepted.base) ?? null);
  const incumbent: IncumbentRef = { runId, metric, mean: mean(sample), n: sample.length, sample, override: overrideFromBaseline(run.accepted, base) };
  return { incumbent, previous, session: session.session };
}
