/**
 * What `autopilot loop` does before it opens the log for a session: the workspace is checked, the
 * lock taken, an agent the dead loop left running stopped, the bound inputs put back (or accepted),
 * the preflight passed, and settings, policy and containment loaded. Anything that keeps a session
 * from starting is thrown as an `AutopilotError` for the CLI's runner to report (cli/runner.ts),
 * with the lock released; nothing of the session is recorded.
 */
import { catalogueCodec, streamOf, type Containment } from '../events/catalogue.js';
import { resolveContainment } from '../adapters/launcher/containment.js';
import { openSqliteStore } from '../adapters/store/sqlite-store.js';
import { workspaceBlobs } from '../adapters/blob-files.js';
import { acquireLock, type Lock } from '../adapters/lock.js';
import { makeEvent, type StoppedAgent } from '../adapters/actors/deps.js';
import { stopInterrupted } from '../adapters/proposers/interrupted.js';
import { interruptedAgent } from './bound-inputs.js';
import { checkResumedInputs, type InputsOutcome } from './resume-inputs.js';
import { assertWorkspace, loadPolicy, loadSettings, WorkspaceError, workspacePaths, type WorkspacePaths } from '../adapters/workspace.js';
import { requirePreflight } from './preflight/gate.js';
import { requireSlurmReady } from './slurm-check.js';
import { requirePerRunDir } from '../domain/config/checkpoint-settings.js';
import { sessionParallel, type SessionParallel } from './loop-parallel.js';
import { failure } from '../domain/errors.js';
import type { ProposerKindSetting } from '../domain/config/settings.js';
import type { Mode } from '../domain/config/mode.js';

/** The workspace a session starts or resumes in, loaded and locked. */
export interface LoopStart {
  paths: WorkspacePaths;
  lock: Lock;
  settings: ReturnType<typeof loadSettings>;
  policy: ReturnType<typeof loadPolicy>;
  containment: Containment['mode'];
  /** What the resume check did to the bound inputs. */
  inputs: InputsOutcome;
  /** The interrupted agent attempt stopped before the inputs were checked. */
  stoppedAgent: StoppedAgent | null;
  /** The runs a new session keeps in flight and their GPUs (a resumed session keeps what it recorded). */
  parallel: SessionParallel;
}

/**
 * Prepares the session of one `autopilot loop`; `warn` gets what does not stop it (a resumed
 * session's preflight problems). Throws an AutopilotError for what does: not a workspace (exit 2),
 * the lock held (exit 1), inputs that could not be put back (exit 1), a preflight problem (exit 2).
 */
export async function startLoop(
  options: { workspace: string; mode?: Mode | undefined; proposer?: ProposerKindSetting | undefined; acceptInputChanges?: string | undefined; parallel?: number | undefined },
  warn: (line: string) => void,
): Promise<LoopStart> {
  const paths = workspacePaths(options.workspace);
  assertWorkspace(paths);
  const lock = acquireLock(paths.lock);
  try {
    let stoppedAgent: StoppedAgent | null = null;
    // Resuming: an agent attempt the dead loop left running is stopped first, so it cannot rewrite what is put back.
    const interrupted = interruptedAgent(paths);
    if (interrupted) {
      const { runId, attempt, pid, proposer } = interrupted.started;
      stoppedAgent = { runId, attempt, pid, proposer, startedAt: interrupted.at, alive: await stopInterrupted(paths.root, interrupted.started) };
    }
    // Then the inputs the session is bound to are put back (or, told so, accepted) before they are loaded.
    const inputs = checkResumedInputs(paths, options.acceptInputChanges);
    if (inputs && 'reverted' in inputs && inputs.reverted.some((p) => !p.restored)) refuseResume(paths, inputs);
    // Before anything is recorded: a session that cannot start leaves no trace (see preflight/gate.ts).
    requirePreflight(paths, options, warn);
    const settings = loadSettings(paths);
    const policy = loadPolicy(paths);
    const containment = resolveContainmentSetting(settings.containment);
    await requireSlurmReady(settings);
    const parallel = await sessionParallel(settings, options.parallel);
    requirePerRunDir(settings.checkpoints, parallel.recorded?.k ?? 1);
    return { paths, lock, settings, policy, containment, inputs, stoppedAgent, parallel };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/**
 * An unfinished session whose inputs changed and could not be put back (they held secrets the file
 * no longer has) does not resume: the violation is recorded, and the user restores the file or
 * accepts the change.
 */
function refuseResume(paths: WorkspacePaths, inputs: Extract<InputsOutcome, { reverted: unknown }>): never {
  const store = openSqliteStore(paths.events, catalogueCodec, { blobs: workspaceBlobs(paths) });
  try {
    const event = makeEvent('GuardrailViolation', { source: 'inputs', paths: inputs.reverted, action: 'detected' }, inputs.session);
    const stream = streamOf(event);
    store.append(stream, [event], { expectedVersion: store.streamVersion(stream) });
  } finally {
    store.close();
  }
  const kept = inputs.reverted.filter((p) => !p.restored);
  throw failure(`cannot resume session ${inputs.session}: ${kept.map((p) => `${p.path} (${p.note ?? 'not restored'})`).join(', ')} changed during the session and could not be put back`, {
    hint: 'restore it by hand, or resume with --accept-input-changes "<why>"',
  });
}

/** The containment mode the setting resolves to here; a forced mode that cannot be had is a workspace error (exit 2, nothing recorded). */
export function resolveContainmentSetting(setting: Parameters<typeof resolveContainment>[0]): Containment['mode'] {
  try {
    return resolveContainment(setting);
  } catch (e) {
    throw new WorkspaceError(`autopilot.json containment: ${(e as Error).message}`);
  }
}
