/**
 * The audit of one run folded from the log alone: who proposed it and why, how each proposal was
 * validated, what changed against the incumbent, how the trainer was launched and ended, the
 * verdict, the incumbent change and the journal entry. Pure (no I/O).
 */
import type { AutopilotEvent, DataOf } from '../../events/catalogue.js';
import type { StoredEvent } from '../../events/store.js';
import { assertNever } from '../../domain/assert-never.js';
import { runIdOf } from '../../domain/text/numbers.js';
import type { AuditLookup, AuditProposal, AuditSession, AuditStep, RunAudit, StepBase } from './steps.js';
import { contextStep, runStep } from './step-of-event.js';

/** `7` or `007` → `007`; anything else is returned unchanged (and will not be found). */
export function normalizeRunId(arg: string): string {
  return /^\d+$/.test(arg) && arg.length < 3 ? runIdOf(Number(arg)) : arg;
}

/** The message for a run the log does not hold, naming the runs it does. */
export function missingRunMessage(runId: string, runIds: readonly string[]): string {
  if (runIds.length === 0) return `no run ${runId} in the log; it holds no runs yet`;
  const range = runIds.length === 1 ? runIds[0]! : `${runIds[0]!}..${runIds.at(-1)!}`;
  return `no run ${runId} in the log; runs are ${range}`;
}

function newAudit(d: DataOf<'RunPlanned'>, session: AuditSession | null): RunAudit {
  return {
    run_id: d.runId,
    index: d.index,
    kind: d.kind,
    mode: d.mode,
    status: 'in progress',
    session,
    proposer: null,
    rationale: null,
    hypothesis: null,
    base: null,
    diff: [],
    normalizations: [],
    proposals: [],
    launches: [],
    outcome: null,
    verdict: null,
    incumbent_change: null,
    journal: null,
    steps: [],
  };
}

function proposal(a: RunAudit, attempt: number, proposer: string): AuditProposal {
  let p = a.proposals.find((x) => x.attempt === attempt);
  if (!p) {
    p = { attempt, proposer, seed: null, seq: null, result: 'pending', result_seq: null, errors: [], message: null };
    a.proposals.push(p);
  }
  return p;
}

/** Folds one step into the audit's summary fields. */
function absorb(a: RunAudit, step: AuditStep): void {
  switch (step.type) {
    case 'RunPlanned':
    case 'GuardrailViolation':
    case 'ProposerStarted':
    case 'ProposerStopped':
    case 'InputsAccepted':
    case 'RolledBack':
    case 'CheckpointsPruned':
    case 'RunCommitted':
    case 'RunCommitFailed':
    case 'LockTakenOver':
    case 'LoopResumed':
    case 'StopRequested':
      return;
    case 'ProposalRequested': {
      const p = proposal(a, step.attempt, step.proposer);
      const agent = (step as { agent?: { cli: string; model?: string } }).agent;
      if (agent) p.agent = { cli: agent.cli, model: agent.model ?? null };
      return;
    }
    case 'ProposalReceived': {
      const p = proposal(a, step.attempt, step.proposer);
      Object.assign(p, { proposer: step.proposer, seed: step.seed, seq: step.seq });
      a.proposer = { kind: step.proposer, seed: step.seed, model: p.agent?.model ?? null, agent: p.agent?.cli ?? null, attempt: step.attempt };
      a.rationale = step.rationale;
      a.hypothesis = step.hypothesis;
      return;
    }
    case 'ProposalFailed':
      Object.assign(proposal(a, step.attempt, step.proposer), { result: 'failed', result_seq: step.seq, message: step.message });
      return;
    case 'ProposalRejected':
      Object.assign(proposal(a, step.attempt, a.proposer?.kind ?? 'unknown'), { result: 'rejected', result_seq: step.seq, errors: step.errors });
      return;
    case 'ProposalAccepted': {
      // A baseline (attempt 0) was never proposed: the accepted event is its only record.
      if (step.attempt > 0) Object.assign(proposal(a, step.attempt, step.proposer), { result: 'accepted', result_seq: step.seq });
      const received = a.proposals.find((p) => p.attempt === step.attempt);
      a.proposer = { kind: step.proposer, seed: received?.seed ?? null, model: received?.agent?.model ?? null, agent: received?.agent?.cli ?? null, attempt: step.attempt };
      Object.assign(a, { base: step.base, diff: step.diff, normalizations: step.normalizations, rationale: step.rationale, hypothesis: step.hypothesis });
      return;
    }
    case 'RunStarted':
      a.launches.push({
        attempt: step.attempt,
        seq: step.seq,
        pid: step.pid,
        ...(step.job ? { job_id: step.job.id } : {}),
        seed: step.seed,
        outcome: 'running',
        end_seq: null,
        progress_events: 0,
        last_progress: null,
      });
      a.status = 'running';
      return;
    case 'RunReattached':
      if (step.alive) a.status = 'running';
      return;
    // Steps shown as they are, which change no summary field.
    case 'AttemptPlanned':
    case 'RunRequeued':
    case 'TrackerRunLinked':
    case 'LauncherCommandFailed':
      return;
    case 'RunFinished':
    case 'RunFailed': {
      const l = a.launches.find((x) => x.attempt === step.attempt);
      if (l) Object.assign(l, { outcome: step.type === 'RunFinished' ? 'finished' : 'failed', end_seq: step.seq });
      a.outcome = step;
      a.status = 'in progress';
      return;
    }
    case 'RunEvaluated':
      a.verdict = step;
      return;
    case 'IncumbentChanged':
      // A later re-run that only grew its sample (previous = itself) is not the change that made it the incumbent.
      if (!a.incumbent_change || step.previous !== step.run_id) a.incumbent_change = step;
      return;
    case 'JournalWritten':
      a.journal = step;
      a.status = step.status;
      return;
    case 'LoopHalted':
      a.status = 'halted';
      return;
    default:
      assertNever(step, 'audit step');
  }
}

/**
 * Folds the log into the audit of `runId`: the run's own events, plus the events of its session
 * (stop requests, resumptions, lock takeovers, a halt) that happened while it was open. Reads every
 * event once; when the run is absent, returns the run ids the log holds instead.
 */
export function auditRun(events: Iterable<StoredEvent<AutopilotEvent>>, runId: string): AuditLookup {
  const sessions = new Map<string, AuditSession>();
  const runIds: string[] = [];
  let audit: RunAudit | null = null;
  let open = false;
  for (const stored of events) {
    const e = stored.event;
    const base: StepBase = { seq: stored.seq, at: e.metadata.at, stream: stored.streamId };
    if (e.type === 'LoopStarted') {
      const d = e.data;
      sessions.set(d.session, {
        session: d.session,
        seq: stored.seq,
        at: e.metadata.at,
        mode: d.mode,
        proposer: d.proposer,
        metric: d.metric.name,
        direction: d.metric.direction,
        runs_requested: d.runsRequested,
      });
    }
    if (e.type === 'RunPlanned') runIds.push(e.data.runId);
    const data = (e.type === 'RolledBack' ? { runId: e.data.to } : e.data) as { runId?: unknown };
    if (data.runId === runId) {
      if (e.type === 'RunPlanned' && !audit) {
        audit = newAudit(e.data, sessions.get(e.metadata.session) ?? null);
        open = true;
      }
      if (!audit) continue;
      if (e.type === 'RunProgress') {
        const l = audit.launches.find((x) => x.attempt === e.data.attempt);
        if (l) Object.assign(l, { progress_events: l.progress_events + 1, last_progress: e.data.metrics });
        continue;
      }
      const step = runStep(base, e);
      if (!step) continue;
      audit.steps.push(step);
      absorb(audit, step);
      if (step.type === 'JournalWritten') open = false;
      continue;
    }
    if (!audit || !open || e.metadata.session !== audit.session?.session) continue;
    if (e.type === 'LoopCompleted') open = false;
    const step = contextStep(base, e);
    if (!step) continue;
    audit.steps.push(step);
    absorb(audit, step);
    if (step.type === 'LoopHalted') open = false;
  }
  return audit ? { found: true, audit } : { found: false, runIds: [...new Set(runIds)].sort() };
}
