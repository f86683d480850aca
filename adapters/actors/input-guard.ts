/** Between runs, the session's bound inputs are checked against the disk and put back when something else changed them. */
import type { Config } from '../../domain/config/config.js';
import type { EventOf, InputFile } from '../../events/catalogue.js';
import { loadBaseline } from '../workspace.js';
import { changedInputs, revertInputs } from '../inputs.js';
import { keepRejected, rejectedBytes } from '../rejected-inputs.js';
import { workspaceBlobs } from '../blob-files.js';
import { makeEvent, type LoopDeps } from './deps.js';
import type { Mode } from '../../domain/config/mode.js';

/**
 * Compares the bound inputs with the disk; each one changed without a command is put back (what it
 * was changed to kept in blobs/), and the returned GuardrailViolation (null when nothing changed)
 * says which, what stood there and where the rejected edit is kept.
 */
export function guardInputs(deps: LoopDeps, session: string, run: { runId?: string; attempt?: number } = {}): EventOf<'GuardrailViolation'> | null {
  const bound = deps.history().inputs;
  if (bound.size === 0) return null;
  const changes = changedInputs(deps.paths.root, bound, deps.settings.secrets.record);
  if (changes.length === 0) return null;
  // What they were changed to is kept first (in blobs/), within what the workspace's earlier violations left of the cap.
  const history = deps.history().labbook.flatMap((e) => (e.type === 'GuardrailViolation' ? [e.data] : []));
  const keeper = { blobs: workspaceBlobs(deps.paths), used: rejectedBytes(history) };
  const paths = revertInputs(deps.paths.root, changes, (c) => keepRejected(keeper, c));
  return makeEvent(
    'GuardrailViolation',
    {
      ...(run.runId !== undefined ? { runId: run.runId } : {}),
      ...(run.attempt !== undefined ? { attempt: run.attempt } : {}),
      source: 'inputs',
      paths,
      action: paths.every((p) => p.restored) ? 'reverted' : 'detected',
    },
    session,
    deps.now(),
  );
}

/** The text the log keeps of an input, when it is the file's own (not a redacted copy, which only the disk completes). */
export function recordedText(input: InputFile | undefined): string | undefined {
  return input && !input.redacted ? input.text : undefined;
}

/** The baseline of `mode` as the session bound it (the disk's when the log holds no copy). */
export function boundBaseline(deps: LoopDeps, mode: Mode): Config {
  return loadBaseline(deps.paths, mode, recordedText(deps.history().inputs.get(`configs/baseline_${mode}.json`)));
}
