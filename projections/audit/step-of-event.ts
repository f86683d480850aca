/** The audit step an event makes: a run's own event, or a session event that happened while the run was open. Pure. */
import type { AutopilotEvent, DataOf } from '../../events/catalogue.js';
import { assertNever } from '../../domain/assert-never.js';
import type { AuditStep, StepBase } from './steps.js';

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
    case 'ProposerStarted': {
      const d = e.data;
      return { ...base, type: e.type, attempt: d.attempt, proposer: d.proposer, pid: d.pid, pid_start_time: d.pidStartTime, containment: d.containment };
    }
    case 'ProposerStopped': {
      const d = e.data;
      return { ...base, type: e.type, attempt: d.attempt, pid: d.pid, alive: d.alive, reason: d.reason };
    }
    case 'ProposalRejected':
      return { ...base, type: e.type, attempt: e.data.attempt, errors: e.data.errors, ...(e.data.omitted ? { omitted: e.data.omitted } : {}) };
    case 'ProposalAccepted': {
      const d = e.data;
      return {
        ...base,
        type: e.type,
        attempt: d.attempt,
        proposer: d.proposer,
        base: d.base,
        override: d.override,
        diff: d.diff,
        normalizations: d.normalizations,
        config: d.config,
        rationale: d.rationale,
        hypothesis: d.hypothesis,
      };
    }
    case 'RunStarted': {
      const d = e.data;
      return {
        ...base,
        type: e.type,
        attempt: d.attempt,
        launcher: d.launcher,
        argv: d.argv,
        cwd: d.cwd,
        pid: d.pid,
        pid_start_time: d.pidStartTime,
        seed: d.seed,
        log_path: d.logPath,
        log_offset: d.logOffset,
        exit_file: d.exitFile,
      };
    }
    case 'RunReattached':
      return { ...base, type: e.type, attempt: e.data.attempt, pid: e.data.pid, alive: e.data.alive };
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
    case 'CheckpointsPruned':
      return { ...base, type: e.type, strategy: e.data.strategy, removed: e.data.removed, kept: e.data.kept };
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
    case 'LoopStarted':
    case 'InputsAccepted':
    case 'LockTakenOver':
    case 'LoopResumed':
    case 'StopRequested':
    case 'LoopHalted':
    case 'LoopCompleted':
    case 'StateEntered':
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
    case 'InputsAccepted':
      return { ...base, type: e.type, files: e.data.files.map((f) => f.path), why: e.data.why, by: e.data.by };
    case 'LockTakenOver':
      return { ...base, type: e.type, previous_pid: e.data.previousPid, pid: e.data.pid };
    case 'LoopResumed':
      return { ...base, type: e.type, pid: e.data.pid, state: e.data.state };
    case 'StopRequested':
      return { ...base, type: e.type, reason: e.data.reason, now: e.data.now };
    case 'LoopHalted':
      return { ...base, type: e.type, reason: e.data.reason, runs_completed: e.data.runsCompleted };
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
    case 'RunStarted':
    case 'RunReattached':
    case 'RunProgress':
    case 'RunFinished':
    case 'RunFailed':
    case 'RunEvaluated':
    case 'IncumbentChanged':
    case 'JournalWritten':
    case 'CheckpointsPruned':
      return null;
    default:
      return assertNever(e, 'event');
  }
}
