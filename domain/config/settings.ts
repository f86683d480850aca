/** `autopilot.json`: how the loop runs — trainer command, launcher, proposer, metric, timeouts, budgets. */
import { z } from 'zod';
import { AutopilotError, type ErrorDetails } from '../errors.js';
import { MODES } from './mode.js';
import { LauncherSettingSchema, normalizeLauncher, SlurmSettingsSchema } from './launcher-settings.js';
import { CheckpointSettingsSchema } from './checkpoint-settings.js';
import { LegacyWandbSchema, mergeLegacyWandb, TrackersSchema } from './trackers.js';
import { EvaluationSettingsSchema } from './evaluation-settings.js';
import { GitSettingsSchema } from './git-settings.js';

const Seconds = z.number().positive();
const ModeTimeouts = z.strictObject({
  /** Wall-clock limit of one training run. */
  wall_seconds: Seconds,
  /** A run that prints nothing for this long is considered hung. */
  no_output_seconds: Seconds,
  /** Time between SIGTERM and SIGKILL when a run is stopped. */
  grace_seconds: Seconds.default(5),
});

/** `timeouts.full` when autopilot.json leaves it out: a workspace that trains in quick mode only need not configure full runs. */
export const FULL_TIMEOUT_DEFAULTS = { wall_seconds: 28_800, no_output_seconds: 1200, grace_seconds: 30 };

/** The proposers `proposer.kind` (and `autopilot loop --proposer`) may name; `tpe` is the former name of `builtin`. */
export const PROPOSER_KINDS = ['builtin', 'random', 'codex', 'claude', 'command', 'tpe'] as const;
/** A proposer kind. */
export type ProposerKindSetting = (typeof PROPOSER_KINDS)[number];
/** The built-in proposers: they need no outside process, and none falls back to another. */
export const BUILTIN_PROPOSERS = ['builtin', 'random', 'tpe'] as const satisfies readonly ProposerKindSetting[];

function agentTimeouts(wall: number, silence: number) {
  return {
    /** Wall-clock limit of one proposer invocation. */
    wall_seconds: Seconds.default(wall),
    /** An invocation that prints nothing for this long is stopped as hung. */
    no_output_seconds: Seconds.default(silence),
    grace_seconds: Seconds.default(5),
  };
}
const CODEX_DEFAULTS = {
  bin: 'codex',
  sandbox: 'workspace-write' as const,
  dangerously_bypass_approvals_and_sandbox: false,
  mcp: true,
  args: [],
  env: {},
  wall_seconds: 900,
  no_output_seconds: 300,
  grace_seconds: 5,
};
const CLAUDE_DEFAULTS = {
  bin: 'claude',
  mcp: true,
  allowed_tools: ['Read', 'Grep', 'Glob', 'Write', 'Edit'],
  args: [],
  env: {},
  wall_seconds: 900,
  no_output_seconds: 300,
  grace_seconds: 5,
};

/** The defaults of `limits`. */
export const LIMIT_DEFAULTS = {
  max_problems: 100,
  max_samples: 100_000,
  max_event_bytes: 1024 * 1024,
  max_output_bytes: 64 * 1024 * 1024,
  failure_tail_lines: 20,
};
/** The largest proposer seed: seeds are 32-bit unsigned integers. */
export const MAX_PROPOSER_SEED = 0xffffffff;
/** The smallest `limits.max_event_bytes`: room for an event's metadata and a blob reference. */
export const MIN_EVENT_BYTES = 4096;

export const SettingsSchema = z
  .strictObject({
    $schema: z.string().optional(),
    trainer: z.strictObject({
      /** argv of the trainer, relative paths resolved against the workspace; never run through a shell. */
      command: z.array(z.string().min(1)).min(1),
      /** Working directory, relative to the workspace. */
      cwd: z.string().default('.'),
      /** Extra environment for the trainer. */
      env: z.record(z.string(), z.string()).default({}),
      /**
       * How config keys become flags: `kebab` (PufferLib's and most CLIs': `train.learning_rate` is
       * `--train.learning-rate`) or `as-is` (argparse flags declared with underscores: `--learning_rate`).
       */
      flag_names: z.enum(['kebab', 'as-is']).default('kebab'),
    }),
    /** Where trainers run: `local` (this machine) or `slurm` (one batch job per attempt); see launcher-settings.ts. */
    launcher: LauncherSettingSchema,
    /** Slurm's settings beside `"launcher": "slurm"` (or under `launcher.slurm`). */
    slurm: SlurmSettingsSchema.optional(),
    /**
     * How each trainer's and agent's whole process tree is kept together so nothing it starts (also
     * with setsid) outlives it: `cgroup` (a cgroup v2 per launch), `subreaper` (a supervisor that
     * inherits every orphan), `process-group` (its process group only); `auto` picks the first that
     * works here. The mode in use is recorded with each launch.
     */
    containment: z.enum(['auto', 'cgroup', 'subreaper', 'process-group']).default('auto'),
    proposer: z
      .strictObject({
        /**
         * `builtin`: the model-based optimizer (a multivariate TPE warm-started from every run in the
         * log; `tpe` is its former name); `random`: seeded random search; `codex` / `claude`: the coding
         * agents' CLIs, headless, with the rendered prompt; `command`: any executable that writes
         * proposals/next_config.json.
         */
        kind: z.enum(PROPOSER_KINDS).default('builtin'),
        /** Proposals asked for one run before the loop gives up on the proposer (each rejection asks again). */
        max_attempts: z.number().int().min(1).max(20).default(3),
        /**
         * When an agent fails (timeout, crash, no proposal) or is out of attempts: halt the loop, or let
         * the built-in optimizer propose this run (said in the labbook).
         */
        on_exhausted: z.enum(['halt', 'fallback']).default('halt'),
        /**
         * The root of every draw of the `builtin` and `random` proposers (`autopilot loop --seed N`
         * overrides it). Absent: the first loop draws one and records it in LoopStarted, and later
         * sessions read it back from the log.
         */
        seed: z
          .number({ error: 'proposer.seed must be a number: an integer from 0 to 4294967295' })
          .int('proposer.seed must be an integer from 0 to 4294967295')
          .min(0, 'proposer.seed must be an integer from 0 to 4294967295')
          .max(MAX_PROPOSER_SEED, 'proposer.seed must be an integer from 0 to 4294967295')
          .optional(),
        /** The prompt template an agent is given, relative to the workspace (rendered from the log). */
        prompt: z.string().min(1).default('prompts/propose.md'),
        /** The `command` proposer: argv (no shell), cwd relative to the workspace, extra env, timeouts. */
        command: z
          .strictObject({
            argv: z.array(z.string().min(1)).min(1),
            cwd: z.string().default('.'),
            env: z.record(z.string(), z.string()).default({}),
            ...agentTimeouts(900, 300),
          })
          .optional(),
        /** The `codex` proposer: `codex exec` with the rendered prompt, sandboxed. */
        codex: z
          .strictObject({
            /** The executable (looked up on PATH). */
            bin: z.string().min(1).default('codex'),
            model: z.string().min(1).optional(),
            /** Codex's sandbox: the workspace is the writable root under `workspace-write`. */
            sandbox: z.enum(['read-only', 'workspace-write']).default('workspace-write'),
            /** Runs codex with --dangerously-bypass-approvals-and-sandbox (no sandbox at all); recorded with each proposal. */
            dangerously_bypass_approvals_and_sandbox: z.boolean().default(false),
            /** Offer the `autopilot mcp` server (read tools and `propose`). */
            mcp: z.boolean().default(true),
            /** Extra arguments placed before the prompt. */
            args: z.array(z.string()).default([]),
            env: z.record(z.string(), z.string()).default({}),
            ...agentTimeouts(900, 300),
          })
          .default(CODEX_DEFAULTS),
        /** The `claude` proposer: `claude -p` with --output-format stream-json (one message a line as it goes). */
        claude: z
          .strictObject({
            bin: z.string().min(1).default('claude'),
            model: z.string().min(1).optional(),
            mcp: z.boolean().default(true),
            /** Tools claude may use without asking (the MCP tools are added when `mcp` is on). */
            allowed_tools: z.array(z.string().min(1)).default(['Read', 'Grep', 'Glob', 'Write', 'Edit']),
            /** Most agentic turns (--max-turns). */
            max_turns: z.number().int().min(1).optional(),
            /** Extra arguments, placed before --mcp-config and --allowedTools (which take lists). */
            args: z.array(z.string()).default([]),
            /** Extra environment (CLAUDECODE and CLAUDE_CODE_ENTRYPOINT are always removed). */
            env: z.record(z.string(), z.string()).default({}),
            // stream-json prints each message as it comes, so a silence of 5 minutes means a hang.
            ...agentTimeouts(900, 300),
          })
          .default(CLAUDE_DEFAULTS),
      })
      .superRefine((p, ctx) => {
        if (p.kind === 'command' && !p.command) ctx.addIssue({ code: 'custom', path: ['command'], message: 'proposer.kind "command" needs proposer.command.argv (the executable to run)' });
      })
      .default({ kind: 'builtin', max_attempts: 3, on_exhausted: 'halt', prompt: 'prompts/propose.md', codex: CODEX_DEFAULTS, claude: CLAUDE_DEFAULTS }),
    metric: z.strictObject({ name: z.string().min(1), direction: z.enum(['maximize', 'minimize']) }),
    /** Runs per `autopilot loop` invocation when `--runs` is not given. */
    runs: z.number().int().positive().default(5),
    /** Runs kept in flight at once (absent: the number of GPUs in launcher.local.gpus, else 1); `loop --parallel` overrides it. */
    parallel: z.number().int().min(1).max(64).optional(),
    mode: z.enum(MODES).default('quick'),
    /** Limits of one training run per mode; `full` may be left out (FULL_TIMEOUT_DEFAULTS: 8 h, 20 min without output). */
    timeouts: z.strictObject({ quick: ModeTimeouts, full: ModeTimeouts.default(FULL_TIMEOUT_DEFAULTS) }),
    retries: z
      .strictObject({
        /** Launches of one run (first attempt included) before it is recorded as failed for good. */
        max_attempts: z.number().int().min(1).max(10).default(2),
      })
      .default({ max_attempts: 2 }),
    /** How a run's seed is chosen when the proposer leaves it alone; the seed is recorded with the run. */
    seeds: z
      .strictObject({
        /** The baseline's key holding the trainer's seed (set afresh for replicates and re-runs); null: the trainer seeds itself randomly each run. */
        key: z.string().min(1).nullable().default('train.seed'),
        policy: z.enum(['fixed', 'increment', 'random']).default('increment'),
      })
      .default({ key: 'train.seed', policy: 'increment' }),
    /** The experiment tracker the trainer logs to (trackers.ts); runs/<id>/metrics.jsonl is written regardless. */
    trackers: TrackersSchema.optional(),
    /** The former `trackers.wandb` (`{enabled, project}`), still read. */
    wandb: LegacyWandbSchema.optional(),
    /** How `autopilot eval` evaluates checkpoints on held-out seeds (evaluation-settings.ts). */
    evaluation: EvaluationSettingsSchema,
    /** How a run is judged against the incumbent (see README, "Decisions that noise cannot fool"). */
    statistics: z
      .strictObject({
        /** Significance level of the bootstrap interval. */
        alpha: z.number().gt(0).max(0.5).default(0.05),
        /** How alpha is spent: `two-sided` (a 1-alpha interval; false improved about alpha/2) or `one-sided` (each bound at 1-alpha). */
        sidedness: z.enum(['two-sided', 'one-sided']).default('two-sided'),
        /** Bootstrap resamples of the difference of means. */
        resamples: z.number().int().min(10_000).max(1_000_000).default(10_000),
        /** How the interval is computed: Welch's t (`welch`, the best calibrated at small n, see README) or a bootstrap (`percentile`, `bca`). */
        interval: z.enum(['percentile', 'bca', 'welch']).default('welch'),
        /** Replicate runs (fresh seeds) that must confirm an improvement before it becomes the incumbent; 0 promotes at once. */
        replicates: z.number().int().min(0).max(10).default(1),
        /** Replicate runs an inconclusive candidate (or a baseline with fewer than 2 values) may get, pooling its samples. */
        inconclusive_replicates: z.number().int().min(0).max(10).default(0),
        /** How a replicate confirms an improvement: on its own sample against fresh incumbent re-runs (`independent`), or pooled with the sample that selected it (`pooled`, the old rule). */
        confirmation: z.enum(['independent', 'pooled']).default('independent'),
        /** Re-runs of the incumbent per confirmation round (independent confirmation); 0 compares the replicate with the incumbent's recorded sample. */
        incumbent_replicates: z.number().int().min(0).max(10).default(1),
        /** The chance a session may take of promoting a config no better than the incumbent; sets the confirmation level. */
        session_alpha: z.number().gt(0).max(0.5).default(0.05),
        /** An inconclusive candidate is replicated only if its interval reaches this gain, in the metric's units (null: any). */
        min_effect: z.number().positive().nullable().default(null),
        /** Replicates of inconclusive candidates one session may spend (null: no limit beyond inconclusive_replicates each). */
        max_extra_runs: z.number().int().min(0).nullable().default(null),
      })
      .default({
        alpha: 0.05,
        sidedness: 'two-sided',
        resamples: 10_000,
        interval: 'welch',
        replicates: 1,
        inconclusive_replicates: 0,
        confirmation: 'independent',
        incumbent_replicates: 1,
        session_alpha: 0.05,
        min_effect: null,
        max_extra_runs: null,
      }),
    /** What the log may record although it looks secret (see README, "Secrets"). */
    secrets: z
      .strictObject({
        /**
         * Names recorded as they are although they look secret: environment variables of
         * `trainer.env` (`API_KEY_ID`), and flags of an argv by the same name (`API_KEY_ID` for `--api-key-id`).
         */
        record: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name such as API_KEY_ID (letters, digits, _)')).default([]),
      })
      .default({ record: [] }),
    budgets: z
      .strictObject({
        /** Failed runs in a row (retries exhausted) before the loop halts. */
        max_consecutive_failures: z.number().int().min(1).default(3),
        /** Runs the workspace's history may hold (journaled runs, every session counted); the loop halts on reaching it. */
        max_runs: z.number().int().min(1).optional(),
        /** Wall time of one loop session; checked between runs, so a run in flight when it is reached still finishes. */
        max_wall_seconds: Seconds.optional(),
      })
      .default({ max_consecutive_failures: 3 }),
    /** Caps on what one proposal, one trainer or one event may make the loop store (see README, "Limits"). */
    limits: z
      .strictObject({
        /** Validation errors of one proposal kept (event, projection, console line, next prompt); the rest are counted. */
        max_problems: z.number().int().min(1).max(10_000).default(LIMIT_DEFAULTS.max_problems),
        /** Values per metric in a trainer summary's `samples`; a summary with more fails the run. */
        max_samples: z.number().int().min(1).max(100_000_000).default(LIMIT_DEFAULTS.max_samples),
        /** Largest stored JSON of one event; a larger payload goes to `blobs/<sha256>.json`, referenced by its hash. */
        max_event_bytes: z
          .number()
          .int()
          .min(MIN_EVENT_BYTES)
          .max(1 << 30)
          .default(LIMIT_DEFAULTS.max_event_bytes),
        /** Trainer output stored per attempt, head and tail kept. */
        max_output_bytes: z.number().int().min(1024).default(LIMIT_DEFAULTS.max_output_bytes),
        /** Last lines of a failed attempt's output kept in its RunFailed (secrets redacted): what it said before it died. */
        failure_tail_lines: z.number().int().min(0).max(200).default(LIMIT_DEFAULTS.failure_tail_lines),
      })
      .default(LIMIT_DEFAULTS),
    /** Where checkpoints are, which are kept, and caps on indexing them (see checkpoint-settings.ts). */
    checkpoints: CheckpointSettingsSchema,
    /** A git commit per journaled run (see git-settings.ts). */
    git: GitSettingsSchema,
  })
  .transform(({ slurm, launcher, trackers: given, wandb, ...rest }, ctx) => {
    const normalized = normalizeLauncher(launcher, slurm);
    if ('error' in normalized) {
      ctx.addIssue({ code: 'custom', path: normalized.path, message: normalized.error });
      return z.NEVER;
    }
    const trackers = mergeLegacyWandb(given, wandb);
    if ('error' in trackers) {
      ctx.addIssue({ code: 'custom', path: ['wandb'], message: trackers.error });
      return z.NEVER;
    }
    return { ...rest, launcher: normalized, trackers };
  });
/** Parsed settings with defaults applied. */
export type Settings = z.output<typeof SettingsSchema>;

/** Raised for a settings file that does not match the schema; the message lists every problem. */
export class SettingsError extends AutopilotError {
  constructor(message: string, details?: ErrorDetails) {
    super('settings-invalid', message, details);
  }
}

/** Parses settings, naming every bad field and what it allows. */
export function parseSettings(raw: unknown, source = 'autopilot.json'): Settings {
  const result = SettingsSchema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new SettingsError(`${source} is invalid:\n${lines.join('\n')}`);
}
