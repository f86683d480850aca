/**
 * The steps of a run's audit and the audit object itself (also the `audit --json` shape): each step
 * is one event of the run's decision chain with the fields an auditor reads, its seq and its time.
 */
import type { DataOf } from '../../events/catalogue.js';
import type { Mode } from '../../domain/config/mode.js';

/** The validation errors a proposal step carries. */
export type ValidationErrors = DataOf<'ProposalRejected'>['errors'];

/** What every step has: where it sits in the log and when it happened (UTC, ISO 8601). */
export interface StepBase {
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
    | { type: 'RunPlanned'; index: number; kind: 'baseline' | 'proposal' | 'replicate'; mode: Mode; parent?: string }
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
        type: 'RunCommitted';
        sha: string;
        branch: string;
        parent: string | null;
        tag: string;
        best?: string | undefined;
        files: string[];
        refused?: DataOf<'RunCommitted'>['refused'];
        message: string;
        recovered?: true | undefined;
      }
    | { type: 'RunCommitFailed'; step: DataOf<'RunCommitFailed'>['step']; message: string; hint: string }
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
        pid: number | null;
        pid_start_time: string | null;
        seed: number | null;
        log_path: string;
        log_offset: number;
        exit_file: string | null;
        job?: DataOf<'RunStarted'>['job'];
      }
    | { type: 'RunReattached'; attempt: number; pid: number | null; job_id?: string | undefined; found_by?: DataOf<'RunReattached'>['foundBy']; alive: boolean }
    | { type: 'AttemptPlanned'; attempt: number; launcher: 'slurm'; job: DataOf<'AttemptPlanned'>['job']; argv: string[]; resubmission?: boolean | undefined }
    | { type: 'RunRequeued'; attempt: number; job_id: string; restarts: number; state: string; reason: string }
    | { type: 'TrackerRunLinked'; attempt: number; tracker: DataOf<'TrackerRunLinked'>['tracker']; url: string }
    | {
        type: 'LauncherCommandFailed';
        attempt?: number | undefined;
        launcher: 'slurm';
        command: string;
        argv: string[];
        exit_code: number | null;
        message: string;
        try: number;
        tries: number;
        retry_in_ms: number | null;
      }
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
        type: 'RolledBack';
        previous: string | null;
        why: string;
        by: string;
        metric: string;
        mean: number;
        n: number;
        restored?: DataOf<'RolledBack'>['restored'];
      }
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
  /** The supervisor's pid (null for a Slurm job, whose id is `job_id`). */
  pid: number | null;
  job_id?: string;
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
  mode: Mode;
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
  mode: Mode;
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
