/**
 * Runs one checkpoint's evaluator as a real child process through the local launcher (supervisor,
 * containment, timeouts), in its own folder under `logs/` (summary, log, exit record), and reads
 * the summary it wrote as the loop reads a trainer's: never through a link or a FIFO, with a size
 * cap, and with exactly one value of the metric per held-out seed.
 */
import { join } from 'node:path';
import { failureTail, MAX_SUMMARY_BYTES } from '../actors/launch-outcome.js';
import { summaryPathOf, trainerFullEnv } from '../actors/trainer-env.js';
import { ensureDirConfined, readConfined } from '../fs/confined.js';
import { launchLocal, type LaunchResult } from '../launcher/local.js';
import { inWorkspace, type WorkspacePaths } from '../workspace.js';
import type { Containment } from '../../events/catalogue.js';
import type { Settings } from '../../domain/config/settings.js';
import { parseTrainerSummary } from '../../domain/trainer-io/trainer-summary.js';
import type { DataOf } from '../../events/catalogue.js';
import type { PlannedTarget } from './plan.js';
import { sha256Confined } from '../fs/sha256-fd.js';

/** A target's outcome: its result for EvaluationFinished, or the failure to record. */
export type TargetOutcome = { ok: true; result: DataOf<'EvaluationFinished'>['results'][number] } | { ok: false; failure: Omit<DataOf<'EvaluationFailed'>, 'evaluationId'> };

/** Everything a target's launch needs. */
export interface TargetContext {
  paths: WorkspacePaths;
  settings: Settings;
  containment: Containment['mode'];
  evaluationId: string;
  /** 1 for the first target, 2 for the one it is compared with. */
  index: number;
  episodes: number;
  /** Set to stop the evaluator (a signal to the command). */
  onHandle?: (stop: () => void) => void;
  /** Records the evaluator launched (EvaluatorStarted), before it may start. */
  onStarted: (started: Omit<DataOf<'EvaluatorStarted'>, 'evaluationId'>) => void;
}

/** Runs the evaluator of `t` and reads what it reported. */
export async function runTarget(t: PlannedTarget, c: TargetContext): Promise<TargetOutcome> {
  const ev = c.settings.evaluation;
  const rel = join('logs', 'eval', `${c.evaluationId}-${c.index}`);
  const dir = join(c.paths.root, rel);
  ensureDirConfined(c.paths.root, dir);
  const runId = `${c.evaluationId}-${t.target.runId}`;
  const fail = (reason: DataOf<'EvaluationFailed'>['reason'], message: string, r?: LaunchResult): TargetOutcome => {
    const tail = r ? failureTail(r.tail, c.settings.limits.failure_tail_lines) : [];
    return { ok: false, failure: { target: t.target.spec, reason, message, ...(tail.length ? { tail } : {}) } };
  };
  let result: LaunchResult;
  try {
    const handle = launchLocal({
      argv: t.argv,
      cwd: inWorkspace(c.paths, c.settings.trainer.cwd),
      env: trainerFullEnv(c.settings, { workspace: c.paths.root, runDir: dir, runId }),
      root: c.paths.root,
      logFile: join(dir, 'eval.log'),
      exitFile: join(dir, 'exit.json'),
      containment: c.containment,
      maxOutputBytes: c.settings.limits.max_output_bytes,
      wallMs: ev.wall_seconds * 1000,
      noOutputMs: ev.no_output_seconds * 1000,
      graceMs: ev.grace_seconds * 1000,
      gated: true,
    });
    c.onHandle?.(() => handle.stop('killed'));
    // On record before it runs: a loop restarted after a crash finds it and stops it.
    c.onStarted({ target: t.target.spec, index: c.index, pid: handle.pid, pidStartTime: handle.pidStartTime, containment: handle.containment });
    handle.go();
    result = await handle.result;
  } catch (e) {
    return fail('cannot-start', `could not start ${t.argv[0]}: ${(e as Error).message}`);
  }
  if (result.spawnError) return fail('cannot-start', `could not start ${t.argv[0]}: ${result.spawnError}`, result);
  if (result.stoppedFor === 'timeout') return fail('timeout', `wall-clock limit of ${ev.wall_seconds}s reached (evaluation.wall_seconds); the evaluator was terminated`, result);
  if (result.stoppedFor === 'hung') return fail('hung', `no output for ${ev.no_output_seconds}s (evaluation.no_output_seconds); the evaluator was terminated`, result);
  if (result.stoppedFor === 'killed') return fail('killed', 'stopped by request', result);
  if (result.exitCode !== 0) return fail('crashed', `the evaluator exited with ${result.signal ?? `code ${result.exitCode}`}; see ${join(rel, 'eval.log')}`, result);
  // The checkpoint judged must be the one planned: a change while it ran voids the result.
  if ((await sha256Confined(c.paths.root, t.path)) !== t.target.sha256)
    return fail('checkpoint-changed', `${t.target.checkpoint} changed while it was evaluated (its sha256 differs from the one recorded)`, result);
  const sample = readSample(c, summaryPathOf(dir));
  if (!sample.ok) return fail(sample.reason, sample.message, result);
  return { ok: true, result: { runId: t.target.runId, checkpoint: t.target.checkpoint, samples: sample.values, metrics: sample.metrics, durationMs: result.durationMs } };
}

type Sample = { ok: true; values: number[]; metrics: Record<string, number> } | { ok: false; reason: 'no-summary' | 'metric-missing'; message: string };

/** The metric's per-seed values from the summary at `path`, read as untrusted. */
function readSample(c: TargetContext, path: string): Sample {
  const read = readConfined(c.paths.root, path, MAX_SUMMARY_BYTES);
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
