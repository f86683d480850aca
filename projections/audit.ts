/**
 * The audit of one run: its decision chain read from the log alone — who proposed it and why, how
 * each proposal was validated, what changed against the incumbent, how the trainer was launched and
 * ended, the verdict, the incumbent change and the journal entry — every step with its sequence
 * number and time. Pure (no I/O): `auditRun` folds stored events, `renderAudit` prints the report.
 */
import type { AutopilotEvent, DataOf } from '../events/catalogue.js';
import type { StoredEvent } from '../events/store.js';
import { assertNever } from '../domain/assert-never.js';
import { fmt, runIdOf } from '../domain/text/numbers.js';
import { utc } from './render.js';
import { textOfLines } from '../domain/text/escape.js';
import { shownPaths } from '../domain/text/violation-paths.js';

type ValidationErrors = DataOf<'ProposalRejected'>['errors'];

/** What every step has: where it sits in the log and when it happened (UTC, ISO 8601). */
interface StepBase {
  seq: number;
  at: string;
  stream: string;
}

/**
 * Fields a step passes through verbatim, named as in the catalogue: optional fields added to the
 * proposal and evaluation events after this module was written (a proposer process, a fallback, a
 * confidence interval…) reach the audit without a change here.
 */
type Extra = Record<string, unknown>;

/** One event of a run's decision chain, with the fields an auditor reads (samples left out). */
export type AuditStep = StepBase &
  (
    | { type: 'RunPlanned'; index: number; kind: 'baseline' | 'proposal' | 'replicate'; mode: 'quick' | 'full'; parent?: string }
    | ({ type: 'ProposalRequested'; attempt: number; proposer: string; previous_errors: ValidationErrors } & Extra)
    | ({
        type: 'ProposalReceived';
        attempt: number;
        proposer: string;
        seed: number | null;
        overrides: unknown;
        rationale: string;
        hypothesis: string;
      } & Extra)
    | ({ type: 'ProposalFailed'; attempt: number; proposer: string; message: string } & Extra)
    | {
        type: 'GuardrailViolation';
        attempt?: number;
        proposer?: string;
        source?: DataOf<'GuardrailViolation'>['source'];
        action: DataOf<'GuardrailViolation'>['action'];
        paths: DataOf<'GuardrailViolation'>['paths'];
      }
    | { type: 'ProposerStarted'; attempt: number; proposer: string; pid: number; pid_start_time: string | null; containment: DataOf<'ProposerStarted'>['containment'] }
    | { type: 'ProposerStopped'; attempt: number; pid: number; alive: boolean; reason: string }
    | { type: 'InputsAccepted'; files: string[]; why: string; by: string }
    | { type: 'ProposalRejected'; attempt: number; errors: ValidationErrors; omitted?: number }
    | { type: 'CheckpointsPruned'; strategy: DataOf<'CheckpointsPruned'>['strategy']; removed: string[]; kept: string[] }
    | {
        type: 'ProposalAccepted';
        attempt: number;
        proposer: string;
        base: string;
        override: DataOf<'ProposalAccepted'>['override'];
        diff: DataOf<'ProposalAccepted'>['diff'];
        normalizations: DataOf<'ProposalAccepted'>['normalizations'];
        config: DataOf<'ProposalAccepted'>['config'];
        rationale: string;
        hypothesis: string;
      }
    | {
        type: 'RunStarted';
        attempt: number;
        launcher: string;
        argv: string[];
        cwd: string;
        pid: number;
        pid_start_time: string | null;
        seed: number | null;
        log_path: string;
        log_offset: number;
        exit_file: string | null;
      }
    | { type: 'RunReattached'; attempt: number; pid: number; alive: boolean }
    | {
        type: 'RunFinished';
        attempt: number;
        exit_code: number;
        duration_ms: number;
        summary_source: 'summary' | 'log';
        metrics: Record<string, number>;
        /** Per-episode sample sizes by metric (the samples themselves stay in the log). */
        sample_sizes: Record<string, number>;
      }
    | {
        type: 'RunFailed';
        attempt: number;
        reason: DataOf<'RunFailed'>['reason'];
        exit_code: number | null;
        signal: string | null;
        duration_ms: number;
        message: string;
        tail: string[];
      }
    | ({
        type: 'RunEvaluated';
        verdict: DataOf<'RunEvaluated'>['verdict'];
        metric: string;
        direction: 'maximize' | 'minimize';
        method: string;
        candidate: { mean: number; n: number };
        incumbent: { run_id: string; mean: number; n: number } | null;
        delta: number | null;
        seed: number | null;
      } & Extra)
    | { type: 'IncumbentChanged'; previous: string | null; run_id: string; metric: string; mean: number; n: number }
    | {
        type: 'JournalWritten';
        status: 'completed' | 'failed';
        action: string;
        observation: string;
        outcome: string;
        next: string;
        replication?: DataOf<'JournalWritten'>['replication'];
      }
    | { type: 'LockTakenOver'; previous_pid: number | null; pid: number }
    | { type: 'LoopResumed'; pid: number; state: string }
    | { type: 'StopRequested'; reason: string; now: boolean }
    | { type: 'LoopHalted'; reason: string; runs_completed: number }
  );

/** The step of a given type. */
export type AuditStepOf<T extends AuditStep['type']> = Extract<AuditStep, { type: T }>;

/** Who proposed the run: the proposer kind, its seed, and for an agent its CLI and model (null when not recorded). */
export interface AuditProposer {
  kind: string;
  seed: number | null;
  model: string | null;
  agent: string | null;
  /** The proposal attempt this describes (0 for a baseline, which nobody proposed). */
  attempt: number;
}

/** One proposal attempt and what validation made of it. */
export interface AuditProposal {
  attempt: number;
  proposer: string;
  seed: number | null;
  /** Seq of the ProposalReceived (null when the proposer failed before answering). */
  seq: number | null;
  result: 'accepted' | 'rejected' | 'failed' | 'pending';
  /** Seq of the event that settled it (accepted, rejected or failed). */
  result_seq: number | null;
  errors: ValidationErrors;
  message: string | null;
  /** The agent CLI asked (codex, claude, command) and its model, when the proposer is one. */
  agent?: { cli: string; model: string | null };
}

/** One launch of the trainer and how it ended. */
export interface AuditLaunch {
  attempt: number;
  seq: number;
  pid: number;
  seed: number | null;
  outcome: 'running' | 'finished' | 'failed';
  end_seq: number | null;
  progress_events: number;
  last_progress: Record<string, number> | null;
}

/** Where the run stands according to the log. */
export type AuditStatus = 'completed' | 'failed' | 'halted' | 'running' | 'in progress';

/** The loop session that planned the run. */
export interface AuditSession {
  session: string;
  seq: number;
  at: string;
  mode: 'quick' | 'full';
  proposer: string;
  metric: string;
  direction: 'maximize' | 'minimize';
  runs_requested: number;
}

/** The decision chain of one run (this is also the `audit --json` object). */
export interface RunAudit {
  run_id: string;
  index: number;
  kind: 'baseline' | 'proposal' | 'replicate';
  mode: 'quick' | 'full';
  status: AuditStatus;
  session: AuditSession | null;
  proposer: AuditProposer | null;
  rationale: string | null;
  hypothesis: string | null;
  /** What the overrides were merged into: `baseline` or the incumbent's run id (null until accepted). */
  base: string | null;
  diff: DataOf<'ProposalAccepted'>['diff'];
  normalizations: DataOf<'ProposalAccepted'>['normalizations'];
  proposals: AuditProposal[];
  launches: AuditLaunch[];
  /** How the last launch ended. */
  outcome: AuditStepOf<'RunFinished'> | AuditStepOf<'RunFailed'> | null;
  verdict: AuditStepOf<'RunEvaluated'> | null;
  incumbent_change: AuditStepOf<'IncumbentChanged'> | null;
  journal: AuditStepOf<'JournalWritten'> | null;
  /** Every step in log order. */
  steps: AuditStep[];
}

/** The audit of a run, or the run ids the log does hold. */
export type AuditLookup = { found: true; audit: RunAudit } | { found: false; runIds: string[] };

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

/** The step for a run's own event (null for events that are not steps: progress). */
function runStep(base: StepBase, e: AutopilotEvent): AuditStep | null {
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
function contextStep(base: StepBase, e: AutopilotEvent): AuditStep | null {
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

/** Folds one step into the audit's summary fields. */
function absorb(a: RunAudit, step: AuditStep): void {
  switch (step.type) {
    case 'RunPlanned':
    case 'GuardrailViolation':
    case 'ProposerStarted':
    case 'ProposerStopped':
    case 'InputsAccepted':
    case 'CheckpointsPruned':
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
      a.launches.push({ attempt: step.attempt, seq: step.seq, pid: step.pid, seed: step.seed, outcome: 'running', end_seq: null, progress_events: 0, last_progress: null });
      a.status = 'running';
      return;
    case 'RunReattached':
      if (step.alive) a.status = 'running';
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
    const data = e.data as { runId?: unknown };
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

// ---------------------------------------------------------------------------------------------
// Human-readable report

/** A config value as the audit prints it: exact, strings quoted. */
function value(v: unknown): string {
  if (v === null) return '(unset)';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Quotes an argv element for a POSIX shell only when it needs it. */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function flatten(o: unknown, prefix = ''): [string, unknown][] {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return [[prefix || '(value)', o]];
  return Object.entries(o as Record<string, unknown>).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? flatten(v, `${prefix}${k}.`) : [[`${prefix}${k}`, v] as [string, unknown]],
  );
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${fmt(x)}`;
}

function seconds(ms: number): string {
  return `${fmt(ms / 1000)}s`;
}

function errorLine(e: ValidationErrors[number]): string {
  return `${e.key} = ${value(e.value)}: ${e.message} (allowed: ${e.expected}; rule ${e.rule})`;
}

/** `key: value` lines for the fields a step passes through beyond the ones named in `known`. */
// The prompt an agent saw, verbatim, each line behind a bar so it reads apart from the audit's own lines.
function promptLines(step: AuditStep): string[] {
  const prompt = (step as { prompt?: { template: string; text: string } }).prompt;
  if (!prompt) return [];
  return [
    `prompt (rendered from ${prompt.template}):`,
    ...prompt.text
      .replace(/\n$/, '')
      .split('\n')
      .map((l) => `  | ${l}`),
  ];
}

function extraLines(step: AuditStep, known: readonly string[]): string[] {
  const skip = new Set(['seq', 'at', 'stream', 'type', ...known]);
  return Object.entries(step)
    .filter(([k, v]) => !skip.has(k) && v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
}

/**
 * One-line verdict: `improved — mean_reward 480 (n=32) vs run 001 461.8 (n=32), delta +18.2;
 * 95% interval of the gain [5.1, 30.2] (bootstrap-percentile, 10000 resamples, seed 123);
 * Welch t=2.31 df=60.2 p=0.024`.
 */
export function verdictLine(v: AuditStepOf<'RunEvaluated'>): string {
  const cand = `${v.metric} ${fmt(v.candidate.mean)} (n=${v.candidate.n})`;
  const inc = v.incumbent ? ` vs run ${v.incumbent.run_id} ${fmt(v.incumbent.mean)} (n=${v.incumbent.n})` : '';
  const delta = v.delta === null ? '' : `, delta ${signed(v.delta)}`;
  const x = v as AuditStepOf<'RunEvaluated'> & Partial<Pick<DataOf<'RunEvaluated'>, 'interval' | 'alpha' | 'sidedness' | 'resamples' | 'welch' | 'reason' | 'pooled'>>;
  const level = x.alpha === undefined ? null : x.sidedness === 'one-sided' ? 1 - 2 * x.alpha : 1 - x.alpha;
  const ci = x.interval
    ? `; ${level === null ? '' : `${fmt(level * 100)}% `}interval of the gain [${fmt(x.interval[0])}, ${fmt(x.interval[1])}] (${v.method === 'welch-t' ? `Welch's t, with a studentized permutation test: ${x.resamples ?? '?'} permutations, seed ${v.seed ?? '-'}` : `${v.method}, ${x.resamples ?? '?'} resamples, seed ${v.seed ?? '-'}`})`
    : x.reason
      ? `; no interval: ${x.reason}`
      : '';
  const welch = x.welch ? `; Welch t=${fmt(x.welch.t)} df=${fmt(x.welch.df)} p=${fmt(x.welch.p)}` : '';
  const pooled = x.pooled ? `; pooled ${x.pooled.join(' + ')}` : '';
  return `${v.verdict} — ${cand}${inc}${delta}${ci}${welch}${pooled}`;
}

/** The heading a step is printed under. */
function heading(step: AuditStep): string {
  switch (step.type) {
    case 'RunPlanned':
      return 'Plan';
    case 'ProposalRequested':
    case 'ProposalReceived':
    case 'ProposalFailed':
    case 'ProposalRejected':
    case 'ProposalAccepted':
    case 'GuardrailViolation':
    case 'ProposerStarted':
    case 'ProposerStopped':
      return 'Proposal and validation';
    case 'RunStarted':
    case 'RunReattached':
    case 'RunFinished':
    case 'RunFailed':
      return 'Training';
    case 'RunEvaluated':
      return 'Evaluation';
    case 'IncumbentChanged':
      return 'Incumbent';
    case 'JournalWritten':
    case 'CheckpointsPruned':
      return 'Journal';
    case 'LockTakenOver':
    case 'LoopResumed':
    case 'StopRequested':
    case 'LoopHalted':
    case 'InputsAccepted':
      return 'Loop';
    default:
      return assertNever(step, 'audit step');
  }
}

function violationWho(source: DataOf<'GuardrailViolation'>['source'], proposer: string | undefined): string {
  switch (source ?? 'proposer') {
    case 'proposer':
      return proposer ?? 'the proposer';
    case 'trainer':
      return 'the trainer';
    case 'inputs':
      return 'someone (not through a command)';
    case 'workspace':
      return 'something in the workspace';
  }
  return 'something';
}

/** What a step says: a headline and detail lines. */
function describe(step: AuditStep): { head: string; details: string[] } {
  switch (step.type) {
    case 'RunPlanned':
      return { head: `planned as ${step.kind === 'baseline' ? 'the baseline' : 'a proposal'} (index ${step.index}, ${step.mode} mode)`, details: [] };
    case 'ProposalRequested':
      return {
        head: `attempt ${step.attempt} asked of ${step.proposer}${step.previous_errors.length ? `, handing back ${step.previous_errors.length} error(s)` : ''}`,
        details: [...step.previous_errors.map((e) => `previous error: ${errorLine(e)}`), ...extraLines(step, ['attempt', 'proposer', 'previous_errors', 'prompt']), ...promptLines(step)],
      };
    case 'ProposalReceived':
      return {
        head: `attempt ${step.attempt} from ${step.proposer}${step.seed === null ? '' : ` (seed ${step.seed})`}`,
        details: [
          `overrides: ${
            flatten(step.overrides)
              .map(([k, v]) => `${k}=${value(v)}`)
              .join(', ') || '(none)'
          }`,
          `rationale: ${step.rationale}`,
          `hypothesis: ${step.hypothesis}`,
          ...extraLines(step, ['attempt', 'proposer', 'seed', 'overrides', 'rationale', 'hypothesis']),
        ],
      };
    case 'ProposalFailed':
      return {
        head: `attempt ${step.attempt}: proposer ${step.proposer} failed`,
        details: [`message: ${step.message}`, ...extraLines(step, ['attempt', 'proposer', 'message'])],
      };
    case 'GuardrailViolation':
      return {
        head: `${step.attempt !== undefined ? `attempt ${step.attempt}: ` : ''}${violationWho(step.source, step.proposer)} changed ${step.paths.length} path(s) it may not touch (${step.action})`,
        // The step (and --json) keeps every path; the text names the first ones.
        details: shownPaths(
          step.paths,
          (x) =>
            `${x.change} ${x.path}${x.kind && x.kind !== 'file' ? ` (${x.was ? `${x.was} replaced by ` : ''}${x.kind}${x.target !== undefined ? ` -> ${x.target}` : ''})` : ''}${x.restored ? ' (restored)' : ''}${x.note ? `: ${x.note}` : ''}`,
          'path(s)',
        ),
      };
    case 'ProposerStarted':
      return {
        head: `attempt ${step.attempt}: ${step.proposer} started (pid ${step.pid}, contained by ${step.containment.mode}${step.containment.cgroup ? ` ${step.containment.cgroup}` : ''})`,
        details: [],
      };
    case 'ProposerStopped':
      return { head: `attempt ${step.attempt}: what was left of it (pid ${step.pid}) ${step.alive ? 'was stopped' : 'had already ended'}`, details: [step.reason] };
    case 'InputsAccepted':
      return { head: `inputs accepted (${step.by}): ${step.files.join(', ')}`, details: [`why: ${step.why}`] };
    case 'CheckpointsPruned':
      return { head: `checkpoints pruned (save_strategy ${step.strategy}): ${step.removed.length} removed`, details: step.kept.map((k) => `kept ${k}`) };
    case 'ProposalRejected':
      return {
        head: `attempt ${step.attempt} rejected with ${step.errors.length + (step.omitted ?? 0)} error(s)`,
        details: [...step.errors.map((e) => `error: ${errorLine(e)}`), ...(step.omitted ? [`… and ${step.omitted} more error(s), counted but not kept (limits.max_problems)`] : [])],
      };
    case 'ProposalAccepted': {
      const what = step.attempt === 0 ? `${step.proposer} config accepted` : `attempt ${step.attempt} accepted`;
      const norm = step.normalizations.length ? `${step.normalizations.length} normalization(s)` : 'no normalization';
      return {
        head: `${what}: ${step.diff.length} change(s) vs ${step.base}, ${norm}`,
        details: [
          ...step.diff.map((d) => `diff ${d.key}: ${value(d.from)} -> ${value(d.to)}`),
          ...step.normalizations.map((n) => `normalized ${n.key}: ${value(n.before)} -> ${value(n.after)} (${n.rule})`),
        ],
      };
    }
    case 'RunStarted':
      return {
        head: `attempt ${step.attempt} launched (${step.launcher}): pid ${step.pid}, seed ${step.seed ?? 'n/a'}`,
        details: [`argv: ${step.argv.map(shellQuote).join(' ')}`, `cwd: ${step.cwd}`, `log: ${step.log_path}`],
      };
    case 'RunReattached':
      return {
        head: `attempt ${step.attempt} reattached after a restart: pid ${step.pid} ${step.alive ? 'was still running' : 'had already ended'}`,
        details: [],
      };
    case 'RunFinished':
      return {
        head: `attempt ${step.attempt} finished: exit ${step.exit_code} after ${seconds(step.duration_ms)} (metrics from ${step.summary_source})`,
        details: [
          `metrics: ${
            Object.entries(step.metrics)
              .map(([k, v]) => `${k} ${fmt(v)}`)
              .join(', ') || '(none)'
          }`,
          ...(Object.keys(step.sample_sizes).length
            ? [
                `samples: ${Object.entries(step.sample_sizes)
                  .map(([k, n]) => `${k} n=${n}`)
                  .join(', ')}`,
              ]
            : []),
        ],
      };
    case 'RunFailed':
      return {
        head: `attempt ${step.attempt} FAILED (${step.reason}): exit ${step.exit_code ?? 'none'}, signal ${step.signal ?? 'none'}, after ${seconds(step.duration_ms)}`,
        details: [`message: ${step.message}`, ...step.tail.map((l) => `output | ${l}`)],
      };
    case 'RunEvaluated': {
      return {
        head: verdictLine(step),
        details: [
          `method: ${step.method} (${step.direction} ${step.metric})${step.seed === null ? '' : `, seed ${step.seed}`}`,
          ...extraLines(step, ['verdict', 'metric', 'direction', 'method', 'candidate', 'incumbent', 'delta', 'seed']),
        ],
      };
    }
    case 'IncumbentChanged':
      return { head: `run ${step.run_id} became the incumbent (${step.metric} ${fmt(step.mean)}, n=${step.n}), replacing ${step.previous ?? 'none'}`, details: [] };
    case 'JournalWritten':
      return {
        head: `journaled as ${step.status}`,
        details: [`action: ${step.action}`, `observation: ${step.observation}`, `outcome: ${step.outcome}`, `next: ${step.next}`],
      };
    case 'LockTakenOver':
      return { head: `pid ${step.pid} took over the workspace lock (previous holder ${step.previous_pid ?? 'unknown'})`, details: [] };
    case 'LoopResumed':
      return { head: `loop resumed by pid ${step.pid} (was in ${step.state})`, details: [] };
    case 'StopRequested':
      return { head: `stop requested (${step.now ? 'now' : 'after the current run'}): ${step.reason}`, details: [] };
    case 'LoopHalted':
      return { head: `loop halted after ${step.runs_completed} run(s): ${step.reason}`, details: [] };
    default:
      return assertNever(step, 'audit step');
  }
}

function incumbentLine(a: RunAudit): string {
  if (a.incumbent_change) return `run ${a.run_id} became the incumbent (replacing ${a.incumbent_change.previous ?? 'none'}) at #${a.incumbent_change.seq}`;
  if (a.verdict?.incumbent) return `unchanged: run ${a.verdict.incumbent.run_id} stays the incumbent`;
  return a.journal ? 'unchanged' : 'not decided yet';
}

/** The human-readable audit: a summary, then every step in log order under phase headings (each line escaped: a value cannot forge one). */
export function renderAudit(a: RunAudit): string {
  const lines: string[] = [];
  const session = a.session ? `session ${a.session.session}` : 'unknown session';
  lines.push(`Audit of run ${a.run_id} (${a.kind}, ${a.mode} mode, ${session}): ${a.status}`);
  const p = a.proposer;
  const who = p ? [p.kind, p.seed === null ? null : `seed ${p.seed}`, p.model && `model ${p.model}`, p.agent && `agent ${p.agent}`].filter(Boolean).join(', ') : 'none yet';
  lines.push(`  proposer:   ${who}`);
  lines.push(`  rationale:  ${a.rationale ?? '(none yet)'}`);
  lines.push(`  hypothesis: ${a.hypothesis ?? '(none yet)'}`);
  lines.push(`  base:       ${a.base === null ? 'not accepted yet' : `${a.base} (${a.diff.length} change(s))`}`);
  lines.push(`  outcome:    ${a.outcome ? describe(a.outcome).head : 'none yet'}`);
  lines.push(`  verdict:    ${a.verdict ? verdictLine(a.verdict) : 'none yet'}`);
  lines.push(`  incumbent:  ${incumbentLine(a)}`);
  let current: string | null = null;
  const width = String(a.steps.at(-1)?.seq ?? 0).length;
  for (const step of a.steps) {
    const h = heading(step);
    if (h !== current) {
      lines.push('', h);
      current = h;
    }
    const prefix = `  #${String(step.seq).padEnd(width)}  ${utc(step.at)}  ${step.type.padEnd(17)}  `;
    const { head, details } = describe(step);
    lines.push(prefix + head);
    for (const d of details) lines.push(' '.repeat(prefix.length + 2) + d);
    if (step.type === 'RunStarted') {
      const l = a.launches.find((x) => x.seq === step.seq);
      if (l && l.progress_events > 0 && l.last_progress)
        lines.push(
          `${' '.repeat(prefix.length + 2)}progress: ${l.progress_events} report(s), last ${Object.entries(l.last_progress)
            .map(([k, v]) => `${k} ${fmt(v)}`)
            .join(', ')}`,
        );
    }
  }
  return textOfLines(lines);
}
