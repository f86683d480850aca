/**
 * What a dry run's one launch gave: how the trainer ended, its summary (or the log's metrics), and
 * what the metric's sample says about the verdicts to come (mean, spread, the smallest difference
 * the configured statistics can detect). Reads the scratch folder as untrusted (never a link or FIFO).
 */
import { readConfined } from '../adapters/fs/confined.js';
import { describeKind } from '../adapters/fs/entry.js';
import type { LaunchResult } from '../adapters/launcher/local.js';
import { MAX_SUMMARY_BYTES } from '../adapters/actors/launch-outcome.js';
import { metricsFromLog } from '../domain/trainer-io/log-metrics.js';
import { FEW_VALUES, sampleOf } from '../domain/judging/sample.js';
import type { Settings } from '../domain/config/settings.js';
import { MDE_POWER, meanAndSd, minimalDetectableDifference } from '../domain/stats/power.js';
import { parseTrainerSummary } from '../domain/trainer-io/trainer-summary.js';
import type { Mode } from '../domain/config/mode.js';

export { FEW_VALUES };

/** How the launch ended: the trainer's result, or why there is none. */
export type DryRunOutcome = { ok: true; source: 'summary' | 'log'; metrics: Record<string, number>; samples: Record<string, number[]>; note?: string } | { ok: false; reason: string };

/** The metric's sample and what it allows. */
export interface MetricReport {
  name: string;
  /** Values the run gave (0: the metric is missing). */
  n: number;
  /** Whether those are per-episode samples or a single final value. */
  kind: 'samples' | 'final' | 'missing';
  mean: number | null;
  sd: number | null;
  /** The smallest difference of means detectable at 80% power with n values a side and this spread (null below 2 values). */
  mde: number | null;
  /** The metrics the trainer reported (for a missing one). */
  reported: string[];
  warnings: string[];
}

/** Reads the trainer's result the way the loop's train step does: its summary file, else the metric lines of its log. */
export function outcomeOf(r: LaunchResult, root: string, summaryPath: string, settings: Settings, mode: Mode): DryRunOutcome {
  const t = settings.timeouts[mode];
  if (r.spawnError) return { ok: false, reason: `the trainer could not be started (${r.spawnError})` };
  if (r.stoppedFor === 'timeout') return { ok: false, reason: `wall-clock limit of ${t.wall_seconds}s reached (timeouts.${mode}.wall_seconds); the trainer was terminated` };
  if (r.stoppedFor === 'hung') return { ok: false, reason: `no output for ${t.no_output_seconds}s (timeouts.${mode}.no_output_seconds); the trainer was terminated` };
  if (r.stoppedFor === 'killed') return { ok: false, reason: 'stopped by request' };
  if (!r.recorded) return { ok: false, reason: "the trainer's supervisor was killed from outside" };
  if (r.exitCode !== 0) return { ok: false, reason: `the trainer exited with ${r.signal ?? `code ${r.exitCode}`}` };
  const read = readConfined(root, summaryPath, MAX_SUMMARY_BYTES);
  // As in the loop: a link, a FIFO or an oversize summary is refused, and the log's metrics do not stand in for it.
  if (read.kind === 'unsafe') return { ok: false, reason: `trainer_summary.json refused: it is ${describeKind(read.entry.kind)}, not a regular file (not read)` };
  if (read.kind === 'too-large') return { ok: false, reason: `trainer_summary.json refused: ${read.size} bytes, more than the ${read.max} read` };
  const parsed = read.kind === 'file' ? parseTrainerSummary(read.bytes.toString('utf8'), { maxSamples: settings.limits.max_samples }) : { ok: false as const, problem: 'missing' };
  if (parsed.ok) return { ok: true, source: 'summary', metrics: parsed.summary.metrics, samples: parsed.summary.samples ?? {} };
  if ('refused' in parsed) return { ok: false, reason: `trainer_summary.json refused: ${parsed.problem}` };
  const fromLog = metricsFromLog(r.tail);
  if (fromLog) return { ok: true, source: 'log', metrics: fromLog.metrics, samples: {}, note: `no usable trainer_summary.json (${parsed.problem})` };
  return { ok: false, reason: `no usable trainer_summary.json (${parsed.problem}) and no metrics in the log` };
}

/** The metric's sample in the result, its mean and spread, the MDE, and the warnings a night of such runs deserves. */
export function metricReport(outcome: Extract<DryRunOutcome, { ok: true }>, settings: Settings): MetricReport {
  const name = settings.metric.name;
  const sample = sampleOf(outcome, name);
  const kind = sample.length === 0 ? 'missing' : (outcome.samples[name]?.length ?? 0) > 0 ? 'samples' : 'final';
  const reported = [...new Set([...Object.keys(outcome.metrics), ...Object.keys(outcome.samples)])].sort();
  const { mean, sd } = meanAndSd(sample);
  const { alpha, sidedness } = settings.statistics;
  const mde = minimalDetectableDifference(sd, sample.length, alpha, sidedness, MDE_POWER);
  const warnings: string[] = [];
  if (sample.length === 1) {
    const replicates = settings.statistics.inconclusive_replicates;
    warnings.push(
      `a run yields 1 value of ${name}: such runs can never be judged on their own (a verdict needs 2 values a side). ` +
        (kind === 'final'
          ? 'The trainer reports only a final value: replicates pool their finals, so a verdict needs replicate runs ' +
            `(statistics.inconclusive_replicates is ${replicates}); better, report per-episode values in samples.${name}`
          : `Report more evaluation episodes in samples.${name}`),
    );
  } else if (sample.length > 1 && sample.length < FEW_VALUES)
    warnings.push(
      `a run yields ${sample.length} values of ${name}: the bootstrap has little to work with (fewer than ${FEW_VALUES}); more evaluation episodes per run make verdicts sharper`,
    );
  return {
    name,
    n: sample.length,
    kind,
    mean: sample.length > 0 ? mean : null,
    sd: Number.isFinite(sd) ? sd : null,
    mde: Number.isFinite(mde) ? mde : null,
    reported,
    warnings,
  };
}
