/** What a run's attempt is launched with, whatever the launcher: the trainer's argv, cwd, seed and environment. */
import { getPath } from '../../domain/config/config.js';
import type { RunContext } from '../../machines/loop.machine.js';
import { inWorkspace } from '../workspace.js';
import type { LoopDeps } from './deps.js';
import { trainerArgv } from './trainer-argv.js';
import { trainerFullEnv, trainerOwnEnv, type TrainerPlace } from './trainer-env.js';

/** The environment the trainer gets: ours (without the anchor key), the settings' extras, and the run's PUFFER_AUTOPILOT_* variables. */
export function trainerEnv(deps: LoopDeps, runId: string, attempt: number): Record<string, string> {
  return trainerFullEnv(deps.settings, placeOf(deps, runId, attempt));
}

/** The variables autopilot itself sets for the trainer (what RunStarted records, redacted). */
export function trainerOwnEnvOf(deps: LoopDeps, runId: string, attempt: number): Record<string, string> {
  return trainerOwnEnv(deps.settings, placeOf(deps, runId, attempt));
}

function placeOf(deps: LoopDeps, runId: string, attempt: number): TrainerPlace {
  const view = deps.history();
  const run = view.runs.get(runId);
  const session = run ? view.sessions.get(run.session) : undefined;
  // The GPU LoopStarted recorded for the run's slot (a resumed session keeps the GPUs it started with).
  const gpu = run ? (session?.gpus?.[run.slot ?? 0] ?? null) : null;
  // The tracker run's id derives from what the log holds, so a restarted orchestrator computes the same.
  const tracker = run && session ? { session: run.session, runId, attempt, sessionStartedAt: session.startedAt } : null;
  return { workspace: deps.paths.root, runDir: deps.paths.runDir(runId), runId, ...(gpu !== null ? { gpu } : {}), ...(tracker ? { tracker } : {}) };
}

/** The slot a run is in, for RunStarted, when several runs are in flight. */
export function slotOfRun(deps: LoopDeps, runId: string): { slot?: number } {
  const slot = deps.history().runs.get(runId)?.slot;
  return slot === undefined ? {} : { slot };
}

/** The trainer's argv (no shell; relative paths resolve against its cwd), cwd and seed for the run's accepted config. */
export function launchArgs(deps: LoopDeps, run: RunContext, session: string): { argv: string[]; cwd: string; seed: number | null } {
  const config = run.accepted?.config;
  if (!config) throw new Error(`run ${run.runId} has no accepted config`);
  // The seed is where seeds.key says (not always train.seed); null when autopilot sets none.
  const key = deps.settings.seeds.key;
  const seedValue = key === null ? undefined : getPath(config, key);
  return {
    argv: trainerArgv(deps.settings, config, session, run.runId),
    cwd: inWorkspace(deps.paths, deps.settings.trainer.cwd),
    seed: typeof seedValue === 'number' && Number.isInteger(seedValue) ? seedValue : null,
  };
}
