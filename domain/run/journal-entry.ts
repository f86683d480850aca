/** What the journal step records for a finished or failed run: the labbook fields and any promotion. */
import { overrideFromBaseline } from '../config/base-config.js';
import type { DataOf, IncumbentRef } from '../../events/catalogue.js';
import { fmt, runIdOf } from '../text/numbers.js';
import { confirmsIndependently, decideReplication, incumbentOf, isRemeasure, type Replication, type ReplicationRecord, type ReplicationSettings } from '../judging/replication.js';
import { fewValuesWarning, mean, sampleOf } from '../judging/sample.js';
import { verdictText } from '../judging/verdict-text.js';
import { REPLICATE_SEED_RULE } from './launch-plan.js';

/** The facts of a run the journal needs (a subset of the machine's run context). */
export interface JournalFacts {
  runId: string;
  index: number;
  kind: 'baseline' | 'proposal' | 'replicate';
  /** The run a replicate repeats. */
  parent?: string | null;
  attempt: number;
  proposal: DataOf<'ProposalReceived'> | null;
  accepted: DataOf<'ProposalAccepted'> | null;
  finished: DataOf<'RunFinished'> | null;
  failure: DataOf<'RunFailed'> | null;
  evaluation: DataOf<'RunEvaluated'> | null;
  /** Its promotion is recorded already (a journal step restarted after a crash). */
  promoted?: boolean;
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

/** True when a replicate's accepted config got no fresh seed (seeds.key names no number, or is null): it repeats its parent's seed, if any. */
function unseeded(accepted: JournalFacts['accepted']): boolean {
  return accepted !== null && !accepted.normalizations.some((n) => n.rule === REPLICATE_SEED_RULE);
}

function nextStep(runsCompleted: number, runsRequested: number, index: number, flight?: { inFlight: string[]; nextRunIndex: number }): string {
  if (runsCompleted + 1 >= runsRequested) return 'finish the loop';
  if (!flight) return `propose run ${runIdOf(index + 1)}`;
  // With runs in flight: they are waited for, and a run is proposed while the session has runs left to plan.
  const toPlan = runsRequested - runsCompleted - 1 - flight.inFlight.length > 0;
  const wait = flight.inFlight.length > 0 ? `wait for run(s) ${flight.inFlight.join(', ')}` : '';
  const propose = toPlan ? `propose run ${runIdOf(flight.nextRunIndex)}` : '';
  return [propose, wait].filter(Boolean).join(' and ') || 'finish the loop';
}

function replicationNote(r: ReplicationRecord | undefined, ownSample = false, minEffect: number | null = null): string {
  if (!r) return '';
  const of = `${r.done} of ${r.target}${ownSample ? ` of ${r.parent} on its own sample` : ''}`;
  const ofParent = ownSample ? '' : ` of ${r.parent}`;
  switch (r.decision) {
    case 'replicate':
      if (r.done === 0 && r.reason === 'inconclusive')
        return `; ${minEffect == null ? 'inconclusive' : `its interval reaches min_effect ${fmt(minEffect)}`}: up to ${r.target} replicate(s), pooled with it, before it is dropped`;
      return r.done === 0 ? `; replicate ${r.target} time(s) before ${r.reason === 'baseline' ? 'comparing with it' : 'promoting'}` : `; replicate ${of}${ofParent}, next replicate`;
    case 'confirmed':
      return `; replicate ${of}${ofParent}: ${r.reason === 'baseline' ? 'its sample pooled' : 'confirmed'}`;
    case 'not-confirmed':
      return `; replicate ${of}${ofParent}: not confirmed`;
    case 'budget-spent':
      return `; replicate ${of}${ofParent}: still inconclusive, replication budget spent`;
    case 'failed':
      return `; replicate ${of}${ofParent} failed: replication abandoned`;
  }
}

/** Decides the labbook entry, any promotion and any replication for a run the loop is done with. Pure. */
export function decideJournal(
  run: JournalFacts,
  incumbent: IncumbentRef | null,
  metric: { name: string },
  runsCompleted: number,
  runsRequested: number,
  replication: Replication | null = null,
  settings: ReplicationSettings = { replicates: 0, inconclusiveReplicates: 0 },
  extraRunsSpent = 0,
  flight?: { inFlight: string[]; nextRunIndex: number },
): JournalDecision {
  const who =
    run.kind === 'baseline'
      ? 'baseline'
      : run.kind === 'replicate'
        ? `${replication && run.parent !== replication.parent ? 're-run of the incumbent' : 'replicate of'} ${run.parent ?? '?'}${unseeded(run.accepted) ? ', seed not set' : ''}`
        : `${run.proposal?.proposer ?? 'proposer'}${run.proposal?.seed == null ? '' : ` seed ${run.proposal.seed}`}`;
  const action = `run ${run.runId} (${who}): ${describeChanges(run.accepted)}`;
  const next = nextStep(runsCompleted, runsRequested, run.index, flight);
  const sample = run.finished ? sampleOf(run.finished, metric.name) : [];
  // The incumbent it was proposed on has not changed yet: promotions happen only here.
  const facts = {
    runId: run.runId,
    kind: run.kind,
    parent: run.parent ?? null,
    verdict: run.evaluation?.verdict ?? null,
    interval: run.evaluation?.interval ?? null,
    sample,
    override: overrideFromBaseline(run.accepted, incumbent),
  };
  const decision = decideReplication(facts, replication, settings, extraRunsSpent);
  const record = decision.record ? { replication: decision.record } : {};
  // Once recorded, the incumbent in hand is the promoted one: growing it again would count this run twice.
  const promote =
    decision.promote && run.finished && run.evaluation ? (run.promoted && incumbent ? incumbent : incumbentOf(decision.promote, facts, replication, metric.name, incumbent, settings)) : null;
  const remeasure = isRemeasure(facts, replication);
  const ownSample = !remeasure && run.kind === 'replicate' && confirmsIndependently(replication, settings);
  if (!run.finished || !run.evaluation) {
    const f = run.failure;
    // What the trainer said last, unless the message already quotes it.
    const last = f?.tail?.at(-1);
    const said = last && f && !f.message.includes(last) ? `; last output: ${last}` : '';
    // A run that finished beside a baseline that failed has a result but nothing to be compared with.
    const unjudged = run.finished && !run.evaluation && !incumbent ? 'not judged: there is no incumbent to compare it with (the baseline failed)' : 'no result';
    const cause = f ? `${f.reason}${f.exitCode === null ? '' : ` exit ${f.exitCode}`}${f.signal ? ` ${f.signal}` : ''}: ${f.message}${said}` : unjudged;
    return {
      entry: {
        status: 'failed',
        action,
        observation: `failed after ${run.attempt} attempt(s): ${cause}`,
        outcome: `failed (${f?.reason ?? 'unknown'})${remeasure ? `; re-run of the incumbent ${run.parent ?? '?'} failed: replication of ${replication?.parent ?? '?'} abandoned` : replicationNote(decision.record, ownSample)}`,
        next,
        ...record,
      },
      promote: null,
    };
  }
  const ev = run.evaluation;
  const few = fewValuesWarning(sample.length, metric.name);
  const observation = `${metric.name} ${fmt(mean(sample))} (n=${sample.length})${
    run.finished.metrics.success_rate === undefined ? '' : `, success ${fmt(run.finished.metrics.success_rate * 100)}%`
  }${ev.pooled ? `; pooled with ${ev.pooled.filter((id) => id !== run.runId).join(', ')}: n=${ev.candidate.n}` : ''}${few ? `; ${few}` : ''}`;
  const after = promote ? ` -> incumbent${promote.runId === run.runId ? '' : ` ${promote.runId}`}` : incumbent ? `; incumbent stays ${incumbent.runId}` : '';
  if (remeasure && promote) {
    const outcome = `re-run of the incumbent ${promote.runId} for the confirmation of ${replication?.parent ?? '?'}: ${metric.name} ${fmt(mean(sample))} (n=${sample.length}); incumbent ${promote.runId} now ${fmt(promote.mean)} (n=${promote.n})`;
    return { entry: { status: 'completed', action, observation, outcome, next, ...record }, promote };
  }
  const outcome = `${verdictText(ev, { style: 'labbook' })}${replicationNote(decision.record, ownSample, settings.minEffect ?? null)}${after}`;
  return { entry: { status: 'completed', action, observation, outcome, next, ...record }, promote };
}
