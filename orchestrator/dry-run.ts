/**
 * `autopilot loop --dry-run`: the preflight, then the baseline config run once as a real run would
 * be — same argv, environment, containment and timeouts — but in a scratch folder outside the
 * workspace (its PUFFER_AUTOPILOT_RUN_DIR and SUMMARY, the launcher's log and exit files), and a
 * report of what it gave: the metric's values, their spread, the difference the configured
 * statistics can detect. Records nothing, and leaves the workspace as it was.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainerArgv } from '../adapters/actors/trainer-argv.js';
import { summaryPathOf, trainerFullEnv, trainerOwnEnv } from '../adapters/actors/trainer-env.js';
import { launchLocal, type LaunchHandle } from '../adapters/launcher/local.js';
import { redactArgv, redactEnv } from '../adapters/secrets.js';
import { fmt } from '../domain/text/numbers.js';
import { MDE_POWER } from '../domain/stats/power.js';
import type { ProposerKindSetting } from '../domain/config/settings.js';
import { escapeLines, escapeText, jsonText } from '../domain/text/escape.js';
import { metricReport, outcomeOf, type MetricReport } from './dry-run-result.js';
import { flagNamesHint } from '../domain/trainer-io/flag-hint.js';
import { preflight } from './preflight/preflight.js';
import { problemLines, warningLines } from './preflight/report.js';
import { AutopilotError, EXIT, failure, prefixed } from '../domain/errors.js';
import { assertWorkspace, inWorkspace, workspacePaths } from '../adapters/workspace.js';
import type { Mode } from '../domain/config/mode.js';
import type { Streams } from './console.js';

/** Options of `autopilot loop --dry-run`: what to run, and the streams it prints to. */
export interface DryRunOptions extends Streams {
  workspace: string;
  mode?: Mode | undefined;
  proposer?: ProposerKindSetting | undefined;
  json?: boolean | undefined;
}

/** The run id the trainer is told (`PUFFER_AUTOPILOT_RUN_ID`): no run of the log has it. */
export const DRY_RUN_ID = 'dry-run';
/** Output lines shown when the trainer fails. */
const TAIL_SHOWN = 20;

/** Runs the dry run; exit 0 when the metric came back with at least 2 values, 1 when not (or the trainer failed); throws an AutopilotError for preflight problems (exit 2) or a trainer that cannot start (exit 1). */
export async function dryRun(o: DryRunOptions): Promise<number> {
  const out = (l: string) => o.out.write(`${escapeText(l)}\n`);
  const err = (l: string) => o.err.write(`${escapeLines(l)}\n`);
  const paths = workspacePaths(o.workspace);
  assertWorkspace(paths);
  const report = preflight(paths, { ...(o.mode ? { mode: o.mode } : {}), ...(o.proposer ? { proposer: o.proposer } : {}) });
  const { settings, runConfig, containment, mode } = report.facts;
  if (!o.json) for (const line of warningLines(report)) err(line);
  if (report.problems.length > 0 || !settings || !runConfig || !containment) {
    if (o.json) out(jsonText({ ok: false, stage: 'preflight', problems: report.problems }));
    throw new AutopilotError('workspace', `the preflight found ${report.problems.length} problem(s); nothing was run:\n${problemLines(report).join('\n')}`);
  }

  // Everything the run writes goes here, outside the workspace: its run folder, log and exit record.
  const scratch = mkdtempSync(join(tmpdir(), 'autopilot-dry-run-'));
  const runDir = join(scratch, 'runs', DRY_RUN_ID);
  mkdirSync(runDir, { recursive: true });
  mkdirSync(join(scratch, 'logs'));
  // As in a real run, the run folder holds the config (scripts that read it still work).
  writeFileSync(join(runDir, 'config.json'), `${JSON.stringify(runConfig, null, 2)}\n`);
  // A tracker gets a run of its own for the dry run (a fresh id each time).
  const tracker = { session: DRY_RUN_ID, runId: DRY_RUN_ID, attempt: 1, sessionStartedAt: new Date().toISOString() };
  const place = { workspace: paths.root, runDir, runId: DRY_RUN_ID, tracker };
  const argv = trainerArgv(settings, runConfig, DRY_RUN_ID, DRY_RUN_ID);
  const cwd = inWorkspace(paths, settings.trainer.cwd);
  const record = settings.secrets.record;
  const shownArgv = redactArgv(argv, record);
  const shownEnv = redactEnv(trainerOwnEnv(settings, place), record);
  const logFile = join(scratch, 'logs', `${DRY_RUN_ID}.log`);
  const t = settings.timeouts[mode];
  if (!o.json) {
    out(`dry run of the ${mode} baseline in ${scratch} (nothing is recorded; the workspace is left as it is)`);
    out(`argv: ${shownArgv.join(' ')}`);
    out(`cwd:  ${cwd}`);
    out('env (set by autopilot):');
    for (const [k, v] of Object.entries(shownEnv)) out(`  ${k}=${v}`);
    out(`containment: ${containment}; limits: wall ${t.wall_seconds}s, no output ${t.no_output_seconds}s`);
    out('running…');
  }

  let handle: LaunchHandle;
  try {
    handle = launchLocal({
      argv,
      cwd,
      env: trainerFullEnv(settings, place),
      root: scratch,
      logFile,
      exitFile: join(scratch, 'logs', `${DRY_RUN_ID}.attempt-1.exit.json`),
      containment,
      maxOutputBytes: settings.limits.max_output_bytes,
      wallMs: t.wall_seconds * 1000,
      noOutputMs: t.no_output_seconds * 1000,
      graceMs: t.grace_seconds * 1000,
    });
  } catch (e) {
    throw failure(`could not start ${shownArgv.join(' ')}: ${(e as Error).message}`, { cause: e });
  }
  const stop = () => handle.stop('killed');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const result = await handle.result.finally(() => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  });
  const outcome = outcomeOf(result, scratch, summaryPathOf(runDir), settings, mode);
  const metric = outcome.ok ? metricReport(outcome, settings) : null;
  const ok = metric !== null && metric.n >= 2;
  // A good run leaves nothing behind; a failed one keeps its scratch folder (the log) for a look.
  if (ok) rmSync(scratch, { recursive: true, force: true });

  if (o.json) {
    out(
      jsonText({
        ok,
        mode,
        scratch: ok ? null : scratch,
        argv: shownArgv,
        cwd,
        env: shownEnv,
        containment,
        ...(report.warnings.length > 0 ? { warnings: report.warnings } : {}),
        durationMs: result.durationMs,
        ...(outcome.ok ? { source: outcome.source, reported: metric?.reported } : { failure: outcome.reason, tail: result.tail.slice(-TAIL_SHOWN) }),
        ...(metric ? { metric: { ...metric, alpha: settings.statistics.alpha, sidedness: settings.statistics.sidedness, power: MDE_POWER } } : {}),
      }),
    );
    return ok ? EXIT.ok : EXIT.failed;
  }
  out(`ended after ${fmt(result.durationMs / 1000)}s`);
  if (!outcome.ok) {
    err(prefixed(`the dry run failed: ${outcome.reason}`));
    const tail = result.tail.slice(-TAIL_SHOWN);
    if (tail.length > 0) err(`last lines of its output (${logFile}):\n${tail.map((l) => `  ${l}`).join('\n')}`);
    const hint = flagNamesHint(tail, runConfig, settings.trainer.flag_names);
    if (hint) err(`hint: ${hint}`);
    err(`the scratch folder is kept: ${scratch}`);
    return EXIT.failed;
  }
  out(`summary: ${outcome.source === 'summary' ? 'trainer_summary.json' : `the log's metric lines (${outcome.note})`}; metrics: ${metric!.reported.join(', ') || 'none'}`);
  for (const line of metricLines(metric!, settings.metric.direction, settings.statistics)) out(line);
  for (const w of metric!.warnings) err(`warning: ${w}`);
  if (!ok) err(`the scratch folder is kept: ${scratch}`);
  return ok ? EXIT.ok : EXIT.failed;
}

/** The metric's lines: present with how many values, mean and spread, and the smallest detectable difference. */
function metricLines(m: MetricReport, direction: string, stats: { alpha: number; sidedness: string }): string[] {
  if (m.kind === 'missing') {
    const had = m.reported.join(', ') || 'no metrics';
    return [`metric ${m.name} (${direction}): MISSING — the trainer reported ${had}; set metric.name in autopilot.json to one of them, or report it`];
  }
  const lines = [`metric ${m.name} (${direction}): present, n=${m.n} ${m.kind === 'samples' ? `values (samples.${m.name})` : 'final value (metrics only: replicates pool finals)'}`];
  if (m.mean !== null) lines.push(`  mean ${fmt(m.mean)}${m.sd !== null ? `, sd ${fmt(m.sd)}` : ''}`);
  if (m.mde !== null && m.sd !== null)
    lines.push(
      `  smallest detectable difference: ${fmt(m.mde)} (${fmt(m.mde / m.sd)} sd${m.mean ? `, ${fmt((100 * m.mde) / Math.abs(m.mean))}% of the mean` : ''}) ` +
        `with n=${m.n} a side, alpha ${stats.alpha} ${stats.sidedness}, ${100 * MDE_POWER}% power`,
    );
  return lines;
}
