/**
 * `autopilot check [--mode M] [--proposer K]`: the loop's preflight on its own — every problem that
 * would keep a session from starting, each naming the file, the key and what is allowed; or what
 * the session would start with. Reads the workspace; writes nothing. Exit 0 ok, 2 problems.
 */
import type { ProposerKindSetting } from '../domain/config/settings.js';
import { printJson, printLine } from '../orchestrator/console.js';
import { preflight } from '../orchestrator/preflight/preflight.js';
import { problemLines, reportJson, summaryLines, warningLines } from '../orchestrator/preflight/report.js';
import { EXIT } from '../domain/errors.js';
import { assertWorkspace, WorkspaceError, workspacePaths } from '../adapters/workspace.js';
import type { Mode } from '../domain/config/mode.js';
import type { CliIo } from './io.js';
import { slurmProblems } from '../orchestrator/slurm-check.js';
import { sessionParallel, type SessionParallel } from '../orchestrator/loop-parallel.js';
import { gitFact, gitLine } from '../orchestrator/run-commits.js';
import { trackersFact, trackersLine } from '../orchestrator/tracker-check.js';
import { isAutopilotError } from '../domain/errors.js';
import type { Settings } from '../domain/config/settings.js';
import type { PreflightProblem } from '../domain/preflight/problem.js';

/** Options of `autopilot check`. */
export type CheckOptions = { workspace: string; mode?: Mode; proposer?: ProposerKindSetting; parallel?: number; json?: boolean };

/** Runs the preflight (and, for the Slurm launcher, asks Slurm) and prints it; returns 0 when nothing is wrong, 2 otherwise. */
export async function checkCommand(o: CheckOptions, io: CliIo): Promise<number> {
  const paths = workspacePaths(o.workspace);
  try {
    assertWorkspace(paths);
  } catch (e) {
    // --json reports it as a problem like the others; otherwise the runner prints it (exit 2).
    if (!(e instanceof WorkspaceError) || !o.json) throw e;
    printJson({ ok: false, workspace: paths.root, problems: [{ file: 'autopilot.json', problem: e.message }] }, io.out);
    return EXIT.usage;
  }
  const report = preflight(paths, { ...(o.mode ? { mode: o.mode } : {}), ...(o.proposer ? { proposer: o.proposer } : {}) });
  if (report.facts.settings) report.problems.push(...(await slurmProblems(report.facts.settings)));
  // How many runs a new session would keep in flight, and on which GPUs: what `loop` would record, or why it would refuse.
  const parallel = report.facts.settings ? await parallelFact(report.facts.settings, o.parallel, report.problems) : null;
  if (o.json)
    printJson(
      {
        ...reportJson(paths.root, report),
        ...(parallel ? { parallel: parallel.recorded ?? { k: 1 } } : {}),
        ...(report.facts.settings ? { git: gitFact(paths.root, report.facts.settings), trackers: trackersFact(report.facts.settings, process.env) } : {}),
      },
      io.out,
    );
  else if (report.problems.length === 0) {
    for (const line of summaryLines(paths.root, report)) printLine(line, io.out);
    if (parallel) printLine(`  parallel:    ${parallelLine(parallel)}`, io.out);
    if (report.facts.settings) printLine(`  git:         ${gitLine(paths.root, report.facts.settings)}`, io.out);
    if (report.facts.settings) printLine(`  trackers:    ${trackersLine(trackersFact(report.facts.settings, process.env))}`, io.out);
    for (const line of warningLines(report)) printLine(line, io.out);
  } else {
    const n = report.problems.length;
    printLine(`${paths.root}: ${n} problem${n === 1 ? '' : 's'} would keep a ${report.facts.mode} session from starting:`, io.out);
    for (const line of problemLines(report)) printLine(line, io.out);
    for (const line of warningLines(report)) printLine(line, io.out);
  }
  return report.problems.length === 0 ? EXIT.ok : EXIT.usage;
}

/** What `loop` would resolve k to here; a k it would refuse becomes a problem of the report. */
async function parallelFact(settings: Settings, option: number | undefined, problems: PreflightProblem[]): Promise<SessionParallel | null> {
  try {
    return await sessionParallel(settings, option);
  } catch (e) {
    if (!isAutopilotError(e)) throw e;
    problems.push({ file: 'autopilot.json', key: e.key ?? 'parallel', problem: e.shortMessage, ...(e.hint ? { allowed: e.hint } : {}) });
    return null;
  }
}

/** k in one line: how many runs at once, from where, on which GPUs. */
function parallelLine(p: SessionParallel): string {
  const r = p.recorded;
  const runs = r ? `${r.k} run(s) at once (${r.source === 'gpus' ? 'one per GPU' : r.source === 'option' ? '--parallel' : '"parallel"'})` : '1 run at a time';
  const gpus = r?.gpus.some((g) => g !== null) ? `; CUDA_VISIBLE_DEVICES per slot: ${r.gpus.map((g) => g ?? '-').join(', ')}` : '';
  return `${runs}${gpus}${p.note ? `; ${p.note}` : ''}`;
}
