/**
 * Events of `autopilot eval`: checkpoints evaluated on held-out seeds. The evaluation is recorded
 * (planned, with every checkpoint's hash, the seeds and the argv) before any evaluator starts, and
 * ends finished, with each checkpoint's values by seed and the paired verdict, or failed.
 */
import { z } from 'zod';
import { VERDICTS } from '../domain/stats/verdict.js';
import { event, RunId } from './event-schema.js';
import { Containment } from './containment.js';
import { SlurmJobStarted } from './launch-events.js';

/** An evaluation's id: `e` and a zero-padded sequence number. */
export const EvaluationId = z.string().regex(/^e\d{3,}$/, 'evaluation ids are e and a zero-padded sequence number, such as e001');

/** One checkpoint evaluated: what was asked for, the run and checkpoint it named, and how its evaluator is started. */
export const EvaluationTarget = z.object({
  /** As given: `003`, `003@8`, `best`, `latest`. */
  spec: z.string(),
  runId: RunId,
  /** Workspace-relative, as the run recorded it. */
  checkpoint: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The evaluator's argv (no shell; secret-looking values redacted). */
  argv: z.array(z.string()),
});
export type EvaluationTarget = z.infer<typeof EvaluationTarget>;

/** The seeds every checkpoint is evaluated on: `first`, `first + 1`, …, one episode each. */
export const HeldOutSeeds = z.object({
  first: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  /** The training seeds of the log the range was kept clear of: how many, and the largest (null: none). */
  training: z.object({ count: z.number().int().nonnegative(), max: z.number().int().nullable() }),
});

/** The paired bootstrap of per-seed differences (domain/stats/paired.ts), candidate (first target) against baseline (second). */
export const PairedResult = z.object({
  verdict: z.enum(VERDICTS),
  method: z.literal('paired-bootstrap-percentile'),
  direction: z.enum(['maximize', 'minimize']),
  alpha: z.number(),
  level: z.number(),
  resamples: z.number().int().positive(),
  seed: z.number().int().nonnegative(),
  n: z.number().int().nonnegative(),
  candidateMean: z.number().nullable(),
  baselineMean: z.number().nullable(),
  delta: z.number().nullable(),
  sdDifference: z.number().nullable(),
  interval: z.tuple([z.number(), z.number()]).nullable(),
  reason: z.string().optional(),
});

/** Recorded before any evaluator starts. */
export const EvaluationPlanned = event(
  'EvaluationPlanned',
  z.object({
    evaluationId: EvaluationId,
    /** The checkpoint judged first, then the one it is compared with (`--vs`). */
    targets: z.array(EvaluationTarget).min(1).max(2),
    metric: z.string(),
    direction: z.enum(['maximize', 'minimize']),
    seeds: HeldOutSeeds,
    /** The seed of the paired bootstrap's resampling (null: one checkpoint, nothing compared). */
    bootstrapSeed: z.number().int().nonnegative().nullable(),
    /** What asked for it: the `eval` command, or the loop confirming a promotion. */
    by: z.enum(['command', 'promotion']),
    /** By `promotion`: the run whose journal step asked for it (its promotion waits on the verdict). */
    runId: RunId.optional(),
  }),
);

/** Every checkpoint evaluated: its metric's values in seed order and its summary metrics, and the paired verdict when two were compared. */
export const EvaluationFinished = event(
  'EvaluationFinished',
  z.object({
    evaluationId: EvaluationId,
    results: z
      .array(
        z.object({
          runId: RunId,
          checkpoint: z.string(),
          /** The metric's value of each held-out seed, `seeds.first` first. */
          samples: z.array(z.number()),
          metrics: z.record(z.string(), z.number()),
          durationMs: z.number().nonnegative(),
        }),
      )
      .min(1)
      .max(2),
    paired: PairedResult.nullable(),
  }),
);

/** Which evaluator: its evaluation and target (its spec), and its place among the evaluation's targets (its folder is `logs/eval/<evaluation>-<index>`). */
const EvaluatorOf = {
  evaluationId: EvaluationId,
  target: z.string(),
  index: z.number().int().positive(),
};

/** A local evaluator: its supervisor's pid (also its process group's id), when that process started, and its containment. */
const LocalEvaluator = z.object({
  ...EvaluatorOf,
  /** Absent in logs written before evaluators could run as cluster jobs. */
  launcher: z.literal('local').optional(),
  pid: z.number().int(),
  pidStartTime: z.string().nullable(),
  containment: Containment,
});

/** An evaluator run as a Slurm job: the job as EvaluatorJobPlanned recorded it before `sbatch`, and its id. */
const ClusterEvaluator = z.object({
  ...EvaluatorOf,
  launcher: z.literal('slurm'),
  job: SlurmJobStarted,
});

/**
 * An evaluator was launched, so a loop restarted after a crash can find and stop it: a local one
 * recorded before it may start, a cluster job once `sbatch` gave its id (EvaluatorJobPlanned went before).
 */
export const EvaluatorStarted = event('EvaluatorStarted', z.union([LocalEvaluator, ClusterEvaluator]));

/** An evaluation that gave no verdict: which checkpoint's evaluator failed, and why (`interrupted`: the loop's process ended while it ran). */
export const EvaluationFailed = event(
  'EvaluationFailed',
  z.object({
    evaluationId: EvaluationId,
    /** The target (its spec) whose evaluation failed (absent: before any ran). */
    target: z.string().optional(),
    /** `lost`, `cancelled` (from outside autopilot) and `launcher-error` (the scheduler stopped answering) end cluster jobs only. */
    reason: z.enum(['cannot-start', 'crashed', 'timeout', 'hung', 'killed', 'no-summary', 'metric-missing', 'checkpoint-changed', 'interrupted', 'lost', 'cancelled', 'launcher-error']),
    message: z.string(),
    /** The last lines of the evaluator's output (secrets redacted). */
    tail: z.array(z.string()).optional(),
  }),
);
