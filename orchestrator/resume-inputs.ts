/**
 * Before an unfinished session resumes, its bound inputs are compared with the disk: changed by
 * hand with `loop --accept-input-changes`, the new state is accepted (and recorded with the
 * reason); changed otherwise (an agent that edited policy.json and killed the loop), the recorded
 * state is put back. This runs under the workspace lock and before the settings are loaded, so
 * the resumed session loads what it was bound to.
 */
import type { DataOf, InputFile } from '../events/catalogue.js';
import { changedInputs, readInputs, revertInputs } from '../adapters/inputs.js';
import { unfinishedBinding } from './bound-inputs.js';
import type { WorkspacePaths } from '../adapters/workspace.js';
import { workspaceBlobs } from '../adapters/blob-files.js';
import { keepRejected } from '../adapters/rejected-inputs.js';

/** What the check found, to be recorded once the log is open. */
export type InputsOutcome = { session: string; accepted: InputFile[]; why: string } | { session: string; reverted: DataOf<'GuardrailViolation'>['paths'] } | null;

/** The names `secrets.record` keeps, read from the recorded autopilot.json (its redacted values do not matter here). */
function recordedNames(inputs: ReadonlyMap<string, InputFile>): string[] {
  try {
    const settings = JSON.parse(inputs.get('autopilot.json')?.text ?? '{}') as { secrets?: { record?: unknown } };
    const names = settings.secrets?.record;
    return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
  } catch {
    return [];
  }
}

/** Checks (and puts back, or accepts) the inputs of the unfinished session; null when there is none or nothing changed. */
export function checkResumedInputs(paths: WorkspacePaths, acceptWhy: string | undefined): InputsOutcome {
  const bound = unfinishedBinding(paths);
  if (!bound) return null;
  const record = recordedNames(bound.inputs);
  const changes = changedInputs(paths.root, bound.inputs, record);
  if (changes.length === 0) return null;
  if (acceptWhy !== undefined)
    return {
      session: bound.session,
      accepted: readInputs(
        paths.root,
        changes.map((c) => c.bound.path),
        record,
      ),
      why: acceptWhy,
    };
  // What they were changed to is kept first (blobs/); the cap counts this check only: it runs once per loop start, INPUT_TEXT_MAX per input at most.
  const keeper = { blobs: workspaceBlobs(paths), used: 0 };
  return { session: bound.session, reverted: revertInputs(paths.root, changes, (c) => keepRejected(keeper, c)) };
}
