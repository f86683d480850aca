/**
 * A trainer launch whose containment could not confirm that every process of it is gone (something
 * escaped or would not die; under a subreaper, the supervisor did not record that nothing was
 * left): a GuardrailViolation on the run folder, since what is left may still write there. The
 * run's result is judged as always; what changes in the folder later is caught by the folder check.
 */
import type { Containment, EventOf } from '../../events/catalogue.js';
import type { LaunchResult } from '../launcher/local.js';
import { makeEvent } from './deps.js';

/** The violation for launch `r` of `run` (its folder workspace-relative), or null when it was contained or never started. */
export function uncontainedViolation(
  session: string,
  at: Date,
  run: { runId: string; attempt: number; folder: string },
  r: Pick<LaunchResult, 'contained' | 'neverStarted'>,
  mode: Containment['mode'],
): EventOf<'GuardrailViolation'> | null {
  if (r.contained || r.neverStarted) return null;
  const note = `processes not contained (${mode}): the launch could not confirm that every process of the run is gone; what is left may change the run folder after its result is read`;
  return makeEvent(
    'GuardrailViolation',
    { runId: run.runId, attempt: run.attempt, source: 'trainer', paths: [{ path: run.folder, change: 'modified', restored: false, kind: 'directory', note }], action: 'detected' },
    session,
    at,
  );
}
