/** The environment a trainer runs with: the same for the loop's runs and `autopilot loop --dry-run`. */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Settings } from '../../domain/config/settings.js';
import { trackerEnv, trackerRunId, type TrackerRunPlace } from '../../domain/trainer-io/tracker-args.js';
import { PROJECT_ROOT } from '../workspace.js';
import { ANCHOR_KEY_ENV } from '../anchor-file.js';

/** Where one run's files go: its folder (`PUFFER_AUTOPILOT_RUN_DIR`) inside the workspace, or a scratch folder for a dry run. */
export interface TrainerPlace {
  /** The workspace (`AUTOPILOT_WORKSPACE`). */
  workspace: string;
  runDir: string;
  runId: string;
  /** The GPU of the run's slot (`CUDA_VISIBLE_DEVICES`), when the session lists GPUs. */
  gpu?: string | null;
  /** The attempt's tracker run (its id from {@link trackerRunIdOf}), when a tracker is set. */
  tracker?: TrackerRunPlace & { sessionStartedAt: string };
}

/** The tracker run id of an attempt: the same for the same session (by its recorded start), run and attempt, so a resumed attempt keeps it. */
export function trackerRunIdOf(t: NonNullable<TrainerPlace['tracker']>): string {
  const digest = createHash('sha256').update(`${t.sessionStartedAt}\n${t.session}\n${t.runId}\n${t.attempt}`).digest('hex');
  return trackerRunId(t, digest);
}

/** The summary file a trainer writes (`PUFFER_AUTOPILOT_SUMMARY`). */
export function summaryPathOf(runDir: string): string {
  return join(runDir, 'trainer_summary.json');
}

/** The variables autopilot itself sets for the trainer (what RunStarted records, redacted). */
export function trainerOwnEnv(settings: Pick<Settings, 'trainer' | 'trackers'>, place: TrainerPlace): Record<string, string> {
  return {
    ...settings.trainer.env,
    // The tracker's variables (its API key is inherited, never set here, so never recorded).
    ...(place.tracker ? trackerEnv(settings.trackers, place.tracker, trackerRunIdOf(place.tracker)) : {}),
    AUTOPILOT_HOME: PROJECT_ROOT,
    AUTOPILOT_NODE: process.execPath,
    AUTOPILOT_WORKSPACE: place.workspace,
    PUFFER_AUTOPILOT_RUN_ID: place.runId,
    PUFFER_AUTOPILOT_RUN_DIR: place.runDir,
    PUFFER_AUTOPILOT_SUMMARY: summaryPathOf(place.runDir),
    // One GPU per slot: the trainer sees only its own.
    ...(place.gpu != null ? { CUDA_VISIBLE_DEVICES: place.gpu } : {}),
  };
}

/** The whole environment: ours (without the anchor key, which no trainer may read), then {@link trainerOwnEnv}. */
export function trainerFullEnv(settings: Pick<Settings, 'trainer' | 'trackers'>, place: TrainerPlace): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== ANCHOR_KEY_ENV) env[k] = v;
  return { ...env, ...trainerOwnEnv(settings, place) };
}
