/**
 * The event catalogue: every fact autopilot records, as zod schemas of `{type, data, metadata}`.
 * Names are past tense. Payload versions start at 1; an older stored version is upcast on read
 * (see `upcasters`), never rewritten.
 */
import { z } from 'zod';
import type { EventCodec, EventEnvelope } from './store.js';
import { MODES } from '../domain/config/mode.js';
import { VERDICTS } from '../domain/stats/verdict.js';
import { event, RunId } from './event-schema.js';
import { AttemptPlanned, LauncherCommandFailed, RunRequeued, SlurmJobStarted } from './launch-events.js';
import { CheckpointsIndexed } from './checkpoint-events.js';
import { TrackerRunLinked } from './tracker-events.js';
import { EvaluationFailed, EvaluationFinished, EvaluationPlanned, EvaluatorStarted } from './evaluation-events.js';
import { EvaluatorJobPlanned } from './evaluator-job-events.js';
import { Containment } from './containment.js';
import { RolledBack } from './rollback-events.js';
import { RunCommitFailed, RunCommitted } from './git-events.js';

const Scalar = z.union([z.number(), z.string(), z.boolean()]);
type ConfigShape = { [key: string]: z.infer<typeof Scalar> | ConfigShape };
/** A config: nested plain objects whose leaves are finite numbers, strings or booleans. */
function isConfig(value: unknown, depth = 0): value is ConfigShape {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || depth > 32) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const v = (value as Record<string, unknown>)[key];
    const ok = typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || isConfig(v, depth + 1);
    if (!ok) return false;
  }
  return true;
}
// Hand-checked rather than a z.lazy record of unions: every ProposalAccepted carries a whole config,
// and the recursive zod schema made it the dearest event to decode (about 100 µs against 4 µs).
const ConfigSchema = z.custom<ConfigShape>((v) => isConfig(v), {
  message: 'expected a config: nested objects whose values are finite numbers, strings or booleans (at most 32 levels)',
});
const FlatConfig = z.record(z.string(), Scalar);
const NullableScalar = z.union([Scalar, z.null()]);

export { Metadata } from './event-schema.js';

export const ValidationErrorSchema = z.object({
  key: z.string(),
  value: z.unknown(),
  expected: z.string(),
  rule: z.string(),
  message: z.string(),
});

const Mode = z.enum(MODES);
const Direction = z.enum(['maximize', 'minimize']);
const ProposerKind = z.string().min(1);

/**
 * Why an attempt failed. `cannot-start` (the command could not be executed: not found, not
 * permitted) and `metric-missing` (the trainer ran but reported no value of the metric) are
 * setup problems, not a verdict on the config.
 */
export const FailureReason = z.enum([
  'timeout',
  'hung',
  'crashed',
  'killed',
  'orphaned',
  'no-summary',
  'launch-error',
  'cannot-start',
  'metric-missing',
  // A cluster job that left the queue with no result file, or that was cancelled from outside autopilot.
  'lost',
  'cancelled',
  // The launcher's own commands kept failing (Slurm's controller down, a bad partition): the loop halts.
  'launcher-error',
]);
export type FailureReason = z.infer<typeof FailureReason>;

/** The verdict a `RunEvaluated` records: `baseline` for a run compared with nothing, else the comparison's {@link VERDICTS}. */
export const RunVerdict = z.enum(['baseline', ...VERDICTS]);

const IncumbentRef = z.object({
  runId: RunId,
  metric: z.string(),
  mean: z.number(),
  n: z.number().int().nonnegative(),
  sample: z.array(z.number()),
  override: FlatConfig,
});
export type IncumbentRef = z.infer<typeof IncumbentRef>;

/** Where a replication stands: the candidate (parent) run, why it is replicated, replicates wanted and done. */
const ReplicationProgress = z.object({
  parent: RunId,
  reason: z.enum(['improved', 'inconclusive', 'baseline']),
  target: z.number().int().positive(),
  done: z.number().int().nonnegative(),
  /** Re-runs of the incumbent made for the current confirmation round (absent: none). */
  remeasures: z.array(RunId).min(1).optional(),
  /** Replicates that confirmed the improvement so far, each on its own sample (absent: none). */
  confirmations: z.array(RunId).min(1).optional(),
});

export { Containment } from './containment.js';

/** A workspace input a session is bound to: its hash and, when small text, its content (so a change can be reverted). */
export const InputFile = z.object({
  /** Relative to the workspace. */
  path: z.string(),
  /** sha256 of the content; null when the file is missing. */
  sha256: z.string().nullable(),
  size: z.number().int().nonnegative(),
  /** The content, when it is UTF-8 text of at most 256 KiB. */
  text: z.string().optional(),
  /** Set when the file held secrets: `text` and `sha256` are of the text with them redacted (the log keeps no key). */
  redacted: z.literal(true).optional(),
  /** Whether the file may be executed (any x bit); absent in bindings recorded before it was kept, which are not checked for it. */
  executable: z.boolean().optional(),
});
export type InputFile = z.infer<typeof InputFile>;

const EntryKindSchema = z.enum(['file', 'directory', 'symlink', 'fifo', 'socket', 'block-device', 'char-device']);

export const LoopStarted = event(
  'LoopStarted',
  z.object({
    session: z.string(),
    runsRequested: z.number().int().positive(),
    mode: Mode,
    proposer: ProposerKind,
    /**
     * The root of every draw of the `builtin` and `random` proposers in this session (absent in early
     * logs, whose draws derive from the session id alone), and where it came from: `loop --seed`,
     * autopilot.json `proposer.seed`, an earlier session's LoopStarted, or drawn for this workspace.
     */
    proposerSeed: z.object({ value: z.number().int().min(0).max(0xffffffff), source: z.enum(['option', 'settings', 'log', 'drawn']) }).optional(),
    /** Sequence number the first run of this session gets. */
    firstRunIndex: z.number().int().positive(),
    /** The incumbent when the session started (null in a fresh workspace). */
    incumbent: IncumbentRef.nullable(),
    /** A replication the previous session left under way, which this one carries on (absent: none). */
    replication: ReplicationProgress.extend({
      /** The parent and the replicates so far, whose samples are pooled in `sample`. */
      runs: z.array(RunId).min(1),
      sample: z.array(z.number()),
      /** What every replicate runs: the parent's accepted overrides. */
      override: FlatConfig,
      /** The pooled samples of `remeasures` and of `confirmations` (absent: none). */
      remeasureSample: z.array(z.number()).optional(),
      confirmationSample: z.array(z.number()).optional(),
    }).optional(),
    /** The session's error budget: the chance it promotes a config no better than the incumbent (absent in early logs). */
    errorControl: z
      .object({
        screening: z.number(),
        confirmation: z.number().nullable(),
        rounds: z.number().int().nonnegative(),
        comparisons: z.number().int().positive(),
        bound: z.number().nullable(),
      })
      .optional(),
    limits: z.object({
      maxProposalAttempts: z.number().int().positive(),
      maxRunAttempts: z.number().int().positive(),
      maxConsecutiveFailures: z.number().int().positive(),
      /** What happens when the proposer is exhausted for a run (absent in early logs: halt). */
      onExhausted: z.enum(['halt', 'fallback']).optional(),
      /** budgets.max_runs: runs the workspace's history may hold (absent: no limit). */
      maxRuns: z.number().int().positive().optional(),
      /** Runs the history had journaled when the session started, counted against maxRuns (absent: 0). */
      runsBefore: z.number().int().nonnegative().optional(),
      /** budgets.max_wall_seconds: wall time of the session, checked between runs (absent: no limit). */
      maxWallSeconds: z.number().positive().optional(),
    }),
    metric: z.object({ name: z.string(), direction: Direction }),
    pid: z.number().int(),
    /** The workspace inputs the session is bound to (absent in early logs): settings, policy, baselines, prompt, trainer script. */
    inputs: z.array(InputFile).optional(),
    /**
     * Runs kept in flight at once (absent: one at a time, on no GPU), where k came from, and the GPU
     * each slot gives its trainer (`CUDA_VISIBLE_DEVICES`; null: none) — local launcher only.
     */
    parallel: z
      .object({
        k: z.number().int().min(1).max(64),
        source: z.enum(['option', 'settings', 'gpus']),
        gpus: z.array(z.string().nullable()),
      })
      .refine((p) => p.gpus.length === p.k, { message: 'names one GPU (or null) per slot', path: ['gpus'] })
      .optional(),
  }),
);
/** The user changed bound inputs through a command (`policy set`, `loop --accept-input-changes`): the new state, and why. */
export const InputsAccepted = event(
  'InputsAccepted',
  z.object({
    files: z.array(InputFile).min(1),
    why: z.string().min(1),
    by: z.string().min(1),
  }),
);
export const LockTakenOver = event('LockTakenOver', z.object({ previousPid: z.number().int().nullable(), pid: z.number().int(), path: z.string() }));
export const LoopResumed = event('LoopResumed', z.object({ session: z.string(), pid: z.number().int(), state: z.string() }));
export const RunPlanned = event(
  'RunPlanned',
  z
    .object({
      runId: RunId,
      index: z.number().int().positive(),
      /** `replicate`: the same config as run `parent` again, under a fresh seed, to confirm (or pool with) its result. */
      kind: z.enum(['baseline', 'proposal', 'replicate']),
      mode: Mode,
      parent: RunId.optional(),
      /** The slot the run is planned in, when several runs are in flight (absent: one at a time). */
      slot: z.number().int().nonnegative().optional(),
    })
    .refine((d) => (d.kind === 'replicate') === (d.parent !== undefined), { message: 'a replicate names its parent run, and only a replicate does', path: ['parent'] }),
);
export const ProposalRequested = event(
  'ProposalRequested',
  z.object({
    runId: RunId,
    attempt: z.number().int().positive(),
    proposer: ProposerKind,
    previousErrors: z.array(ValidationErrorSchema),
    /** Errors of the previous rejection beyond `limits.max_problems`, counted but not handed back (absent: none). */
    previousOmitted: z.number().int().positive().optional(),
    /** Set when the built-in proposer stands in for an exhausted one. */
    fallbackFrom: z.string().optional(),
    /** The prompt an agent was given, exactly as rendered from the log (agents only). */
    prompt: z.object({ template: z.string(), text: z.string() }).optional(),
    /** The other runs in flight when the proposal was asked for (absent: none). */
    inFlight: z.array(RunId).min(1).optional(),
    /** How an agent was run: its CLI, the sandbox (or the recorded opt-out of it), whether the MCP server was offered. */
    agent: z
      .object({
        cli: z.enum(['codex', 'claude', 'command']),
        sandbox: z.enum(['read-only', 'workspace-write', 'bypassed', 'none']),
        mcp: z.boolean(),
        model: z.string().optional(),
      })
      .optional(),
  }),
);
/** What a proposer process did: exit, duration, and what its CLI reported (the prompt argument is recorded as `<prompt>`). */
export const ProposerProcess = z.object({
  argv: z.array(z.string()),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  durationMs: z.number().nonnegative(),
  /** The agent's session (codex thread id, claude session id), where the CLI reports it. */
  sessionId: z.string().optional(),
  /** Cost in US dollars, where the CLI reports it (claude). */
  costUsd: z.number().nonnegative().optional(),
  /** Token counts as the CLI reports them; what they count is `usageMeaning`. */
  usage: z.record(z.string(), z.number()).optional(),
  /**
   * What `usage` counts. `codex-session`: the whole session's totals (codex's last `turn.completed`),
   * `input_tokens` including `cached_input_tokens`. `claude-result`: the totals of claude's result
   * message, with `cache_read_input_tokens` and `cache_creation_input_tokens` apart from `input_tokens`.
   * The two are not comparable token for token.
   */
  usageMeaning: z.enum(['codex-session', 'claude-result']).optional(),
  /** Agentic turns, where the CLI counts them (claude's `num_turns`; codex has none). */
  turns: z.number().int().nonnegative().optional(),
  /** The error the CLI reported about itself (codex `error`/`turn.failed`, claude's error result). */
  error: z.string().optional(),
  /** The MCP servers and their status as the session started (claude's `system`/`init` message). */
  mcpServers: z.array(z.object({ name: z.string(), status: z.string() })).optional(),
  /** The tools claude's permission system refused during the session (`permission_denials`). */
  permissionDenials: z.array(z.string()).optional(),
  /** The `propose` calls the agent made through `autopilot mcp`, and the errors returned to it. */
  mcp: z.object({ calls: z.number().int().nonnegative(), rejected: z.number().int().nonnegative(), errors: z.array(z.string()) }).optional(),
});
/** An agent process was launched (recorded before it may start), so a restart can find and stop it. */
export const ProposerStarted = event(
  'ProposerStarted',
  z.object({
    runId: RunId,
    attempt: z.number().int().positive(),
    proposer: ProposerKind,
    pid: z.number().int(),
    pidStartTime: z.string().nullable(),
    containment: Containment,
  }),
);
/** The processes of an interrupted agent attempt were stopped before the attempt ran again. */
export const ProposerStopped = event(
  'ProposerStopped',
  z.object({
    runId: RunId,
    attempt: z.number().int().positive(),
    pid: z.number().int(),
    /** Whether anything of it was still running. */
    alive: z.boolean(),
    reason: z.string(),
  }),
);
export const ProposalReceived = event(
  'ProposalReceived',
  z.object({
    runId: RunId,
    attempt: z.number().int().positive(),
    proposer: ProposerKind,
    /** Seed of the proposer's random draws (null for proposers without one). */
    seed: z.number().int().nullable(),
    overrides: z.unknown(),
    rationale: z.string(),
    hypothesis: z.string(),
    /** Problems with the answer itself (unreadable file, missing rationale…): validation rejects it with these. */
    problems: z.array(ValidationErrorSchema).optional(),
    /** Problems beyond `limits.max_problems`, counted but not kept (absent: none). */
    problemsOmitted: z.number().int().positive().optional(),
    /** What the proposer process did, when it is one: exit, duration, and anything it reported. */
    process: ProposerProcess.optional(),
    /** The runs in flight the built-in proposer counted as bad results (constant liars), with their configs (absent: none). */
    pending: z
      .array(z.object({ runId: RunId, overrides: FlatConfig }))
      .min(1)
      .optional(),
  }),
);
export const ProposalFailed = event(
  'ProposalFailed',
  z.object({
    runId: RunId,
    attempt: z.number().int().positive(),
    proposer: ProposerKind,
    message: z.string(),
    /** timeout | hung | crashed | no-proposal | error (absent in early logs). */
    reason: z.enum(['timeout', 'hung', 'crashed', 'no-proposal', 'error']).optional(),
    process: ProposerProcess.optional(),
  }),
);
export const ProposalRejected = event(
  'ProposalRejected',
  z.object({
    runId: RunId,
    attempt: z.number().int().positive(),
    /** The first `limits.max_problems` errors. */
    errors: z.array(ValidationErrorSchema).min(1),
    /** Errors beyond `limits.max_problems`, counted but not kept (absent: none). */
    omitted: z.number().int().positive().optional(),
  }),
);
export const ProposalAccepted = event(
  'ProposalAccepted',
  z.object({
    runId: RunId,
    attempt: z.number().int().nonnegative(),
    proposer: ProposerKind,
    /** What the overrides were merged into: `baseline` or the incumbent's run id. */
    base: z.string(),
    config: ConfigSchema,
    override: FlatConfig,
    diff: z.array(z.object({ key: z.string(), from: NullableScalar, to: NullableScalar })),
    normalizations: z.array(z.object({ key: z.string(), before: NullableScalar, after: Scalar, rule: z.string() })),
    rationale: z.string(),
    hypothesis: z.string(),
  }),
);
const RunStartedV1 = z.object({
  runId: RunId,
  attempt: z.number().int().positive(),
  launcher: z.enum(['local', 'slurm']),
  argv: z.array(z.string()),
  cwd: z.string(),
  /** The supervisor's pid (null on Slurm, where the job runs on another machine). */
  pid: z.number().int().nullable(),
  /** Process start time as the OS reports it, to tell a live trainer from a recycled pid. */
  pidStartTime: z.string().nullable(),
  seed: z.number().int().nullable(),
  logPath: z.string(),
});
/** v2 adds what a restarted orchestrator needs to reattach: the supervisor's exit file and where the launch's output starts in the log. */
export const RunStarted = event(
  'RunStarted',
  RunStartedV1.extend({
    /** The file the supervisor writes `{exitCode, signal}` to when the trainer ends (null: launched without one). */
    exitFile: z.string().nullable(),
    /** Byte offset of this launch's first output line in `logPath`. */
    logOffset: z.number().int().nonnegative(),
    /** The variables autopilot set for the trainer (settings' env and PUFFER_AUTOPILOT_*), secret-looking ones redacted. */
    env: z.record(z.string(), z.string()).optional(),
    /** How the trainer's process tree is contained (absent in early logs: its process group only). */
    containment: Containment.optional(),
    /** The Slurm job running the attempt (launcher `slurm`). */
    job: SlurmJobStarted.optional(),
    /** The slot the run is in, when several runs are in flight (absent: one at a time); its GPU is `env.CUDA_VISIBLE_DEVICES`. */
    slot: z.number().int().nonnegative().optional(),
  }),
);
export const RunReattached = event(
  'RunReattached',
  z.object({
    runId: RunId,
    attempt: z.number().int().positive(),
    /** The supervisor's pid (null for a Slurm job). */
    pid: z.number().int().nullable(),
    /** The Slurm job reattached to, and how it was found: by its recorded id, or by its name (its submission was recorded, its id was not). */
    jobId: z.string().optional(),
    foundBy: z.enum(['id', 'name']).optional(),
    /** True when the trainer was still running; false when it had ended while no orchestrator watched. */
    alive: z.boolean(),
  }),
);
export const RunProgress = event('RunProgress', z.object({ runId: RunId, attempt: z.number().int().positive(), metrics: z.record(z.string(), z.number()) }));
export const RunFinished = event(
  'RunFinished',
  z.object({
    runId: RunId,
    attempt: z.number().int().positive(),
    exitCode: z.number().int(),
    durationMs: z.number().nonnegative(),
    summarySource: z.enum(['summary', 'log']),
    metrics: z.record(z.string(), z.number()),
    samples: z.record(z.string(), z.array(z.number())),
    /** Checkpoint files the run left, workspace-relative, oldest first. */
    checkpoints: z.array(z.string()).optional(),
    /** The run's outputs as read once nothing of it ran (summary by sha256, checkpoints by identity), checked again at the journal step. */
    outputs: z.array(z.object({ path: z.string(), sha256: z.string().optional(), identity: z.string().optional() })).optional(),
    /** The run folder and its entries as they were then (no link followed, the loop's own projection files left out), listed again at the journal step. */
    folder: z.array(z.object({ path: z.string(), identity: z.string() })).optional(),
  }),
);
export const RunFailed = event(
  'RunFailed',
  z.object({
    runId: RunId,
    attempt: z.number().int().positive(),
    reason: FailureReason,
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    durationMs: z.number().nonnegative(),
    message: z.string(),
    /** Present, and false, when the attempt was recorded but its trainer never ran (the orchestrator died before letting it start). */
    started: z.literal(false).optional(),
    /** The last lines of the attempt's output (secrets redacted), for a failure that printed why. */
    tail: z.array(z.string()).optional(),
  }),
);
export const RunEvaluated = event(
  'RunEvaluated',
  z.object({
    runId: RunId,
    metric: z.string(),
    direction: Direction,
    verdict: RunVerdict,
    method: z.string(),
    candidate: z.object({ mean: z.number(), n: z.number().int().nonnegative() }),
    incumbent: z.object({ runId: RunId, mean: z.number(), n: z.number().int().nonnegative() }).nullable(),
    /** Candidate minus incumbent, in the metric's units (null for a baseline). */
    delta: z.number().nullable(),
    /** Seed of any random draw the method made (null when it made none): the bootstrap's resampling seed. */
    seed: z.number().int().nullable(),
    // The statistical verdict (absent from events recorded before it existed, and for a baseline):
    /** Significance level, and how it is spent on the interval. */
    alpha: z.number().optional(),
    sidedness: z.enum(['two-sided', 'one-sided']).optional(),
    /** Bootstrap resamples. */
    resamples: z.number().int().positive().optional(),
    /** Confidence interval of the difference of means in the better orientation (positive: candidate better); null when a side had too few values. */
    interval: z.tuple([z.number(), z.number()]).nullable().optional(),
    /** With Welch's interval: the studentized permutation test's one-sided p-values (`resamples` permutations, seeded by `seed`). */
    permutation: z.object({ improved: z.number(), regressed: z.number() }).optional(),
    /** Welch's t-test, as a cross-check (t > 0: candidate better; two-sided p). */
    welch: z.object({ t: z.number(), df: z.number(), p: z.number() }).nullable().optional(),
    /** Why the verdict is inconclusive, when it is for want of data. */
    reason: z.string().optional(),
    /** The runs whose samples were pooled as the candidate (a replicate pools with its parent and earlier replicates). */
    pooled: z.array(RunId).optional(),
    /** The runs whose samples were the incumbent's side (re-runs of it made for this confirmation); absent: its recorded sample. */
    against: z.array(RunId).min(1).optional(),
  }),
);
export const IncumbentChanged = event('IncumbentChanged', z.object({ runId: RunId, previous: RunId.nullable(), incumbent: IncumbentRef }));
export const JournalWritten = event(
  'JournalWritten',
  z.object({
    runId: RunId,
    status: z.enum(['completed', 'failed']),
    action: z.string(),
    observation: z.string(),
    outcome: z.string(),
    next: z.string(),
    /** Replication of a candidate, as decided after this run: go on with another replicate, or its outcome. */
    replication: ReplicationProgress.extend({
      decision: z.enum(['replicate', 'confirmed', 'not-confirmed', 'budget-spent', 'failed']),
    }).optional(),
  }),
);
export const CheckpointsPruned = event(
  'CheckpointsPruned',
  z.object({
    runId: RunId,
    strategy: z.enum(['all', 'latest', 'best']),
    /** Workspace-relative checkpoint files deleted. */
    removed: z.array(z.string()),
    kept: z.array(z.string()),
  }),
);
/** The content a bound input was changed to, kept in the blob store (its text, secrets redacted; sha256 and UTF-8 bytes). */
const RejectedInput = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative(), redacted: z.literal(true).optional() });
export const GuardrailViolation = event(
  'GuardrailViolation',
  z.object({
    /** The run at hand (absent: found between runs). */
    runId: RunId.optional(),
    attempt: z.number().int().positive().optional(),
    /** The proposer whose step it was (source `proposer`). */
    proposer: ProposerKind.optional(),
    /**
     * Who could have done it: the proposer during its step, the trainer during its run, `inputs` for
     * bound inputs changed without a command, `workspace` for an unsafe entry found where the loop
     * reads or writes (absent in early logs: proposer).
     */
    source: z.enum(['proposer', 'trainer', 'inputs', 'workspace']).optional(),
    /** Every path changed, relative to the workspace (or absolute outside it). */
    paths: z
      .array(
        z.object({
          path: z.string(),
          change: z.enum(['modified', 'created', 'deleted']),
          restored: z.boolean(),
          /** What stands there now (what stood there, for a deletion). */
          kind: EntryKindSchema.optional(),
          /** What stood there before, when the kind changed. */
          was: EntryKindSchema.optional(),
          /** A symlink's target, as text (never followed). */
          target: z.string().optional(),
          /** Why it was not restored, or what else was done. */
          note: z.string().optional(),
          /** A bound input's content as it was changed (source `inputs`), kept before it was put back: `blobs/<sha256>.json`. */
          rejected: RejectedInput.optional(),
        }),
      )
      .min(1),
    action: z.enum(['reverted', 'detected']),
  }),
);
export const StopRequested = event('StopRequested', z.object({ reason: z.string(), now: z.boolean() }));
export const LoopHalted = event('LoopHalted', z.object({ reason: z.string(), runsCompleted: z.number().int().nonnegative() }));
export const LoopCompleted = event('LoopCompleted', z.object({ runsCompleted: z.number().int().nonnegative(), incumbent: RunId.nullable() }));
export const StateEntered = event('StateEntered', z.object({ from: z.string().nullable(), to: z.string(), event: z.string() }));

export const AutopilotEvent = z.discriminatedUnion('type', [
  LoopStarted,
  LockTakenOver,
  LoopResumed,
  RunPlanned,
  ProposalRequested,
  ProposerStarted,
  ProposerStopped,
  ProposalReceived,
  ProposalFailed,
  ProposalRejected,
  ProposalAccepted,
  AttemptPlanned,
  RunStarted,
  RunReattached,
  RunRequeued,
  LauncherCommandFailed,
  RunProgress,
  TrackerRunLinked,
  RunFinished,
  RunFailed,
  RunEvaluated,
  IncumbentChanged,
  JournalWritten,
  CheckpointsPruned,
  CheckpointsIndexed,
  RunCommitted,
  RunCommitFailed,
  GuardrailViolation,
  InputsAccepted,
  RolledBack,
  StopRequested,
  LoopHalted,
  LoopCompleted,
  StateEntered,
  EvaluationPlanned,
  EvaluatorStarted,
  EvaluationFinished,
  EvaluationFailed,
  EvaluatorJobPlanned,
]);
/** Any event of the catalogue. */
export type AutopilotEvent = z.infer<typeof AutopilotEvent>;
/** The type names of the catalogue. */
export type AutopilotEventType = AutopilotEvent['type'];
/** The event of a given type. */
export type EventOf<T extends AutopilotEventType> = Extract<AutopilotEvent, { type: T }>;
/** The payload of a given type. */
export type DataOf<T extends AutopilotEventType> = EventOf<T>['data'];

/** Every event type of the catalogue, in catalogue order. */
export const EVENT_TYPES: readonly AutopilotEventType[] = AutopilotEvent.options.map((o) => o.shape.type.value);
const eventTypes = new Set<string>(EVENT_TYPES);

/** True when `type` names an event of the catalogue (XState's own events do not). */
export function isCatalogueType(type: string): type is AutopilotEventType {
  return eventTypes.has(type);
}

/** Current payload version per type; absent means 1. */
export const schemaVersions: Partial<Record<AutopilotEventType, number>> = { RunStarted: 2 };

/** Upcasters keyed by `type` then by the stored version: each lifts a payload one version up. */
export const upcasters: Partial<Record<AutopilotEventType, Record<number, (data: unknown) => unknown>>> = {
  // v1 launches had no supervisor: nothing to reattach to, output from the start of the log.
  RunStarted: { 1: (data) => ({ ...RunStartedV1.parse(data), exitFile: null, logOffset: 0 }) },
};

/** Parse-on-read codec for the event store: upcasts old versions, then validates with zod. */
export const catalogueCodec: EventCodec<AutopilotEvent> = {
  schemaVersion: (type) => schemaVersions[type as AutopilotEventType] ?? 1,
  decode: (row) => {
    const type = row.type as AutopilotEventType;
    const target = schemaVersions[type] ?? 1;
    let data = row.data;
    for (let v = row.schemaVersion; v < target; v++) {
      const up = upcasters[type]?.[v];
      if (!up) throw new Error(`no upcaster for ${row.type} v${v} -> v${v + 1}`);
      data = up(data);
    }
    return AutopilotEvent.parse({ type: row.type, data, metadata: row.metadata });
  },
  encode: (event): EventEnvelope => AutopilotEvent.parse(event),
};

/** The stream an event belongs to: a run's own stream, or its loop session's. */
export function streamOf(event: AutopilotEvent): string {
  // A rollback belongs to the run rolled back to, so that run's audit reads it from its own stream.
  const data = (event.type === 'RolledBack' ? { runId: event.data.to } : event.data) as { runId?: unknown };
  return typeof data.runId === 'string' ? `run-${data.runId}` : `session-${event.metadata.session}`;
}
