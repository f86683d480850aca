/**
 * The run a loop is working on, and how each of its events changes it: `evolveRun(run, event)`,
 * pure, the same whether one run is in flight or several. The loop machine applies it to its run;
 * the session-level facts (incumbent, budgets, failures in a row) stay in the machine.
 */
import type { AutopilotEvent, DataOf } from '../events/catalogue.js';
import { assertNever } from '../domain/assert-never.js';

/** The run the loop is working on. */
export interface RunContext {
  runId: string;
  index: number;
  kind: 'baseline' | 'proposal' | 'replicate';
  /** The run a replicate repeats (null for other runs). */
  parent: string | null;
  /** Proposals asked for this run so far. */
  proposalAttempt: number;
  /** A proposal was asked for and not answered yet (a restarted proposer answers the same attempt). */
  awaitingProposal: boolean;
  /** The agent process of the attempt under way, once recorded (a restart stops it before asking again). */
  proposerProcess: DataOf<'ProposerStarted'> | null;
  /** The built-in proposer stands in for the configured one (which was exhausted) from attempt `fallbackAt` + 1 on. */
  fallback: boolean;
  fallbackAt: number;
  /** Errors of the last rejected proposal, handed back to the proposer. */
  errors: DataOf<'ProposalRejected'>['errors'];
  /** Errors of that rejection beyond `limits.max_problems`, counted but not kept. */
  errorsOmitted: number;
  proposal: DataOf<'ProposalReceived'> | null;
  accepted: DataOf<'ProposalAccepted'> | null;
  /** Launches of this run so far. */
  attempt: number;
  /** An attempt recorded before its cluster job was submitted, and not yet known as started (a restart looks for its job by name). */
  planned?: DataOf<'AttemptPlanned'> | null;
  /** The scheduler's restart count of the attempt in flight, as its requeues were recorded. */
  restarts?: number;
  /** The launch in flight (started, not yet ended), with when it started. */
  started: (DataOf<'RunStarted'> & { at: string }) | null;
  finished: DataOf<'RunFinished'> | null;
  failure: DataOf<'RunFailed'> | null;
  evaluation: DataOf<'RunEvaluated'> | null;
  /** The journal step has recorded this run's promotion already. */
  promoted?: boolean;
}

/** A run as RunPlanned starts it. */
export function newRun(data: DataOf<'RunPlanned'>): RunContext {
  return {
    runId: data.runId,
    index: data.index,
    kind: data.kind,
    parent: data.parent ?? null,
    proposalAttempt: 0,
    awaitingProposal: false,
    proposerProcess: null,
    fallback: false,
    fallbackAt: 0,
    errors: [],
    errorsOmitted: 0,
    proposal: null,
    accepted: null,
    attempt: 0,
    started: null,
    finished: null,
    failure: null,
    evaluation: null,
  };
}

/** The run once the built-in proposer stands in for the configured one (from the next attempt on). */
export function fallBack(run: RunContext): RunContext {
  return { ...run, fallback: true, fallbackAt: run.proposalAttempt };
}

/** The run after one of its events (events that do not change a run leave it as it is). Pure. */
export function evolveRun(run: RunContext, event: AutopilotEvent): RunContext {
  switch (event.type) {
    case 'ProposalRequested':
      return { ...run, proposalAttempt: event.data.attempt, awaitingProposal: true };
    case 'ProposalReceived':
      return { ...run, proposal: event.data, awaitingProposal: false, proposerProcess: null };
    case 'ProposalFailed':
      return { ...run, awaitingProposal: false, proposerProcess: null };
    case 'ProposerStarted':
      return { ...run, proposerProcess: event.data };
    case 'ProposerStopped':
      return { ...run, proposerProcess: null };
    case 'ProposalRejected':
      return { ...run, errors: event.data.errors, errorsOmitted: event.data.omitted ?? 0 };
    case 'ProposalAccepted':
      return { ...run, accepted: event.data, errors: [], errorsOmitted: 0 };
    case 'AttemptPlanned':
      return { ...run, planned: event.data };
    case 'RunRequeued':
      return { ...run, restarts: Math.max(run.restarts ?? 0, event.data.restarts) };
    case 'RunStarted': {
      // Slurm's fields are set only for its launches, so a local run's context stays as it was.
      const slurm = event.data.launcher === 'slurm' ? { planned: null, restarts: 0 } : {};
      return { ...run, attempt: event.data.attempt, started: { ...event.data, at: event.metadata.at }, ...slurm, failure: null };
    }
    case 'RunFinished':
      return { ...run, started: null, finished: event.data };
    case 'RunFailed':
      // A launch that never started still uses up an attempt.
      return { ...run, started: null, ...(run.planned ? { planned: null } : {}), failure: event.data, attempt: Math.max(run.attempt, event.data.attempt) };
    case 'RunEvaluated':
      return { ...run, evaluation: event.data };
    // A journal step restarted after a crash must not promote (or grow) the incumbent twice.
    case 'IncumbentChanged':
      return { ...run, promoted: true };
    case 'LoopStarted':
    case 'LockTakenOver':
    case 'LoopResumed':
    case 'RunPlanned':
    case 'RunReattached':
    case 'LauncherCommandFailed':
    case 'RunProgress':
    case 'TrackerRunLinked':
    case 'JournalWritten':
    case 'CheckpointsPruned':
    case 'CheckpointsIndexed':
    case 'RunCommitted':
    case 'RunCommitFailed':
    case 'GuardrailViolation':
    case 'InputsAccepted':
    case 'RolledBack':
    case 'StopRequested':
    case 'LoopHalted':
    case 'LoopCompleted':
    case 'EvaluationPlanned':
    case 'EvaluatorStarted':
    case 'EvaluatorJobPlanned':
    case 'EvaluationFinished':
    case 'EvaluationFailed':
    case 'StateEntered':
      return run;
    default:
      return assertNever(event, 'event');
  }
}
