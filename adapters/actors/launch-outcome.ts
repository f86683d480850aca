/**
 * How a trainer launch ended, as the run's RunFinished or RunFailed: the summary read as an
 * untrusted file (or the log's metric lines), the metric checked to be there, a command that
 * could not even start told apart from one that crashed, and the last lines of a failure's output
 * kept (secrets redacted), so the reason is in the log and not only in a log file.
 */
import { relative } from 'node:path';
import { sampleOf } from '../../domain/judging/sample.js';
import { metricsFromLog } from '../../domain/trainer-io/log-metrics.js';
import { parseTrainerSummary } from '../../domain/trainer-io/trainer-summary.js';
import { redactText } from '../../domain/text/secrets.js';
import type { DataOf } from '../../events/catalogue.js';
import { readConfined, removeConfined, type ConfinedRead, type UnsafeEntry } from '../fs/confined.js';
import { describeKind } from '../fs/entry.js';
import type { LaunchResult } from '../launcher/local.js';
import { fingerprintOutputs } from './run-outputs.js';

/** Largest trainer_summary.json read (its samples are capped by limits.max_samples anyway). */
export const MAX_SUMMARY_BYTES = 64 << 20;
/** Longest tail line kept in an event. */
const TAIL_LINE_MAX = 500;

/** What the attempt ended as (without run id and attempt), and unsafe entries met reading it. */
export type LaunchOutcome =
  | { kind: 'finished'; data: Omit<DataOf<'RunFinished'>, 'runId' | 'attempt'>; unsafe: UnsafeEntry[] }
  | { kind: 'failed'; data: Omit<DataOf<'RunFailed'>, 'runId' | 'attempt'>; unsafe: UnsafeEntry[] };

/** What the outcome needs to know of the run. */
export interface OutcomeContext {
  root: string;
  summaryPath: string;
  checkpoints: string[];
  metric: string;
  maxSamples: number;
  tailLines: number;
  timeouts: { wall_seconds: number; no_output_seconds: number };
  logPath: string;
  argv0: string;
}

/** The last `n` non-empty lines of output, each cut to a readable length, secrets redacted. */
export function failureTail(lines: readonly string[], n: number): string[] {
  if (n === 0) return [];
  return lines
    .filter((l) => l.trim() !== '')
    .slice(-n)
    .map((l) => redactText(l.length > TAIL_LINE_MAX ? `${l.slice(0, TAIL_LINE_MAX)}…` : l));
}

// What a shell or the kernel says when the command (or the one a script execs) cannot be run at all.
const CANNOT_RUN = /\bnot found\b|No such file or directory|Permission denied|cannot execute|not executable|ENOENT|EACCES/i;

/** Why the summary that was read is refused (removed when it is not a regular file), with the entry a violation names; null when it may be parsed. */
function refusedSummary(c: OutcomeContext, read: ConfinedRead): { problem: string; entry: UnsafeEntry } | null {
  const path = relative(c.root, c.summaryPath);
  if (read.kind === 'unsafe') {
    removeConfined(c.root, c.summaryPath);
    const { kind, target } = read.entry;
    return {
      problem: `it was ${kind === 'symlink' ? `a symlink to ${target ?? '?'}` : describeKind(kind)}, not a regular file; removed, not read`,
      entry: { ...read.entry, action: 'removed' },
    };
  }
  if (read.kind !== 'too-large') return null;
  const problem = `${read.size} bytes, more than the ${read.max} read`;
  return { problem, entry: { path, kind: 'file', action: 'ignored', note: `a summary of ${read.size} bytes, over the ${read.max >> 20} MiB the loop reads; not read, left in place` } };
}

/** The outcome of launch `r` (which was not stopped, and ended with a recorded exit). */
export function launchOutcome(r: LaunchResult, c: OutcomeContext): LaunchOutcome {
  const tail = failureTail(r.tail, c.tailLines);
  const base = { exitCode: r.exitCode, signal: r.signal, durationMs: r.durationMs, ...(tail.length ? { tail } : {}) };
  const fail = (reason: DataOf<'RunFailed'>['reason'], message: string, unsafe: UnsafeEntry[] = []): LaunchOutcome => ({
    kind: 'failed',
    data: { ...base, reason, message },
    unsafe,
  });
  if (r.spawnError) return fail('cannot-start', `could not start ${c.argv0}: ${r.spawnError} (${tail.at(-1) ?? 'no output'})`);
  if (r.exitCode !== 0) {
    const last = tail.at(-1);
    if ((r.exitCode === 126 || r.exitCode === 127) && last && CANNOT_RUN.test(last)) return fail('cannot-start', `the trainer could not be started: ${last}`);
    return fail('crashed', `trainer exited with ${r.signal ?? `code ${r.exitCode}`}${last ? `: ${last}` : ''}; see ${c.logPath}`);
  }
  const read = readConfined(c.root, c.summaryPath, MAX_SUMMARY_BYTES);
  // A summary the loop may not read — a link, a FIFO, oversize — is refused: the log's metrics must not stand in for it.
  const refused = refusedSummary(c, read);
  if (refused) return fail('no-summary', `trainer_summary.json refused: ${refused.problem}`, [refused.entry]);
  const parsed = read.kind === 'file' ? parseTrainerSummary(read.bytes.toString('utf8'), { maxSamples: c.maxSamples }) : { ok: false as const, problem: 'missing' };
  // A summary over a limit is refused outright too.
  if (!parsed.ok && 'refused' in parsed) return fail('no-summary', `trainer_summary.json refused: ${parsed.problem}`);
  const result = parsed.ok
    ? { summarySource: 'summary' as const, metrics: parsed.summary.metrics, samples: parsed.summary.samples ?? {} }
    : (() => {
        // No usable summary: the log's JSON metric lines, else PufferLib's dashboard text.
        const fromLog = metricsFromLog(r.tail);
        return fromLog ? { summarySource: 'log' as const, metrics: fromLog.metrics, samples: {} } : null;
      })();
  if (!result) return fail('no-summary', `no usable trainer_summary.json (${parsed.ok ? '' : parsed.problem}) and no metrics in the log`);
  if (sampleOf(result, c.metric).length === 0) {
    const had = [...new Set([...Object.keys(result.metrics), ...Object.keys(result.samples)])].sort();
    return fail(
      'metric-missing',
      `the trainer reported no value of "${c.metric}" (metric.name in autopilot.json); it reported ${had.length ? had.map((m) => `"${m}"`).join(', ') : 'no metrics at all'} (${result.summarySource === 'summary' ? 'trainer_summary.json' : 'its log'})`,
    );
  }
  const outputs = fingerprintOutputs(c.root, read.kind === 'file' ? { rel: relative(c.root, c.summaryPath), bytes: read.bytes } : null, c.checkpoints);
  return {
    kind: 'finished',
    data: {
      exitCode: 0,
      durationMs: r.durationMs,
      ...result,
      ...(c.checkpoints.length ? { checkpoints: c.checkpoints } : {}),
      ...(outputs.length ? { outputs } : {}),
    },
    unsafe: [],
  };
}
