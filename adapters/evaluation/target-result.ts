/**
 * How an evaluator's launch ended, whatever ran it (the local launcher, a cluster job): a stop, an
 * exit, or the scheduler's word become the failure to record; otherwise the checkpoint's sha256 is
 * checked again and the summary read as a trainer's (never through a link or a FIFO, with a size
 * cap, with exactly one value of the metric per held-out seed).
 */
import { join } from 'node:path';
import { failureTail, MAX_SUMMARY_BYTES } from '../actors/launch-outcome.js';
import { summaryPathOf } from '../actors/trainer-env.js';
import { readConfined } from '../fs/confined.js';
import { sha256Confined } from '../fs/sha256-fd.js';
import type { LaunchResult } from '../launcher/local.js';
import type { Settings } from '../../domain/config/settings.js';
import { parseTrainerSummary } from '../../domain/trainer-io/trainer-summary.js';
import type { DataOf } from '../../events/catalogue.js';
import type { PlannedTarget } from './plan.js';

/** A target's outcome: its result for EvaluationFinished, or the failure to record. */
export type TargetOutcome = { ok: true; result: DataOf<'EvaluationFinished'>['results'][number] } | { ok: false; failure: Omit<DataOf<'EvaluationFailed'>, 'evaluationId'> };

/** What reading a target's end needs. */
export interface ResultContext {
  root: string;
  settings: Settings;
  episodes: number;
}

/** The failure of `t` for `reason`, with the last lines of its output when it ran. */
export function targetFailure(t: PlannedTarget, c: ResultContext, reason: DataOf<'EvaluationFailed'>['reason'], message: string, r?: LaunchResult): TargetOutcome {
  const tail = r ? failureTail(r.tail, c.settings.limits.failure_tail_lines) : [];
  return { ok: false, failure: { target: t.target.spec, reason, message, ...(tail.length ? { tail } : {}) } };
}

/** The outcome of `t`'s evaluator, which ended as `result`, in its folder `rel` (workspace-relative). */
export async function targetOutcome(t: PlannedTarget, c: ResultContext, result: LaunchResult, rel: string): Promise<TargetOutcome> {
  const ev = c.settings.evaluation;
  const fail = (reason: DataOf<'EvaluationFailed'>['reason'], message: string) => targetFailure(t, c, reason, message, result);
  if (result.spawnError) return fail('cannot-start', `could not start ${t.argv[0]}: ${result.spawnError}`);
  if (result.stoppedFor === 'timeout') return fail('timeout', `wall-clock limit of ${ev.wall_seconds}s reached (evaluation.wall_seconds); the evaluator was terminated`);
  if (result.stoppedFor === 'hung') return fail('hung', `no output for ${ev.no_output_seconds}s (evaluation.no_output_seconds); the evaluator was terminated`);
  if (result.stoppedFor === 'killed') return fail('killed', 'stopped by request');
  // A cluster job whose state, not its exit, says how it ended: cancelled from outside, the scheduler's time limit, lost.
  if (result.endedBy) return fail(result.endedBy.reason, result.endedBy.message);
  if (result.exitCode !== 0) return fail('crashed', `the evaluator exited with ${result.signal ?? `code ${result.exitCode}`}; see ${join(rel, 'eval.log')}`);
  // The checkpoint judged must be the one planned: a change while it ran voids the result.
  if ((await sha256Confined(c.root, t.path)) !== t.target.sha256)
    return fail('checkpoint-changed', `${t.target.checkpoint} changed while it was evaluated (its sha256 differs from the one recorded)`);
  const sample = readSample(c, summaryPathOf(join(c.root, rel)));
  if (!sample.ok) return fail(sample.reason, sample.message);
  return { ok: true, result: { runId: t.target.runId, checkpoint: t.target.checkpoint, samples: sample.values, metrics: sample.metrics, durationMs: result.durationMs } };
}

type Sample = { ok: true; values: number[]; metrics: Record<string, number> } | { ok: false; reason: 'no-summary' | 'metric-missing'; message: string };

/** The metric's per-seed values from the summary at `path`, read as untrusted. */
function readSample(c: ResultContext, path: string): Sample {
  const read = readConfined(c.root, path, MAX_SUMMARY_BYTES);
  if (read.kind === 'unsafe') return { ok: false, reason: 'no-summary', message: `trainer_summary.json refused: it was a ${read.entry.kind}, not a regular file (not read)` };
  if (read.kind === 'too-large') return { ok: false, reason: 'no-summary', message: `trainer_summary.json refused: ${read.size} bytes, more than the ${read.max} read` };
  if (read.kind !== 'file') return { ok: false, reason: 'no-summary', message: 'the evaluator wrote no trainer_summary.json' };
  const parsed = parseTrainerSummary(read.bytes.toString('utf8'), { maxSamples: c.settings.limits.max_samples });
  if (!parsed.ok) return { ok: false, reason: 'no-summary', message: `trainer_summary.json ${'refused' in parsed ? 'refused' : 'unusable'}: ${parsed.problem}` };
  const metric = c.settings.metric.name;
  const values = parsed.summary.samples?.[metric];
  if (!values) return { ok: false, reason: 'metric-missing', message: `the summary has no samples.${metric} (one value per held-out seed is needed to pair them)` };
  if (values.length !== c.episodes) {
    return { ok: false, reason: 'metric-missing', message: `samples.${metric} holds ${values.length} values for ${c.episodes} held-out seeds; pairing needs one value per seed` };
  }
  return { ok: true, values, metrics: parsed.summary.metrics };
}
