/**
 * What a trainer is told about its tracker: PufferLib's flags (`load_config` in
 * `pufferlib/pufferl.py`, PufferLib 3.0) and the trackers' standard environment variables. Pure:
 * the attempt's tracker run id is computed by the caller ({@link trackerRunId}'s input).
 *
 * PufferLib's WandbLogger calls `wandb.init(id=load_id or generate_id(), project, group, tags=[tag],
 * resume='allow')` and its NeptuneLogger `neptune.init_run(project=f"{neptune_name}/{neptune_project}",
 * tags=[tag])`: `--neptune-name` is the Neptune workspace, not the run's name.
 */
import type { Trackers } from '../config/trackers.js';

/** Who the tracker run belongs to: the loop session (its group), the run (its tag) and the attempt. */
export interface TrackerRunPlace {
  session: string;
  runId: string;
  attempt: number;
}

/** The longest id given: Neptune's custom run ids take at most 36 characters, W&B's 64. */
export const TRACKER_RUN_ID_MAX = 36;

/**
 * The id of an attempt's tracker run: `ap<session>r<run>a<attempt>` and `digest` (hex, from the
 * session's start time in the log), lower-case letters and digits only, at most {@link TRACKER_RUN_ID_MAX}.
 * The same attempt always gets the same id, so a requeued or resumed attempt continues its run.
 */
export function trackerRunId(p: TrackerRunPlace, digest: string): string {
  const plain = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const head = `ap${plain(p.session)}r${plain(p.runId)}a${p.attempt}`.slice(0, TRACKER_RUN_ID_MAX - 8);
  return `${head}${plain(digest)}`.slice(0, TRACKER_RUN_ID_MAX);
}

/** PufferLib's tracker flags, appended after the config's: none without a tracker. */
export function trackerArgs(trackers: Trackers, p: Omit<TrackerRunPlace, 'attempt'>): string[] {
  if (trackers.neptune) return ['--neptune', '--neptune-name', trackers.neptune.workspace, '--neptune-project', trackers.neptune.project, '--tag', p.runId];
  if (trackers.wandb) return ['--wandb', '--wandb-project', trackers.wandb.project, '--wandb-group', p.session, '--tag', p.runId];
  return [];
}

/** The trackers' own variables for the attempt (recorded in RunStarted: none is secret). */
export function trackerEnv(trackers: Trackers, p: TrackerRunPlace, runId: string): Record<string, string> {
  if (trackers.neptune) return { NEPTUNE_PROJECT: `${trackers.neptune.workspace}/${trackers.neptune.project}`, NEPTUNE_CUSTOM_RUN_ID: runId };
  const w = trackers.wandb;
  if (!w) return {};
  return {
    WANDB_PROJECT: w.project,
    ...(w.entity ? { WANDB_ENTITY: w.entity } : {}),
    // A self-hosted server; unset, the trainer keeps whatever it inherits (W&B's cloud by default).
    ...(w.base_url ? { WANDB_BASE_URL: w.base_url } : {}),
    WANDB_RUN_GROUP: p.session,
    WANDB_NAME: `${p.runId}-attempt-${p.attempt}`,
    WANDB_TAGS: p.runId,
    WANDB_JOB_TYPE: w.job_type,
    WANDB_RUN_ID: runId,
    // A resumed attempt continues the run of its id; a new id starts one.
    WANDB_RESUME: 'allow',
  };
}
