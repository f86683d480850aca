/** What the journal step records for a finished or failed run: the labbook fields and any promotion. */
import type { DataOf, IncumbentRef } from '../events/catalogue.js';
import { fmt, runIdOf } from './numbers.js';
import { mean, sampleOf } from './evaluate.js';

/** The facts of a run the journal needs (a subset of the machine's run context). */
export interface JournalFacts {
  runId: string;
  index: number;
  kind: 'baseline' | 'proposal';
  attempt: number;
  proposal: DataOf<'ProposalReceived'> | null;
  accepted: DataOf<'ProposalAccepted'> | null;
  finished: DataOf<'RunFinished'> | null;
  failure: DataOf<'RunFailed'> | null;
  evaluation: DataOf<'RunEvaluated'> | null;
}

/** The journal's decision for one run. */
export interface JournalDecision {
  entry: Omit<DataOf<'JournalWritten'>, 'runId'>;
  /** The new incumbent, when this run becomes one. */
  promote: IncumbentRef | null;
}

function describeChanges(accepted: JournalFacts['accepted']): string {
  if (!accepted) return 'no config';
  if (accepted.diff.length === 0) return 'config unchanged';
  return accepted.diff.map((c) => `${c.key.replace(/^[^.]+\./, '')}=${typeof c.to === 'number' ? fmt(c.to) : String(c.to)}`).join(', ');
}

function nextStep(runsCompleted: number, runsRequested: number, index: number): string {
  return runsCompleted + 1 >= runsRequested ? 'finish the loop' : `propose run ${runIdOf(index + 1)}`;
}

/** Decides the labbook entry (and any promotion) for a run the loop is done with. Pure. */
export function decideJournal(
  run: JournalFacts,
  incumbent: IncumbentRef | null,
  metric: { name: string },
  runsCompleted: number,
  runsRequested: number,
): JournalDecision {
  const who =
    run.kind === 'baseline'
      ? 'baseline'
      : `${run.proposal?.proposer ?? 'proposer'}${run.proposal?.seed == null ? '' : ` seed ${run.proposal.seed}`}`;
  const action = `run ${run.runId} (${who}): ${describeChanges(run.accepted)}`;
  const next = nextStep(runsCompleted, runsRequested, run.index);
  if (!run.finished || !run.evaluation) {
    const f = run.failure;
    const cause = f
      ? `${f.reason}${f.exitCode === null ? '' : ` exit ${f.exitCode}`}${f.signal ? ` ${f.signal}` : ''}: ${f.message}`
      : 'no result';
    return {
      entry: { status: 'failed', action, observation: `failed after ${run.attempt} attempt(s): ${cause}`, outcome: `failed (${f?.reason ?? 'unknown'})`, next },
      promote: null,
    };
  }
  const ev = run.evaluation;
  const sample = sampleOf(run.finished, metric.name);
  const observation = `${metric.name} ${fmt(ev.candidate.mean)} (n=${ev.candidate.n})${
    run.finished.metrics.success_rate === undefined ? '' : `, success ${fmt(run.finished.metrics.success_rate * 100)}%`
  }`;
  const vs = ev.incumbent ? ` vs ${ev.incumbent.runId} (n=${ev.candidate.n}/${ev.incumbent.n})` : '';
  const delta = ev.delta === null ? '' : ` ${ev.delta >= 0 ? '+' : ''}${fmt(ev.delta)}`;
  const promote =
    ev.verdict === 'baseline' || ev.verdict === 'improved'
      ? {
          runId: run.runId,
          metric: metric.name,
          mean: mean(sample),
          n: sample.length,
          sample,
          override: run.accepted?.override ?? {},
        }
      : null;
  const outcome = `${ev.verdict}${delta ? `:${delta}` : ''}${vs}${promote ? ' -> incumbent' : incumbent ? `; incumbent stays ${incumbent.runId}` : ''}`;
  return { entry: { status: 'completed', action, observation, outcome, next }, promote };
}
