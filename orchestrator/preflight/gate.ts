/**
 * The preflight as `autopilot loop` applies it, under the lock and before the log is opened: a new
 * session with a problem is refused (exit 2, every problem listed, nothing recorded — a log that did
 * not exist still does not). A resumed session was started with its inputs (and has them put back),
 * so it is not refused for what the preflight finds in them: it says so and goes on, unless autopilot
 * cannot run it at all (autopilot.json or policy.json do not parse, the containment cannot be had).
 */
import { formatProblem } from '../../domain/preflight/problem.js';
import { PROPOSER_KINDS, type ProposerKindSetting } from '../../domain/config/settings.js';
import { unfinishedSession } from '../bound-inputs.js';
import type { WorkspacePaths } from '../../adapters/workspace.js';
import { preflight } from './preflight.js';
import { AutopilotError, prefixed } from '../../domain/errors.js';
import type { Mode } from '../../domain/config/mode.js';

/**
 * Runs the preflight for the session `autopilot loop` is about to start or resume; throws an
 * AutopilotError (code `workspace`, exit 2) when it must not, and tells `warn` what a resumed
 * session goes on despite.
 */
export function requirePreflight(paths: WorkspacePaths, options: { mode?: Mode | undefined; proposer?: ProposerKindSetting | undefined }, warn: (line: string) => void): void {
  const resuming = unfinishedSession(paths);
  const recordedProposer = PROPOSER_KINDS.find((k) => k === resuming?.proposer);
  const report = preflight(
    paths,
    resuming
      ? { mode: resuming.mode, ...(recordedProposer ? { proposer: recordedProposer } : {}) }
      : { ...(options.mode ? { mode: options.mode } : {}), ...(options.proposer ? { proposer: options.proposer } : {}) },
  );
  // Warnings never refuse: said before the session starts (or resumes), whatever else is found.
  if (report.warnings.length > 0) warn(prefixed(`the preflight warns:\n${report.warnings.map((w) => `- ${formatProblem(w)}`).join('\n')}`));
  const n = report.problems.length;
  if (n === 0) return;
  const list = report.problems.map((p) => `- ${formatProblem(p)}`).join('\n');
  const { settings, policy, containment } = report.facts;
  if (!resuming || !settings || !policy || !containment) {
    const refused = resuming ? `session ${resuming.session} cannot resume` : 'no session was started';
    throw new AutopilotError('workspace', `the preflight found ${n} problem${n === 1 ? '' : 's'}; ${refused} and nothing was recorded:\n${list}\n(autopilot check lists them again)`);
  }
  warn(
    prefixed(
      `resuming session ${resuming.session} with the inputs it was started with; the preflight found ${n} problem${n === 1 ? '' : 's'} in them ` +
        `that would refuse a new session (the resumed one goes on):\n${list}`,
    ),
  );
}
