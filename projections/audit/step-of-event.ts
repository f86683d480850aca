/** The audit step an event makes: a run's own event, or a session event that happened while the run was open. Pure. */
import type { AutopilotEvent, AutopilotEventType, DataOf } from '../../events/catalogue.js';
import { assertNever } from '../../domain/assert-never.js';
import type { AuditStep, AuditStepOf, StepBase } from './steps.js';

/** Steps that copy fields of their event's data, in this order, each under its snake_case name. */
const COPIED = {
  ProposerStarted: ['attempt', 'proposer', 'pid', 'pidStartTime', 'containment'],
  ProposerStopped: ['attempt', 'pid', 'alive', 'reason'],
  ProposalAccepted: ['attempt', 'proposer', 'base', 'override', 'diff', 'normalizations', 'config', 'rationale', 'hypothesis'],
  RunStarted: ['attempt', 'launcher', 'argv', 'cwd', 'pid', 'pidStartTime', 'seed', 'logPath', 'logOffset', 'exitFile', 'job'],
  RunReattached: ['attempt', 'pid', 'jobId', 'foundBy', 'alive'],
  AttemptPlanned: ['attempt', 'launcher', 'job', 'argv', 'resubmission'],
  RunRequeued: ['attempt', 'jobId', 'restarts', 'state', 'reason'],
  TrackerRunLinked: ['attempt', 'tracker', 'url'],
  LauncherCommandFailed: ['attempt', 'launcher', 'command', 'argv', 'exitCode', 'message', 'try', 'tries', 'retryInMs'],
  CheckpointsPruned: ['strategy', 'removed', 'kept'],
  RunCommitted: ['sha', 'branch', 'parent', 'tag', 'best', 'files', 'refused', 'message', 'recovered'],
  RunCommitFailed: ['step', 'message', 'hint'],
  LockTakenOver: ['previousPid', 'pid'],
  LoopResumed: ['pid', 'state'],
  StopRequested: ['reason', 'now'],
  LoopHalted: ['reason', 'runsCompleted'],
} as const satisfies { [T in AutopilotEventType]?: readonly (keyof DataOf<T> & string)[] };

type Copying = keyof typeof COPIED;
/** `camelCase` → `snake_case`, as the audit names its fields. */
type Snake<S extends string> = S extends `${infer H}${infer R}` ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${Snake<R>}` : S;
/** What {@link copiedStep} builds for an event of type `T`. */
type CopiedStep<T extends Copying> = StepBase & { type: T } & { [K in (typeof COPIED)[T][number] as Snake<K>]: K extends keyof DataOf<T> ? DataOf<T>[K] : never };
/** Fails to compile when a row of the table no longer builds its audit step. */
type Builds<T extends true> = T;
type _TableBuildsSteps = Builds<{ [T in Copying]: CopiedStep<T> extends AuditStepOf<T> ? true : false }[Copying]>;

/** The step of an event the table covers: its listed data fields, renamed. */
function copiedStep(base: StepBase, e: Extract<AutopilotEvent, { type: Copying }>): AuditStep {
  const data = e.data as Record<string, unknown>;
  const step: Record<string, unknown> = { ...base, type: e.type };
  for (const key of COPIED[e.type]) step[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = data[key];
  return step as AuditStep;
}

/** The step for a run's own event (null for events that are not steps: progress). */
export function runStep(base: StepBase, e: AutopilotEvent): AuditStep | null {
  switch (e.type) {
    case 'RunPlanned':
      return { ...base, type: e.type, index: e.data.index, kind: e.data.kind, mode: e.data.mode, ...(e.data.parent ? { parent: e.data.parent } : {}) };
    case 'ProposalRequested': {
      const { runId: _runId, attempt, proposer, previousErrors, ...extra } = e.data;
      return { ...extra, ...base, type: e.type, attempt, proposer, previous_errors: previousErrors };
    }
    case 'ProposalReceived': {
      const { runId: _runId, attempt, proposer, seed, overrides, rationale, hypothesis, ...extra } = e.data;
      return { ...extra, ...base, type: e.type, attempt, proposer, seed, overrides, rationale, hypothesis };
    }
    case 'ProposalFailed': {
      const { runId: _runId, attempt, proposer, message, ...extra } = e.data;
      return { ...extra, ...base, type: e.type, attempt, proposer, message };
    }
    case 'GuardrailViolation':
      return violationStep(base, e.data);
    case 'ProposerStarted':
    case 'ProposerStopped':
    case 'ProposalAccepted':
    case 'RunStarted':
    case 'RunReattached':
    case 'AttemptPlanned':
    case 'RunRequeued':
    case 'TrackerRunLinked':
    case 'CheckpointsPruned':
    case 'RunCommitted':
    case 'RunCommitFailed':
      return copiedStep(base, e);
    // A launcher command's failure is a run's step when it names the run; otherwise it is a session step (contextStep).
    case 'LauncherCommandFailed':
      return e.data.runId === undefined ? null : copiedStep(base, e);
    case 'ProposalRejected':
      return { ...base, type: e.type, attempt: e.data.attempt, errors: e.data.errors, ...(e.data.omitted ? { omitted: e.data.omitted } : {}) };
    case 'RunProgress':
      return null;
    case 'RunFinished': {
      const d = e.data;
      const sampleSizes = Object.fromEntries(Object.entries(d.samples).map(([k, v]) => [k, v.length]));
      return { ...base, type: e.type, attempt: d.attempt, exit_code: d.exitCode, duration_ms: d.durationMs, summary_source: d.summarySource, metrics: d.metrics, sample_sizes: sampleSizes };
    }
    case 'RunFailed': {
      const d = e.data;
      return {
        ...base,
        type: e.type,
        attempt: d.attempt,
        reason: d.reason,
        exit_code: d.exitCode,
        signal: d.signal,
        duration_ms: d.durationMs,
        message: d.message,
        tail: d.tail ?? [],
      };
    }
    case 'RunEvaluated': {
      // Fields the catalogue adds later (confidence interval, resamples, …) pass through as they are named there.
      const { runId: _runId, verdict, metric, direction, method, candidate, incumbent, delta, seed, ...extra } = e.data;
      return {
        ...extra,
        ...base,
        type: e.type,
        verdict,
        metric,
        direction,
        method,
        candidate,
        incumbent: incumbent && { run_id: incumbent.runId, mean: incumbent.mean, n: incumbent.n },
        delta,
        seed,
      };
    }
    case 'IncumbentChanged': {
      const i = e.data.incumbent;
      return { ...base, type: e.type, previous: e.data.previous, run_id: i.runId, metric: i.metric, mean: i.mean, n: i.n };
    }
    case 'JournalWritten': {
      const d = e.data;
      return {
        ...base,
        type: e.type,
        status: d.status,
        action: d.action,
        observation: d.observation,
        outcome: d.outcome,
        next: d.next,
        ...(d.replication ? { replication: d.replication } : {}),
      };
    }
    case 'RolledBack': {
      const d = e.data;
      const { metric, mean, n } = d.incumbent;
      return { ...base, type: e.type, previous: d.previous, why: d.why, by: d.by, metric, mean, n, ...(d.restored ? { restored: d.restored } : {}) };
    }
    case 'LoopStarted':
    case 'InputsAccepted':
    case 'LockTakenOver':
    case 'LoopResumed':
    case 'StopRequested':
    case 'LoopHalted':
    case 'LoopCompleted':
    case 'StateEntered':
    case 'CheckpointsIndexed':
    case 'EvaluationPlanned':
    case 'EvaluatorStarted':
    case 'EvaluatorJobPlanned':
    case 'EvaluationFinished':
    case 'EvaluationFailed':
      return null;
    default:
      return assertNever(e, 'event');
  }
}

function violationStep(base: StepBase, d: DataOf<'GuardrailViolation'>): AuditStep {
  return {
    ...base,
    type: 'GuardrailViolation',
    ...(d.attempt !== undefined ? { attempt: d.attempt } : {}),
    ...(d.proposer !== undefined ? { proposer: d.proposer } : {}),
    ...(d.source !== undefined ? { source: d.source } : {}),
    action: d.action,
    paths: d.paths,
  };
}

/** The step for a session event that happened while the run was open (null when it is not worth one). */
export function contextStep(base: StepBase, e: AutopilotEvent): AuditStep | null {
  switch (e.type) {
    case 'GuardrailViolation':
      return e.data.runId === undefined ? violationStep(base, e.data) : null;
    case 'LauncherCommandFailed':
      return e.data.runId === undefined ? copiedStep(base, e) : null;
    case 'InputsAccepted':
      return { ...base, type: e.type, files: e.data.files.map((f) => f.path), why: e.data.why, by: e.data.by };
    case 'LockTakenOver':
    case 'LoopResumed':
    case 'StopRequested':
    case 'LoopHalted':
      return copiedStep(base, e);
    // A rollback is a step of the run rolled back to (its stream), not of the runs open then.
    case 'RolledBack':
    case 'LoopStarted':
    case 'LoopCompleted':
    case 'StateEntered':
    case 'RunPlanned':
    case 'ProposalRequested':
    case 'ProposalReceived':
    case 'ProposalFailed':
    case 'ProposalRejected':
    case 'ProposalAccepted':
    case 'ProposerStarted':
    case 'ProposerStopped':
    case 'AttemptPlanned':
    case 'RunStarted':
    case 'RunReattached':
    case 'RunRequeued':
    case 'RunProgress':
    case 'TrackerRunLinked':
    case 'RunFinished':
    case 'RunFailed':
    case 'RunEvaluated':
    case 'IncumbentChanged':
    case 'JournalWritten':
    case 'CheckpointsPruned':
    case 'CheckpointsIndexed':
    case 'EvaluationPlanned':
    case 'EvaluatorStarted':
    case 'EvaluatorJobPlanned':
    case 'EvaluationFinished':
    case 'EvaluationFailed':
    case 'RunCommitted':
    case 'RunCommitFailed':
      return null;
    default:
      return assertNever(e, 'event');
  }
}
